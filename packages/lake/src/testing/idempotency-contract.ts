import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import {
  IdempotencyAlreadyInProgressError,
  IdempotencyConfig,
  IdempotencyItemAlreadyExistsError,
  IdempotencyItemNotFoundError,
  IdempotencyRecordStatus,
  makeIdempotent,
} from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { settleAll, uniqueTag } from './support';

export interface IdempotencyHarness {
  /** A Powertools persistence layer, fresh (never configured) for each test. */
  store: BasePersistenceLayer;
  close?: () => Promise<void>;
}

export type IdempotencyFactory = () => Promise<IdempotencyHarness>;

interface Input {
  dedupKey: string;
  candidateId: string;
}
interface Result {
  messageId: string;
  controlId?: string;
  detail?: { names: string[]; n: number };
}

/** A promise with its resolve handle, to hold a call in progress. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Resolves once `condition()` holds (checked every few ms), or after `timeoutMs` anyway, so
 * the assertions that follow report what went wrong instead of the test hanging. Waiting on
 * the event itself, not a fixed delay, keeps these tests exact on a loaded machine.
 */
async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
}

/** The config the front door uses (functions/front-door/src/dedup.ts): key from `dedupKey`, fixed in-progress budget. */
function configOf(expiresAfterSeconds: number, inProgressBudgetMs: number): IdempotencyConfig {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'dedupKey', expiresAfterSeconds, throwOnNoIdempotencyKey: true });
  config.registerLambdaContext({ getRemainingTimeInMillis: () => inProgressBudgetMs } as Parameters<IdempotencyConfig['registerLambdaContext']>[0]);
  return config;
}

/** Moves the clock the layer and Powertools read (Date.now) forward; restored after each test. */
function advanceClock(ms: number): void {
  const real = Date.now.bind(Date);
  jest.spyOn(Date, 'now').mockImplementation(() => real() + ms);
}

/**
 * Contract of an idempotency store (a Powertools BasePersistenceLayer), exercised through
 * Powertools' public API as the front door uses it. Keys are random per test.
 */
export function idempotencyContract(name: string, factory: IdempotencyFactory): void {
  describe(`Idempotency store contract: ${name}`, () => {
    let harness: IdempotencyHarness;
    let store: BasePersistenceLayer;
    let tag: string;
    const input = (n: number | string): Input => ({ dedupKey: `lab#${tag}-${n}`, candidateId: `cand-${n}-${uniqueTag()}` });

    /** An idempotent ingest counting its runs; `gate` holds a run in progress. */
    function ingestFn(options: { expiresAfterSeconds?: number; budgetMs?: number; gate?: Promise<void>; fail?: () => boolean } = {}) {
      const runs: Input[] = [];
      const fn = makeIdempotent(
        async (i: Input): Promise<Result> => {
          runs.push(i);
          if (options.gate) await options.gate;
          if (options.fail?.()) throw new Error('ingest failed');
          return { messageId: i.candidateId, controlId: 'CTL-1', detail: { names: ['Zoë', 'Müller'], n: 42 } };
        },
        { persistenceStore: store, config: configOf(options.expiresAfterSeconds ?? 3600, options.budgetMs ?? 60_000) },
      );
      return { fn, runs };
    }

    beforeEach(async () => {
      harness = await factory();
      store = harness.store;
      tag = uniqueTag('k');
    });

    afterEach(async () => {
      jest.restoreAllMocks();
      await harness.close?.();
    });

    it('runs the first call and answers a repeat with the stored result without running', async () => {
      const { fn, runs } = ingestFn();
      const first = await fn(input(1));
      const again = { ...input(1), candidateId: 'someone-else' };
      const second = await fn(again);
      expect(runs).toHaveLength(1);
      expect(second).toEqual(first);
      expect(second.messageId).toBe(runs[0]?.candidateId);
      expect(second.detail).toEqual({ names: ['Zoë', 'Müller'], n: 42 });
    });

    it('keeps different keys independent', async () => {
      const { fn, runs } = ingestFn();
      const [a, b] = [await fn(input('a')), await fn(input('b'))];
      expect(runs).toHaveLength(2);
      expect(a.messageId).not.toBe(b.messageId);
      expect((await fn(input('a'))).messageId).toBe(a.messageId);
      expect((await fn(input('b'))).messageId).toBe(b.messageId);
      expect(runs).toHaveLength(2);
    });

    it('refuses a call while the same key is in progress, then serves the stored result', async () => {
      const gate = deferred();
      const { fn, runs } = ingestFn({ gate: gate.promise });
      const first = fn(input(1));
      // The record is saved before the function runs: once it runs, the key is in progress.
      await until(() => runs.length === 1);
      await expect(fn(input(1))).rejects.toBeInstanceOf(IdempotencyAlreadyInProgressError);
      gate.resolve();
      const result = await first;
      expect(await fn(input(1))).toEqual(result);
      expect(runs).toHaveLength(1);
    });

    it('lets exactly one of concurrent calls with one key run', async () => {
      const gate = deferred();
      const { fn, runs } = ingestFn({ gate: gate.promise });
      // Settle handlers attach at once: the losers reject while the winner is held, and the
      // winner is released only once five calls have settled (or the wait times out).
      let settledCount = 0;
      const calls = Array.from({ length: 6 }, () => {
        const call = fn(input(1));
        call.then(
          () => settledCount++,
          () => settledCount++,
        );
        return call;
      });
      const settled = settleAll(calls);
      await until(() => settledCount >= 5);
      gate.resolve();
      const { fulfilled, rejected } = await settled;
      expect(runs).toHaveLength(1);
      expect(fulfilled).toHaveLength(1);
      expect(rejected).toHaveLength(5);
      for (const reason of rejected) expect(reason).toBeInstanceOf(IdempotencyAlreadyInProgressError);
    });

    it('deletes the record when the call fails, so the next call runs', async () => {
      let failing = true;
      const { fn, runs } = ingestFn({ fail: () => failing });
      await expect(fn(input(1))).rejects.toThrow('ingest failed');
      await expect(store.getRecord(input(1) as unknown as Record<string, string>)).rejects.toBeInstanceOf(IdempotencyItemNotFoundError);
      failing = false;
      const result = await fn(input(1));
      expect(runs).toHaveLength(2);
      expect(result.messageId).toBe(runs[1]?.candidateId);
    });

    it('runs again once the stored result has expired', async () => {
      const { fn, runs } = ingestFn({ expiresAfterSeconds: 2 });
      const first = await fn(input(1));
      expect((await fn(input(1))).messageId).toBe(first.messageId);
      advanceClock(5_000);
      const later = await fn(input(1));
      expect(runs).toHaveLength(2);
      expect(later.messageId).toBe(runs[1]?.candidateId);
      expect(later.messageId).not.toBe(first.messageId);
    });

    it('lets a new call take over a record left in progress past its in-progress expiry (a crash)', async () => {
      store.configure({ config: configOf(3600, 200) });
      const crashed = input(1);
      // The clock stands still for the first two calls: on a busy machine more than the
      // 200 ms budget can pass between them, and the second would rightly take over.
      const real = Date.now.bind(Date);
      const t0 = real();
      const clock = jest.spyOn(Date, 'now').mockImplementation(() => t0);
      await store.saveInProgress(crashed as unknown as Record<string, string>, 200);
      await expect(store.saveInProgress(crashed as unknown as Record<string, string>, 200)).rejects.toBeInstanceOf(IdempotencyItemAlreadyExistsError);
      clock.mockImplementation(() => real() + 2_000);
      const { fn, runs } = ingestFn({ budgetMs: 200 });
      const result = await fn(input(1));
      expect(runs).toHaveLength(1);
      expect(result.messageId).toBe(runs[0]?.candidateId);
    });

    describe('persistence layer API', () => {
      const data = (): Record<string, string> => input('direct') as unknown as Record<string, string>;

      beforeEach(() => {
        store.configure({ config: configOf(3600, 60_000) });
      });

      it('saves in progress, then success, and reads the completed record back', async () => {
        await store.saveInProgress(data(), 60_000);
        const inProgress = await store.getRecord(data());
        expect(inProgress.getStatus()).toBe(IdempotencyRecordStatus.INPROGRESS);
        const result = { messageId: 'M1', nested: { list: [1, 'two', null], text: 'é\u0000' } };
        await store.saveSuccess(data(), result);
        const done = await store.getRecord(data());
        expect(done.getStatus()).toBe(IdempotencyRecordStatus.COMPLETED);
        expect(done.getResponse()).toEqual(result);
        expect(done.expiryTimestamp).toBeGreaterThan(Date.now() / 1000 + 3000);
      });

      it('refuses saveInProgress over a completed record and hands back that record', async () => {
        await store.saveInProgress(data(), 60_000);
        await store.saveSuccess(data(), { messageId: 'M1' });
        const err = await store.saveInProgress(data(), 60_000).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(IdempotencyItemAlreadyExistsError);
        const existing = (err as IdempotencyItemAlreadyExistsError).existingRecord;
        expect(existing?.getStatus()).toBe(IdempotencyRecordStatus.COMPLETED);
        expect(existing?.getResponse()).toEqual({ messageId: 'M1' });
      });

      it('deletes a record: getRecord then throws IdempotencyItemNotFoundError and the key is free', async () => {
        await store.saveInProgress(data(), 60_000);
        await store.deleteRecord(data());
        await expect(store.getRecord(data())).rejects.toBeInstanceOf(IdempotencyItemNotFoundError);
        await expect(store.saveInProgress(data(), 60_000)).resolves.toBeUndefined();
      });

      it('throws IdempotencyItemNotFoundError for a key never saved', async () => {
        await expect(store.getRecord({ dedupKey: `lab#${uniqueTag()}` })).rejects.toBeInstanceOf(IdempotencyItemNotFoundError);
      });
    });
  });
}
