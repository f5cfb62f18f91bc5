/**
 * `POST /hl7v2/er7?ack=application` on the front-door Lambda: the answer waits until the
 * staging workflow recorded the outcome in the catalog, and says staged (201) or invalid
 * under the source's policy (422, located diagnostics), as the local lake does (docs/ack.md).
 */
import { describe, expect, it } from '@jest/globals';
import { createApplication, STAGING_SUBSCRIPTION } from '@hcdl/core';
import { MemoryCatalog, MemoryHub, MemoryObjectStore, MemoryPersistenceLayer } from '@hcdl/lake/testing';
import { createHandler } from '../src/index';

const ADT = 'MSH|^~\\&|A|B|C|D|20240101||ADT^A04^ADT_A01|C1|P|2.5\rEVN|A04|20240101\rPID|1||7734521^^^H^MR||DOE^JANE\rPV1|1|O\r';
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

function lambdaLake() {
  const ports = {
    objectStore: new MemoryObjectStore(),
    catalog: new MemoryCatalog(),
    hub: new MemoryHub(),
    idempotencyStore: new MemoryPersistenceLayer(),
    logger: silent,
  };
  // The staging workflow (stage then outcome), as the staging stack runs it after SNS.
  const workflow = createApplication(ports, { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600 }, { inlineBytes: Number.POSITIVE_INFINITY });
  ports.hub.subscribe({
    ...STAGING_SUBSCRIPTION,
    handle: async (event) => {
      if (event.attributes.event === 'ingested') await workflow.runStaging(event as Parameters<typeof workflow.runStaging>[0]);
    },
  });
  const handler = createHandler({ ...ports, config: { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600, applicationAckTimeoutMs: 10_000 } });
  const post = (body: string) =>
    handler({
      rawPath: '/hl7v2/er7',
      queryStringParameters: { ack: 'application' },
      headers: { 'content-type': 'application/hl7-v2' },
      body,
      requestContext: { http: { method: 'POST' }, authorizer: { jwt: { claims: { sub: 'writer', 'custom:write': 'lab' } } } },
    });
  /** Posts while the hub delivers the `ingested` event to the workflow (SNS does it on AWS). */
  const postAndStage = async (body: string) => {
    const answer = post(body);
    for (let i = 0; i < 100 && ports.hub.published.length === 0; i++) await new Promise((r) => setImmediate(r));
    await ports.hub.deliver();
    return answer;
  };
  return { postAndStage };
}

describe('front-door Lambda ?ack=application', () => {
  it('answers 201 staged once the workflow staged the message', async () => {
    const res = await lambdaLake().postAndStage(ADT);
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(res.body)).toMatchObject({ status: 'staged', controlId: 'C1', messageType: 'ADT^A04' });
  }, 30_000);

  it('answers 422 with located diagnostics for the curl --data reproduction (one MSH line)', async () => {
    const res = await lambdaLake().postAndStage(ADT.replace(/\r(?=.)/g, ''));
    expect(res.statusCode).toBe(422);
    const body = JSON.parse(res.body) as { status: string; diagnostics: { code: string; location: string }[] };
    expect(body.status).toBe('error');
    expect(body.diagnostics.map((d) => `${d.code}@${d.location}`)).toContain('POLICY_REQUIRED_SEGMENT_MISSING@PID[1]');
  }, 30_000);
});
