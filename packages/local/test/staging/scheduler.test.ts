/**
 * The staging scheduler with its two steps replaced: it keeps at most `bound` events in memory,
 * takes the rest back from the catalog (oldest first) once the memory queue runs dry, stages
 * each waiting message once, retries a failing one a bounded number of times, and is idle
 * only when nothing waits.
 */
import { describe, expect, it } from '@jest/globals';
import type { StageOutput } from '@hcdl/core';
import { ingestedEvent, type IngestedEvent, type MessageRecord, MessageStatus, newMessageId } from '@hcdl/lake';
import { StagingScheduler, type StagingSchedulerOptions } from '../../src/staging/scheduler';

/** Catalog rows in memory: `ingested` until the fake outcome step marks them staged. */
function rows(n: number): Map<string, MessageRecord> {
  const m = new Map<string, MessageRecord>();
  for (let i = 0; i < n; i++) {
    const id = newMessageId();
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    m.set(id, {
      messageId: id,
      source: 'ward-7',
      protocol: 'hl7v2',
      format: 'er7',
      status: MessageStatus.Ingested,
      receivedAt: at,
      updatedAt: at,
      contentHash: 'h',
      size: 1,
      rawKey: `raw/source=ward-7/protocol=hl7v2/format=er7/dt=2026-01-01/${id}.hl7`,
      attempts: 0,
    });
  }
  return m;
}

function harness(catalog: Map<string, MessageRecord>, overrides: Partial<StagingSchedulerOptions> = {}) {
  const staged: string[] = [];
  let inStage = 0;
  let maxInStage = 0;
  const errors: unknown[] = [];
  const waiting = (after = '') =>
    [...catalog.values()].filter((r) => r.status === MessageStatus.Ingested && r.messageId > after).sort((a, b) => a.messageId.localeCompare(b.messageId));
  const options: StagingSchedulerOptions = {
    work: {
      async stage(event: IngestedEvent): Promise<StageOutput> {
        inStage++;
        maxInStage = Math.max(maxInStage, inStage);
        await new Promise((r) => setImmediate(r));
        inStage--;
        return { outcome: 'failed', target: { ...event.body }, stage: 'parse', diagnostics: [] } as unknown as StageOutput;
      },
      async apply(output: StageOutput): Promise<void> {
        const row = catalog.get(output.target.messageId) as MessageRecord;
        row.status = MessageStatus.Staged;
        staged.push(row.messageId);
      },
    },
    waiting: {
      oldest: (limit, after) => waiting(after).slice(0, limit),
      count: (cap) => Math.min(cap, waiting().length),
      get: async (id) => catalog.get(id),
    },
    durable: async () => undefined,
    detach: (work) => work(),
    stageConcurrency: 3,
    applyConcurrency: 8,
    bound: 10,
    logger: { error: (_m, e) => void errors.push(e), info: () => undefined },
    backoffMs: 1,
    ...overrides,
  };
  return { scheduler: new StagingScheduler(options), staged, errors, maxInStage: () => maxInStage };
}

describe('StagingScheduler', () => {
  it('keeps at most the bound in memory, reads the rest back from the catalog, and stages each once in receive order', async () => {
    const catalog = rows(57);
    const { scheduler, staged, maxInStage } = harness(catalog);
    const events = [...catalog.values()].map((r) => ingestedEvent(r));
    for (const e of events) scheduler.offer(e);
    expect(scheduler.backlog().queued).toBeLessThanOrEqual(10);
    // Offered again (a redelivery) while queued or in work: not taken twice.
    for (const e of events.slice(0, 5)) scheduler.offer(e);
    await scheduler.idle();
    expect([...staged].sort()).toEqual([...catalog.keys()].sort());
    expect(new Set(staged).size).toBe(57);
    // Oldest first: the order may only differ among messages in work at once.
    const order = [...catalog.keys()];
    staged.forEach((id, i) => expect(Math.abs(order.indexOf(id) - i)).toBeLessThanOrEqual(3));
    expect(maxInStage()).toBeLessThanOrEqual(3);
    expect(scheduler.backlog()).toMatchObject({ waiting: 0, oldestWaitingSeconds: null, queued: 0, staging: 0, recording: 0, failed: 0 });
  });

  it('resumes every row the catalog holds ingested (the work of a previous process)', async () => {
    const catalog = rows(25);
    const { scheduler, staged } = harness(catalog);
    expect(scheduler.backlog()).toMatchObject({ waiting: 25, oldestWaitingSeconds: expect.any(Number) });
    scheduler.resume();
    await scheduler.idle();
    expect(staged).toHaveLength(25);
  });

  it('skips a row read back from disk that is no longer ingested when its turn comes', async () => {
    const catalog = rows(3);
    const [first] = [...catalog.values()] as MessageRecord[];
    const { scheduler, staged } = harness(catalog, {
      waiting: {
        oldest: (limit, after = '') => {
          const listed = [...catalog.values()].filter((r) => r.status === MessageStatus.Ingested && r.messageId > after).slice(0, limit);
          // Replayed or recorded by another process right after this read.
          (first as MessageRecord).status = MessageStatus.Error;
          return listed;
        },
        count: () => 3,
        get: async (id) => catalog.get(id),
      },
      bound: 2,
    });
    scheduler.resume();
    await scheduler.idle();
    expect(staged).toHaveLength(2);
    expect(staged).not.toContain(first?.messageId);
  });

  it('gives a failing message a bounded number of attempts, leaves it ingested for a later round, and goes on', async () => {
    const catalog = rows(4);
    const [bad] = [...catalog.keys()];
    let attempts = 0;
    const staged: string[] = [];
    const h = harness(catalog, {
      work: {
        async stage(event) {
          if (event.body.messageId === bad) {
            attempts++;
            throw new TypeError('broken');
          }
          return { outcome: 'failed', target: { ...event.body }, stage: 'parse', diagnostics: [] } as unknown as StageOutput;
        },
        async apply(output) {
          (catalog.get(output.target.messageId) as MessageRecord).status = MessageStatus.Staged;
          staged.push(output.target.messageId);
        },
      },
      maxAttempts: 3,
    });
    h.scheduler.resume();
    await h.scheduler.idle();
    expect(attempts).toBe(3);
    expect(staged).toHaveLength(3);
    expect(h.errors).toEqual([{ messageId: bad, error: 'TypeError' }]);
    expect(h.scheduler.backlog()).toMatchObject({ waiting: 1, failed: 1 });
    await h.scheduler.close();
  });

  it('stages the messages a full disk held back once space is back, without a restart (disk full injected)', async () => {
    const catalog = rows(12);
    let diskFull = true;
    let refused = 0;
    const staged: string[] = [];
    const h = harness(catalog, {
      work: {
        async stage(event) {
          return { outcome: 'failed', target: { ...event.body }, stage: 'parse', diagnostics: [] } as unknown as StageOutput;
        },
        // The outcome step writes the staging zone: while the disk is full every write fails as the file system does.
        async apply(output) {
          if (diskFull) {
            refused++;
            throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
          }
          (catalog.get(output.target.messageId) as MessageRecord).status = MessageStatus.Staged;
          staged.push(output.target.messageId);
        },
      },
      maxAttempts: 2,
      retryFailedMs: 40,
    });
    h.scheduler.resume();
    await h.scheduler.idle();
    expect(h.scheduler.backlog()).toMatchObject({ waiting: 12, failed: 12 });
    expect(h.errors).toHaveLength(12);
    expect(h.errors[0]).toMatchObject({ error: 'Error', code: 'ENOSPC' });
    // Still full at the next round: tried again, still waiting.
    const before = refused;
    while (refused < before + 12) await new Promise((r) => setTimeout(r, 20));
    diskFull = false;
    while (staged.length < 12) await new Promise((r) => setTimeout(r, 20));
    await h.scheduler.idle();
    expect(new Set(staged).size).toBe(12);
    expect(h.scheduler.backlog()).toMatchObject({ waiting: 0, failed: 0 });
    await h.scheduler.close();
  }, 30_000);

  it('on close, finishes the work in progress and leaves the rest ingested', async () => {
    const catalog = rows(30);
    const { scheduler, staged } = harness(catalog, { bound: 30 });
    for (const r of catalog.values()) scheduler.offer(ingestedEvent(r));
    await scheduler.close();
    expect(staged.length).toBeLessThan(30);
    expect([...catalog.values()].filter((r) => r.status === MessageStatus.Ingested)).toHaveLength(30 - staged.length);
    scheduler.offer(ingestedEvent([...catalog.values()].find((r) => r.status === MessageStatus.Ingested) as MessageRecord));
    await scheduler.idle();
    expect(scheduler.backlog().queued).toBe(0);
  });
});
