/**
 * The sweep that keeps messages from being stranded between ingest and outcome: rows left
 * `ingested` (a failed publish, a staging run in the dead-letter queue) are published again
 * after a bound, with a doubling wait; dead letters whose message has its outcome are cleared.
 */
import { describe, expect, it } from '@jest/globals';
import { type Hub, type HubEvent, ingestedEvent, MessageStatus, newMessageId, snsAttributesOf } from '@hcdl/lake';
import { MemoryCatalog, MemoryHub, MemoryObjectStore } from '@hcdl/lake/testing';
import { createSweep, createWriter, type DeadLetter, type DeadLetterQueue } from '../../src/index';
import { adt, recordingLogger } from '../support';
import { readHeader } from '@hcdl/hl7v2';

const MIN = 60_000;
const T0 = Date.parse('2026-03-01T10:00:00.000Z');

/** A lake whose hub refuses publishes until `hubUp` is set, on a clock the test moves. */
function lake() {
  let clock = T0;
  const hub = new MemoryHub();
  let hubUp = false;
  const flaky: Hub = {
    publish: async (e: HubEvent) => {
      if (!hubUp) throw Object.assign(new Error('SNS unavailable'), { name: 'InternalErrorException' });
      await hub.publish(e);
    },
  };
  const catalog = new MemoryCatalog();
  const logger = recordingLogger();
  const now = () => new Date(clock);
  const writer = createWriter({ objectStore: new MemoryObjectStore(), catalog, hub: flaky, logger, now: () => now().toISOString() });
  const sweep = createSweep({ catalog, logger, now, publishIngested: writer.publishIngested });
  async function ingest(control: string): Promise<string> {
    const text = adt(control, `MRN-${control}`);
    const r = await writer.ingest({
      messageId: newMessageId(),
      source: 'lab',
      bytes: Buffer.from(text, 'latin1'),
      contentHash: control,
      header: readHeader(text),
    });
    return r.messageId;
  }
  return {
    hub,
    catalog,
    logger,
    sweep,
    ingest,
    at: (minutes: number) => {
      clock = T0 + minutes * MIN;
    },
    hubUp: () => {
      hubUp = true;
    },
  };
}

describe('resumeStale', () => {
  it('publishes again the rows whose ingested publish failed, once they waited the bound, then with a doubling wait', async () => {
    const l = lake();
    const ids = [await l.ingest('S1'), await l.ingest('S2')];
    expect(l.logger.lines.filter((x) => x.level === 'warn')).toHaveLength(2);
    l.hubUp();

    l.at(10);
    expect(await l.sweep.resumeStale({ olderThanMs: 30 * MIN })).toEqual({ resumed: 0, waiting: 0, oldestAgeSeconds: 600, oldestMessageId: ids[0] });
    expect(l.hub.published).toEqual([]);

    l.at(31);
    expect(await l.sweep.resumeStale({ olderThanMs: 30 * MIN })).toMatchObject({ resumed: 2, waiting: 2, oldestAgeSeconds: 31 * 60 });
    expect(l.hub.names()).toEqual(ids.map((id) => `ingested:${id}`));
    expect(l.hub.published.map((e) => (e.body as { attempt: number }).attempt)).toEqual([1, 1]);
    expect((await l.catalog.getMessage(ids[0]!))?.updatedAt).toBe(new Date(T0 + 31 * MIN).toISOString());

    // Resumed at 31 min after waiting 31: the next resume comes 31 min later, then 62 min later.
    for (const [minute, expected] of [
      [45, 0],
      [61, 0],
      [62, 2],
      [100, 0],
      [124, 2],
    ] as const) {
      l.at(minute);
      expect({ minute, resumed: (await l.sweep.resumeStale({ olderThanMs: 30 * MIN })).resumed }).toEqual({ minute, resumed: expected });
    }
  });

  it('never waits longer than the longest back-off between two resumes', async () => {
    const l = lake();
    await l.ingest('B1');
    l.hubUp();
    const resumedAt: number[] = [];
    for (let minute = 0; minute <= 24 * 60; minute += 5) {
      l.at(minute);
      if ((await l.sweep.resumeStale({ olderThanMs: 30 * MIN, maxBackoffMs: 120 * MIN })).resumed > 0) resumedAt.push(minute);
    }
    const gaps = resumedAt.slice(1).map((m, i) => m - (resumedAt[i] as number));
    expect(resumedAt[0]).toBe(35); // "older than": received at 0, a sweep every 5 min
    expect(Math.max(...gaps)).toBe(120);
    expect(resumedAt.length).toBeLessThan(15);
  });

  it('leaves a row that reached its outcome between the listing and the claim, and stops at maxResumes', async () => {
    const l = lake();
    const ids = [await l.ingest('R1'), await l.ingest('R2'), await l.ingest('R3')];
    l.hubUp();
    const list = l.catalog.listMessages.bind(l.catalog);
    l.catalog.listMessages = async (q) => {
      const page = await list(q);
      // The outcome of R1 lands while the sweep walks the page.
      await l.catalog.updateMessage(ids[0]!, { status: MessageStatus.Staged, attempts: 1 });
      return page;
    };
    l.at(40);
    expect(await l.sweep.resumeStale({ olderThanMs: 30 * MIN, maxResumes: 1 })).toMatchObject({ resumed: 1, waiting: 2 });
    expect(l.hub.names()).toEqual([`ingested:${ids[1]}`]);
  });

  it('reports no age when nothing waits', async () => {
    const l = lake();
    expect(await l.sweep.resumeStale({ olderThanMs: 30 * MIN })).toEqual({ resumed: 0, waiting: 0, oldestAgeSeconds: 0 });
  });
});

/** A dead-letter queue in memory: letters as SQS keeps them (raw delivery of the hub event). */
function memoryQueue(letters: DeadLetter[]): DeadLetterQueue & { letters: DeadLetter[] } {
  return {
    letters,
    async receive(max) {
      // Receiving hides a letter: one sweep sees each letter once.
      const out = letters.filter((l) => !(l as { seen?: boolean }).seen).slice(0, max);
      for (const l of out) (l as { seen?: boolean }).seen = true;
      return out;
    },
    async remove(letter) {
      letters.splice(letters.indexOf(letter), 1);
    },
  };
}

const letterOf = (event: HubEvent, receipt: string): DeadLetter => ({
  receipt,
  body: JSON.stringify(event.body),
  messageAttributes: Object.fromEntries(
    Object.entries(snsAttributesOf(event.attributes)).map(([k, v]) => [k, { stringValue: v.StringValue, dataType: 'String' }]),
  ),
});

describe('reconcileDeadLetters', () => {
  it('clears letters whose message has its outcome, keeps the stranded and the unknown', async () => {
    const l = lake();
    l.hubUp();
    const [staged, waiting, replayed] = [await l.ingest('D1'), await l.ingest('D2'), await l.ingest('D3')];
    const row = async (id: string) => (await l.catalog.getMessage(id))!;
    const first = { staged: ingestedEvent(await row(staged)), waiting: ingestedEvent(await row(waiting)), replayed: ingestedEvent(await row(replayed)) };
    await l.catalog.updateMessage(staged, { status: MessageStatus.Staged, attempts: 1 });
    // Attempt 1 of D3 failed into the error zone, then was replayed: the row waits for attempt 2.
    await l.catalog.updateMessage(replayed, { status: MessageStatus.Ingested, attempts: 1 });
    const queue = memoryQueue([
      letterOf(first.staged, 'r1'),
      letterOf(first.waiting, 'r2'),
      letterOf(first.replayed, 'r3'),
      { receipt: 'r4', body: '{"not":"an event"}', messageAttributes: {} },
      letterOf({ ...first.waiting, body: { ...first.waiting.body, messageId: '01JZZZZZZZZZZZZZZZZZZZZZZZ' } }, 'r5'),
    ]);
    expect(await l.sweep.reconcileDeadLetters(queue)).toEqual({ received: 5, cleared: 2, stranded: 1, unknown: 2 });
    expect(queue.letters.map((x) => x.receipt)).toEqual(['r2', 'r4', 'r5']);
    expect(JSON.stringify(l.logger.lines)).not.toContain('MRN-');
  });
});
