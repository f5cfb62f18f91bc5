/** The refined function's wiring: staged events from the refined queue refined, published, acknowledged per record. */
import { describe, expect, it } from '@jest/globals';
import { eventIdOf, type HubEvent, type ResourceVersion, snsAttributesOf } from '@hcdl/lake';
import { adtAt, refinedApp } from '../../../packages/core/test/refine/support';
import { createHandler, type SqsBatch } from '../src/index';

/** The SQS record SNS raw delivery makes of a hub event. */
function sqsRecord(event: HubEvent, queueMessageId: string): SqsBatch['Records'][number] {
  const messageAttributes = Object.fromEntries(
    Object.entries(snsAttributesOf(event.attributes)).map(([k, a]) => [k, { dataType: a.DataType, stringValue: a.StringValue }]),
  );
  return { messageId: queueMessageId, body: JSON.stringify(event.body), messageAttributes };
}

async function lakeWithStagedMessage() {
  const t = refinedApp({}, false);
  const messageId = await t.send(adtAt('C-1', '20240501100000', { visit: 'V-1' }));
  const staged = t.hub.published.find((e) => e.attributes.event === 'staged' && e.body.messageId === messageId) as HubEvent;
  const ingested = t.hub.published.find((e) => e.attributes.event === 'ingested') as HubEvent;
  const announced: ResourceVersion[] = [];
  const calls: number[] = [];
  const publish = async (versions: readonly ResourceVersion[]) => {
    calls.push(versions.length);
    announced.push(...versions);
  };
  const deps = { objectStore: t.objectStore, catalog: t.catalog, resources: t.resources, logger: t.logger, publish };
  return { t, messageId, staged, ingested, announced, calls, deps };
}

describe('refined function', () => {
  it('refines a staged message: versions committed, objects written, each announced once, the outbox empty', async () => {
    const { t, messageId, staged, announced, calls, deps } = await lakeWithStagedMessage();
    const out = await createHandler(deps)({ Records: [sqsRecord(staged, 'q-1')] }, {} as never);
    expect(out).toEqual({ batchItemFailures: [] });
    expect(announced.map((v) => [v.resourceType, v.change, v.messageId])).toEqual(
      expect.arrayContaining([
        ['Patient', 'create', messageId],
        ['Encounter', 'create', messageId],
      ]),
    );
    expect(new Set(announced.map(eventIdOf)).size).toBe(announced.length);
    // the message's versions are published as one batch (the publisher sends them 10 to a PutEvents call)
    expect(calls).toEqual([announced.length]);
    expect(announced.length).toBeGreaterThan(1);
    for (const v of announced) expect((await t.objectStore.get(v.key))?.body).toBeDefined();
    expect(await t.resources.pending(1000)).toEqual([]);
    // redelivered: the same content makes nothing new
    await createHandler(deps)({ Records: [sqsRecord(staged, 'q-2')] }, {} as never);
    expect(t.resources.log).toHaveLength(announced.length);
  }, 60_000);

  it('drops a record that is not a staged event, and reports only the failed record for retry', async () => {
    const { staged, ingested, announced, deps } = await lakeWithStagedMessage();
    const refine = async (target: { messageId: string }) => {
      if (target.messageId === 'broken') throw new Error('boom');
      return { committed: [], unchanged: 0, stale: [] } as never;
    };
    const broken = { ...sqsRecord(staged, 'q-3'), body: JSON.stringify({ ...staged.body, messageId: 'broken' }) };
    const out = await createHandler(deps, { refine })(
      { Records: [sqsRecord(ingested, 'q-1'), { messageId: 'q-2', body: 'not json' }, broken, sqsRecord(staged, 'q-4')] },
      {} as never,
    );
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'q-3' }] });
    expect(announced).toEqual([]);
    expect(deps.logger.lines.filter((e) => e.level === 'warn').map((e) => e.message)).toEqual([
      'refined queue message dropped: not a staged event',
      'refined queue message dropped: not a hub event',
    ]);
  }, 60_000);
});
