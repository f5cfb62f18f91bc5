import type { Claims, FhirChangedEvent, HubEvent } from '@hcdl/lake';
import { MemoryCatalog, MemoryHub, MemoryObjectStore, MemoryPersistenceLayer, MemoryResourceStore } from '@hcdl/lake/testing';
import { type Application, type ApplicationOptions, createApplication, type HttpResult, REFINED_SUBSCRIPTION, STAGING_SUBSCRIPTION } from '../../src/index';
import { recordingLogger } from '../support';

export const READER: Claims = { sub: 'reader', 'custom:read': 'lab' };

/** An ADT message of patient `mrn` (authority HOSP, type MR) at `time` (MSH-7 and EVN-2), with an address and a visit. */
export function adtAt(control: string, time: string, o: { event?: string; mrn?: string; street?: string; visit?: string; mrg?: string } = {}): string {
  const event = o.event ?? 'A01';
  const structure = event === 'A40' ? 'ADT_A39' : event === 'A08' ? 'ADT_A01' : 'ADT_A01';
  const lines = [
    `MSH|^~\\&|APP|FAC|LAKE|HCDL|${time}||ADT^${event}^${structure}|${control}|P|2.5`,
    `EVN|${event}|${time}`,
    `PID|1||${o.mrn ?? 'MRN-1'}^^^HOSP^MR||DOE^JANE||19800101|F|||${o.street ?? '1 MAIN ST'}^^BOSTON^MA^02110`,
  ];
  if (o.mrg !== undefined) lines.push(`MRG|${o.mrg}^^^HOSP^MR`);
  if (o.visit !== undefined) lines.push(`PV1|1|I|W1^101^1||||||||||||||||${o.visit}^^^HOSP^VN|||||||||||||||||||||||||${time}`);
  return `${lines.join('\r')}\r`;
}

/** The application with a resource store, staging and refined stages subscribed to a memory hub as the local lake does it. */
export function refinedApp(options: ApplicationOptions = {}, subscribeRefined = true) {
  const ports = {
    objectStore: new MemoryObjectStore(),
    catalog: new MemoryCatalog(),
    hub: new MemoryHub(),
    idempotencyStore: new MemoryPersistenceLayer(),
    resources: new MemoryResourceStore(),
    logger: recordingLogger(),
  };
  const app: Application = createApplication(
    { ...ports, changeFeed: ports.resources },
    // Short hand-written messages (no PV1): the mapping is under test here, not the validation policy.
    { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600, validation: { default: 'lenient', sources: {} } },
    { inlineBytes: Number.POSITIVE_INFINITY, ...options },
  );
  const refined = app.refined as NonNullable<Application['refined']>;
  ports.hub.subscribe({
    ...STAGING_SUBSCRIPTION,
    handle: async (event) => {
      if (event.attributes.event === 'ingested') await app.runStaging(event as Parameters<Application['runStaging']>[0]);
    },
  });
  if (subscribeRefined)
    ports.hub.subscribe({
      ...REFINED_SUBSCRIPTION,
      handle: async (event) => {
        if (event.attributes.event === 'staged') await refined.refine(event.body);
      },
    });
  /** Submits and delivers until the hub is quiet; the message id. */
  async function send(text: string, source = 'lab'): Promise<string> {
    const out = await app.submit({
      claims: { sub: 'w', 'custom:write': source },
      source,
      contentType: 'application/hl7-v2',
      body: Buffer.from(text, 'latin1'),
    });
    await ports.hub.deliver();
    if (out.kind !== 'accepted' || out.messages[0] === undefined) throw new Error(`not accepted: ${out.kind}`);
    return out.messages[0].messageId;
  }
  const changes = (): FhirChangedEvent['body'][] =>
    ports.hub.published.filter((e: HubEvent): e is FhirChangedEvent => e.attributes.event === 'fhir-changed').map((e) => e.body);
  const get = async (path: string, claims: Claims | null = READER): Promise<HttpResult & { json: any }> => {
    const [p, q] = path.split('?');
    const query = Object.fromEntries(new URLSearchParams(q ?? ''));
    const r = await refined.fhir.handle({ method: 'GET', path: p as string, headers: { host: 'lake.test' }, query, claims: claims ?? undefined });
    return { ...r, json: JSON.parse(r.body as string) };
  };
  return { ...ports, app, refined, send, changes, get };
}

/** The patient index id of the message's patient, as a FHIR Patient id. */
export async function patientOf(t: ReturnType<typeof refinedApp>, messageId: string): Promise<string> {
  return ((await t.catalog.getMessage(messageId))?.patientId as string).replace('pat_', 'pat-');
}
