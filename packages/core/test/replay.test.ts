/** Replay and resume on in-memory ports: every error row replayed once, waiting rows resumed, nothing else touched. */
import { describe, expect, it } from '@jest/globals';
import { MessageStatus } from '@hcdl/lake';
import { adt, testApp } from './support';

/** Messages submitted and then set to the given statuses (as a real lake would have them). */
async function rows(t: ReturnType<typeof testApp>, statuses: string[]): Promise<string[]> {
  const ids: string[] = [];
  for (const [i, status] of statuses.entries()) {
    const out = await t.submit(adt(`R${i}`, `MRN-${i}`));
    const id = out.kind === 'accepted' ? (out.messages[0]?.messageId as string) : '';
    ids.push(id);
  }
  await t.settle();
  for (const [i, status] of statuses.entries()) await t.catalog.updateMessage(ids[i] as string, { status: status as MessageStatus, attempts: 1 });
  t.hub.published.length = 0;
  return ids;
}

describe('replay and resume', () => {
  it('replays every message in error across pages, once each, and leaves the others', async () => {
    const t = testApp();
    const [a, b, c, d] = await rows(t, ['error', 'staged', 'error', 'error']);
    const out = await t.app.replay.replayErrors();
    expect(out).toEqual([a, c, d].map((messageId) => ({ messageId, outcome: 'replayed', attempt: 2 })));
    expect(t.hub.names()).toEqual([`ingested:${a}`, `ingested:${c}`, `ingested:${d}`]);
    expect((await t.catalog.getMessage(b as string))?.status).toBe('staged');
    await t.settle();
    for (const id of [a, c, d]) expect(await t.catalog.getMessage(id as string)).toMatchObject({ status: MessageStatus.Staged, attempts: 2 });
  });

  it('answers not-found and not-in-error without publishing', async () => {
    const t = testApp();
    const [b] = await rows(t, ['staged']);
    expect(await t.app.replay.replay('01JAAAAAAAAAAAAAAAAAAAAAAA')).toEqual({ messageId: '01JAAAAAAAAAAAAAAAAAAAAAAA', outcome: 'not-found' });
    expect(await t.app.replay.replay(b as string)).toEqual({ messageId: b, outcome: 'not-in-error', status: 'staged' });
    expect(t.hub.published).toEqual([]);
  });

  it('resume re-publishes ingested for every waiting row, with its next attempt', async () => {
    const t = testApp();
    const [a, , c] = await rows(t, ['ingested', 'staged', 'ingested']);
    expect(await t.app.replay.resume()).toBe(2);
    expect(t.hub.names()).toEqual([`ingested:${a}`, `ingested:${c}`]);
    expect(t.hub.published.map((e) => (e.body as { attempt?: number }).attempt)).toEqual([2, 2]);
  });
});
