/**
 * MirroredCatalog over the local adapters (SQLite catalog, folder object store): it is still
 * a Catalog (the port's contract), and every write leaves the view rows as NDJSON under
 * catalog/ with the same snake_case columns as the local query views.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { CATALOG_VIEW_COLUMNS, CatalogConflictError, PATIENT_IDENTIFIER_PARTS, type ObjectStore, type PutObjectInput } from '@hcdl/lake';
import { catalogContract, collect, errorRecord, messageRecord, T0 } from '@hcdl/lake/testing';
// The local adapters live in @hcdl/local, which depends on this package (not the other way round).
import { createLocalAdapters, type LocalAdapters } from '../../../local/src/adapters/local-adapters';
import { CatalogMirrorError, MirroredCatalog, errorMirrorKey, messageMirrorKey, patientIdentifiersMirrorKey } from '../../src/index';

async function localLake(): Promise<{ local: LocalAdapters; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hcdl-mirror-'));
  return { local: createLocalAdapters({ dataDir: dir }), dir };
}

catalogContract('MirroredCatalog over SQLite + folder', async () => {
  const { local, dir } = await localLake();
  return {
    catalog: new MirroredCatalog(local.catalog, local.objectStore),
    close: async () => {
      await local.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

const lines = async (store: ObjectStore, key: string): Promise<Record<string, unknown>[]> => {
  const o = await store.get(key);
  if (o === undefined) throw new Error(`no object ${key}`);
  const text = Buffer.from(o.body).toString('utf8');
  expect(text.endsWith('\n')).toBe(true);
  return text
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
};
const names = (view: keyof typeof CATALOG_VIEW_COLUMNS): string[] => CATALOG_VIEW_COLUMNS[view].map((c) => c.name);

describe("MirroredCatalog: the files of a message's life", () => {
  let local: LocalAdapters;
  let dir: string;
  beforeEach(async () => ({ local, dir } = await localLake()));
  afterEach(async () => {
    await local.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('ingested -> error (attempt 1) -> staged on replay (attempt 2), with the patient index', async () => {
    const catalog = new MirroredCatalog(local.catalog, local.objectStore);
    const m = messageRecord('clinic-a', T0, { messageType: 'ADT^A01', sendingFacility: 'NORTH' });
    const day = new Date(T0).toISOString().slice(0, 10);
    const msgKey = `catalog/messages/source=clinic-a/dt=${day}/${m.messageId}.json`;
    expect(messageMirrorKey('clinic-a', m.messageId)).toBe(msgKey);

    // A row waiting for staging is not mirrored yet (one S3 PUT less per message): its outcome is.
    await catalog.putMessage(m);
    expect(await collect(local.objectStore.list('catalog/'))).toEqual([]);

    // The error zone's use-case: the attempt's diagnostics, then the status error.
    await catalog.putErrors([
      errorRecord(m.messageId, 1, 'BAD_SEGMENT', new Date(T0 + 10).toISOString(), { location: 'PID[1]-3', line: 2, column: 5 }),
      errorRecord(m.messageId, 1, 'NO_EVN', new Date(T0 + 10).toISOString(), { severity: 'warning' }),
    ]);
    expect(await collect(local.objectStore.list('catalog/'))).toEqual([]);
    await catalog.updateMessage(m.messageId, { status: 'error', attempts: 1, errorKey: 'error/x.hl7' }, 'ingested');
    let [row] = await lines(local.objectStore, msgKey);
    expect(Object.keys(row ?? {})).toEqual(names('messages'));
    expect(row).toMatchObject({ message_id: m.messageId, source: 'clinic-a', message_type: 'ADT^A01', sending_facility: 'NORTH', staging_key: null });
    const errKey1 = `catalog/errors/source=clinic-a/dt=${day}/${m.messageId}.1.json`;
    expect(errorMirrorKey('clinic-a', m.messageId, 1)).toBe(errKey1);
    const errors1 = await lines(local.objectStore, errKey1);
    expect(errors1.map((e) => Object.keys(e))).toEqual([names('errors'), names('errors')]);
    expect(errors1.map((e) => [e.attempt, e.code, e.severity, e.location, e.line, e.column])).toEqual([
      [1, 'BAD_SEGMENT', 'error', 'PID[1]-3', 2, 5],
      [1, 'NO_EVN', 'warning', null, null, null],
    ]);
    expect(row).toMatchObject({ status: 'error', attempts: 1, error_key: 'error/x.hl7' });

    // Replay: attempt 2 stages; attempt 1's diagnostics stay.
    await catalog.updateMessage(m.messageId, { status: 'staged', attempts: 2, stagingKey: 'staging/x.json', patientId: 'P01' }, 'error');
    [row] = await lines(local.objectStore, msgKey);
    expect(row).toMatchObject({ status: 'staged', attempts: 2, staging_key: 'staging/x.json', patient_id: 'P01', error_key: 'error/x.hl7' });

    const identifiers = [
      { identifier: 'HOSP#MR#12#34', patientId: 'P01', source: 'clinic-a', firstSeenMessageId: m.messageId, firstSeenAt: m.receivedAt },
      { identifier: 'SSA#SS#123-45-6789', patientId: 'P01', source: 'clinic-a', firstSeenMessageId: m.messageId, firstSeenAt: m.receivedAt },
    ];
    await catalog.putPatientIdentifiers(identifiers);
    const pidKey = patientIdentifiersMirrorKey('P01', m.messageId);
    expect(pidKey).toBe(`catalog/patient_identifiers/P01/${m.messageId}.json`);
    const pids = await lines(local.objectStore, pidKey);
    expect(pids.map((p) => Object.keys(p))).toEqual([
      [...names('patient_identifiers'), ...PATIENT_IDENTIFIER_PARTS],
      [...names('patient_identifiers'), ...PATIENT_IDENTIFIER_PARTS],
    ]);
    expect(pids.map((p) => [p.identifier, p.authority, p.identifier_type, p.value])).toEqual([
      ['HOSP#MR#12#34', 'HOSP', 'MR', '12#34'],
      ['SSA#SS#123-45-6789', 'SSA', 'SS', '123-45-6789'],
    ]);

    // An identifier already known (for another patient) is not rewritten as the new patient's,
    // and the file of the message it was first seen in is not written again.
    const other = messageRecord('clinic-a', T0 + 5000);
    const before = (await local.objectStore.head(pidKey))?.lastModified.getTime();
    await catalog.putPatientIdentifiers([
      { identifier: 'SSA#SS#123-45-6789', patientId: 'P02', source: 'clinic-a', firstSeenMessageId: other.messageId, firstSeenAt: other.receivedAt },
      { identifier: 'HOSP#MR#12#34', patientId: 'P01', source: 'clinic-a', firstSeenMessageId: other.messageId, firstSeenAt: other.receivedAt },
    ]);
    expect((await local.objectStore.head(pidKey))?.lastModified.getTime()).toBe(before);

    const keys = await collect(local.objectStore.list('catalog/'));
    expect(keys.sort()).toEqual([errKey1, msgKey, pidKey].sort());
    // No key holds an identifier or a part of one.
    for (const k of keys) expect(k).not.toMatch(/HOSP|SSA|12#34|6789/);
  });
});

describe('MirroredCatalog: a mirror failure fails the write', () => {
  let local: LocalAdapters;
  let dir: string;
  beforeEach(async () => ({ local, dir } = await localLake()));
  afterEach(async () => {
    await local.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** A store whose puts fail while `broken` is set (S3 down, AccessDenied). */
  function flaky(store: ObjectStore) {
    const state = { broken: false };
    const wrapped: ObjectStore = {
      put: (input: PutObjectInput) => (state.broken ? Promise.reject(new Error(`S3 refused ${input.key}`)) : store.put(input)),
      copy: (input) => (state.broken ? Promise.reject(new Error(`S3 refused ${input.to}`)) : store.copy(input)),
      get: (k) => store.get(k),
      head: (k) => store.head(k),
      getTags: (k) => store.getTags(k),
      list: (p, o) => store.list(p, o),
      delete: (k) => store.delete(k),
    };
    return { state, wrapped };
  }

  it('rejects with CatalogMirrorError after the catalog write, and a retry repairs the mirror', async () => {
    const { state, wrapped } = flaky(local.objectStore);
    const catalog = new MirroredCatalog(local.catalog, wrapped);
    const m = messageRecord('clinic-a', T0);
    await catalog.putMessage(m);
    state.broken = true;
    const updated = catalog.updateMessage(m.messageId, { status: 'error', attempts: 1 }, 'ingested');
    await expect(updated).rejects.toBeInstanceOf(CatalogMirrorError);
    await expect(updated).rejects.toMatchObject({ view: 'messages', cause: expect.any(Error) });
    // The catalog row was written; the retry of the event finds it and rewrites the mirror.
    expect((await local.catalog.getMessage(m.messageId))?.status).toBe('error');
    state.broken = false;
    await catalog.updateMessage(m.messageId, { attempts: 1 });
    expect((await lines(local.objectStore, messageMirrorKey('clinic-a', m.messageId)))[0]).toMatchObject({ status: 'error', attempts: 1 });
  });

  it('a retried putMessage whose mirror failed rewrites the mirror and still reports the conflict', async () => {
    const { state, wrapped } = flaky(local.objectStore);
    const catalog = new MirroredCatalog(local.catalog, wrapped);
    // A row put with an outcome already (rows put as `ingested` are mirrored at their outcome).
    const m = messageRecord('clinic-a', T0, { status: 'error' });
    state.broken = true;
    await expect(catalog.putMessage(m)).rejects.toBeInstanceOf(CatalogMirrorError);
    expect(await collect(local.objectStore.list('catalog/'))).toEqual([]);
    state.broken = false;
    await expect(catalog.putMessage(m)).rejects.toBeInstanceOf(CatalogConflictError);
    expect((await lines(local.objectStore, messageMirrorKey('clinic-a', m.messageId)))[0]).toMatchObject({ message_id: m.messageId, status: 'error' });
  });

  it('a retry that skips putErrors (rows already there) writes the errors file when it sets status error', async () => {
    const { state, wrapped } = flaky(local.objectStore);
    const catalog = new MirroredCatalog(local.catalog, wrapped);
    const m = messageRecord('clinic-a', T0);
    await catalog.putMessage(m);
    await catalog.putErrors([errorRecord(m.messageId, 1, 'NO_MSH', m.receivedAt)]);
    state.broken = true;
    await expect(catalog.updateMessage(m.messageId, { status: 'error', attempts: 1 })).rejects.toBeInstanceOf(CatalogMirrorError);
    state.broken = false;
    // The outcome's retry: the attempt's rows exist, so it only updates the status.
    await catalog.updateMessage(m.messageId, { status: 'error', attempts: 1 });
    expect((await lines(local.objectStore, errorMirrorKey('clinic-a', m.messageId, 1))).map((e) => e.code)).toEqual(['NO_MSH']);
    // a status error without diagnostics of that attempt writes no empty file
    await catalog.updateMessage(m.messageId, { attempts: 2 });
    expect(await local.objectStore.head(errorMirrorKey('clinic-a', m.messageId, 2))).toBeUndefined();
  });

  it('names no identifier when the patient index mirror fails', async () => {
    const { state, wrapped } = flaky(local.objectStore);
    state.broken = true;
    const catalog = new MirroredCatalog(local.catalog, wrapped);
    const m = messageRecord('clinic-a', T0);
    const err = await catalog
      .putPatientIdentifiers([
        { identifier: 'HOSP#MR#SECRET-777', patientId: 'P09', source: 'clinic-a', firstSeenMessageId: m.messageId, firstSeenAt: m.receivedAt },
      ])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CatalogMirrorError);
    expect((err as Error).message).not.toContain('SECRET');
    expect((err as Error).message).toContain(m.messageId);
    expect(await local.catalog.getPatientIdByIdentifier('HOSP#MR#SECRET-777')).toBe('P09');
  });
});
