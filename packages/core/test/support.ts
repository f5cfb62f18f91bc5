import type { Claims, LogPort } from '@hcdl/lake';
import { MemoryCatalog, MemoryHub, MemoryObjectStore, MemoryPersistenceLayer } from '@hcdl/lake/testing';
import { type Application, type ApplicationOptions, createApplication, STAGING_SUBSCRIPTION } from '../src/index';

/** A logger that keeps its lines (tests check that nothing of a message reaches the logs). */
export function recordingLogger(): LogPort & { lines: { level: string; message: string; extra: Record<string, unknown>[] }[] } {
  const lines: { level: string; message: string; extra: Record<string, unknown>[] }[] = [];
  const at =
    (level: string) =>
    (message: string, ...extra: Record<string, unknown>[]): void =>
      void lines.push({ level, message, extra });
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

export const WRITER: Claims = { sub: 'writer-1', 'custom:write': 'lab', 'custom:read': 'lab' };

/** An ADT^A01 with a patient: MSH-10 `control`, PID-3 `mrn` (authority HOSP, type MR). */
export const adt = (control: string, mrn = 'MRN-1', event = 'A01'): string =>
  `MSH|^~\\&|APP|FAC|LAKE|HCDL|20240102030405||ADT^${event}^ADT_A01|${control}|P|2.5\rEVN|${event}|20240102030405\rPID|1||${mrn}^^^HOSP^MR||DOE^JANE||19800101|F\rPV1|1|I\r`;

export interface TestApp {
  app: Application;
  objectStore: MemoryObjectStore;
  catalog: MemoryCatalog;
  hub: MemoryHub;
  idempotencyStore: MemoryPersistenceLayer;
  logger: ReturnType<typeof recordingLogger>;
  /** Submits text for source `lab` as WRITER. */
  submit(text: string | Uint8Array, contentType?: string): ReturnType<Application['submit']>;
  /** Runs the staging workflow on every queued event (what the hub would deliver). */
  settle(): Promise<void>;
}

/** The whole application on in-memory ports, the staging workflow subscribed to the hub as the local lake does it. */
export function testApp(options: ApplicationOptions = {}, config = { maxBodyBytes: 1 << 20, dedupWindowSeconds: 3600 }): TestApp {
  const ports = {
    objectStore: new MemoryObjectStore(),
    catalog: new MemoryCatalog(),
    hub: new MemoryHub(),
    idempotencyStore: new MemoryPersistenceLayer(),
    logger: recordingLogger(),
  };
  const app = createApplication(ports, config, { inlineBytes: Number.POSITIVE_INFINITY, ...options });
  ports.hub.subscribe({
    ...STAGING_SUBSCRIPTION,
    handle: async (event) => {
      if (event.attributes.event === 'ingested') await app.runStaging(event as Parameters<Application['runStaging']>[0]);
    },
  });
  return {
    app,
    ...ports,
    submit: (text, contentType = 'application/hl7-v2') =>
      app.submit({ claims: WRITER, source: 'lab', contentType, body: typeof text === 'string' ? Buffer.from(text, 'latin1') : text }),
    settle: () => ports.hub.deliver(),
  };
}
