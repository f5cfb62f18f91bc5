import { describe, expect, it } from '@jest/globals';
import { hubEvent } from '@hcdl/lake/testing';
import { PortClosedError, type HubEvent } from '@hcdl/lake';
import { InProcessHub, type DeadLetter } from '../../src/adapters/in-process-hub';

// What the in-process hub promises beyond the Hub contract (run in in-process-hub.contract.test.ts).
describe('InProcessHub specifics', () => {
  it('reports a dead letter with the subscription, the event and the error name, never its message', async () => {
    const letters: DeadLetter[] = [];
    const hub = new InProcessHub({ maxAttempts: 2, backoffMs: 1, onDeadLetter: (l) => letters.push(l) });
    hub.subscribe({ name: 'broken', filterPolicy: { event: ['failed'] }, handle: async () => Promise.reject(new RangeError('PID-5 DOE^JANE out of range')) });
    const e = hubEvent({ event: 'failed' });
    await hub.publish(e);
    await hub.idle();
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ subscription: 'broken', event: e, error: 'RangeError' });
    expect(JSON.stringify(letters)).not.toContain('DOE');
    expect(Number.isNaN(Date.parse(letters[0]?.at ?? ''))).toBe(false);
    expect(hub.deadLetters).toEqual(letters);
  });

  it('labels an error with a code by name and code', async () => {
    const hub = new InProcessHub({ maxAttempts: 1 });
    const err = Object.assign(new Error('UNIQUE constraint failed: value 7734521'), { name: 'SqliteError', code: 'SQLITE_CONSTRAINT' });
    hub.subscribe({ name: 'db', filterPolicy: {}, handle: async () => Promise.reject(err) });
    await hub.publish(hubEvent());
    await hub.idle();
    expect(hub.deadLetters.map((l) => l.error)).toEqual(['SqliteError SQLITE_CONSTRAINT']);
  });

  it('waits longer between later attempts (backoff doubles)', async () => {
    const times: number[] = [];
    const hub = new InProcessHub({ maxAttempts: 3, backoffMs: 40 });
    hub.subscribe({
      name: 'flaky',
      filterPolicy: {},
      handle: async () => {
        times.push(performance.now());
        throw new Error('again');
      },
    });
    await hub.publish(hubEvent());
    await hub.idle();
    expect(times).toHaveLength(3);
    const [first, second, third] = times as [number, number, number];
    expect(second - first).toBeGreaterThanOrEqual(35);
    expect(third - second).toBeGreaterThanOrEqual(75);
  });

  it('gives a subscription with a concurrency at most that many deliveries at once, in publication order, the others unlimited', async () => {
    const hub = new InProcessHub({ maxAttempts: 2, backoffMs: 1 });
    let running = 0;
    let most = 0;
    const started: string[] = [];
    const gates: (() => void)[] = [];
    hub.subscribe({
      name: 'bounded',
      filterPolicy: {},
      concurrency: 2,
      handle: async (e) => {
        started.push(String((e.body as { messageId: string }).messageId));
        running++;
        most = Math.max(most, running);
        await new Promise<void>((resolve) => gates.push(resolve));
        running--;
        // A failed attempt keeps its turn: the retry runs before a waiter starts.
        if ((e.body as { messageId: string }).messageId === 'm1' && started.filter((id) => id === 'm1').length === 1) throw new Error('once');
      },
    });
    let free = 0;
    hub.subscribe({ name: 'free', filterPolicy: {}, handle: async () => void free++ });
    const ids = ['m0', 'm1', 'm2', 'm3', 'm4', 'm5'];
    for (const id of ids) await hub.publish(hubEvent({}, { messageId: id }));
    // Wait until the two turns are taken (observed, not timed).
    // The unbounded subscriber gets every event meanwhile.
    while (gates.length < 2 || free < ids.length) await new Promise((r) => setImmediate(r));
    expect(started).toEqual(['m0', 'm1']);
    // The four others wait for a turn (what /health shows of the refined stage's backlog).
    expect([hub.waiting('bounded'), hub.waiting('free'), hub.waiting('unknown')]).toEqual([4, 0, 0]);
    const settled = hub.idle();
    // Open gates one at a time as deliveries reach them, until every delivery has ended.
    let opened = 0;
    while (opened < ids.length + 1) {
      const gate = gates.shift();
      if (gate === undefined) {
        await new Promise((r) => setImmediate(r));
        continue;
      }
      gate();
      opened++;
    }
    await settled;
    expect(hub.waiting('bounded')).toBe(0);
    expect(most).toBe(2);
    expect(started.filter((id) => id !== 'm1')).toEqual(['m0', 'm2', 'm3', 'm4', 'm5']);
    expect(started.filter((id) => id === 'm1')).toHaveLength(2);
    expect(hub.deadLetters).toEqual([]);
  });

  it('refuses a concurrency that is not a whole number of at least 1', () => {
    const hub = new InProcessHub();
    for (const concurrency of [0, -1, 1.5, Number.NaN]) {
      expect(() => hub.subscribe({ name: 'bad', filterPolicy: {}, concurrency, handle: async () => undefined })).toThrow(/concurrency/);
    }
  });

  it('close() drains deliveries in flight (retries included), then refuses publishes', async () => {
    let calls = 0;
    const hub = new InProcessHub({ maxAttempts: 3, backoffMs: 5 });
    hub.subscribe({
      name: 'down',
      filterPolicy: {},
      handle: async () => {
        calls += 1;
        throw new Error('down');
      },
    });
    await hub.publish(hubEvent());
    await hub.close();
    expect(calls).toBe(3);
    expect(hub.deadLetters.map((l) => l.subscription)).toEqual(['down']);
    await expect(hub.publish(hubEvent())).rejects.toBeInstanceOf(PortClosedError);
    expect(calls).toBe(3);
  });

  it('idle() resolves at once when nothing is in flight', async () => {
    const hub = new InProcessHub();
    const received: HubEvent[] = [];
    hub.subscribe({ name: 'x', filterPolicy: { event: ['staged'] }, handle: async (e) => void received.push(e) });
    await hub.publish(hubEvent({ event: 'ingested' }));
    await expect(hub.idle()).resolves.toBeUndefined();
    expect(received).toEqual([]);
  });
});
