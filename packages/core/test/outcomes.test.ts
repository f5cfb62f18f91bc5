/**
 * The outcomes use-case on in-memory ports: an outcome recorded once however often it is
 * delivered, a retry after a crash, a later attempt, and what a missing row raises.
 */
import { describe, expect, it } from '@jest/globals';
import type { Diagnostic } from '@hcdl/hl7v2';
import { type Catalog, MessageStatus } from '@hcdl/lake';
import { CoreError, failedOutput, MissingLakeObjectError, type StageOutput, type StageTarget } from '../src/index';
import { adt, testApp } from './support';

const NO_MSH: Diagnostic = { code: 'NO_MSH', severity: 'error', message: 'no MSH segment', location: 'MSH', line: 1, column: 1 };

/** A message submitted (ingested, not staged) and the target of its first staging run. */
async function ingested(t: ReturnType<typeof testApp>, control: string): Promise<StageTarget> {
  const out = await t.submit(adt(control));
  const messageId = out.kind === 'accepted' ? (out.messages[0]?.messageId as string) : '';
  const row = await t.catalog.getMessage(messageId);
  return { messageId, source: 'lab', rawKey: row?.rawKey as string, attempt: 1 };
}

describe('outcomes', () => {
  it('a failed outcome delivered twice records its diagnostics once and publishes failed each time', async () => {
    const t = testApp();
    const target = await ingested(t, 'O1');
    const output = failedOutput(target, 'parse', [NO_MSH]);
    await t.app.outcomes.apply(output);
    const again = await t.app.outcomes.apply(output);
    expect(t.catalog.errors.map((e) => [e.messageId, e.attempt, e.code])).toEqual([[target.messageId, 1, 'NO_MSH']]);
    expect(again).toMatchObject({ status: 'error', attempts: 1 });
    expect(t.hub.names().filter((n) => n.startsWith('failed:'))).toHaveLength(2);
  });

  it('a staged outcome delivered twice writes once and publishes staged again (at least once)', async () => {
    const t = testApp();
    const target = await ingested(t, 'O2');
    const output = await t.app.stage(target);
    await t.app.outcomes.apply(output);
    const puts = t.objectStore.calls.put;
    await t.app.outcomes.apply(output);
    expect(t.objectStore.calls.put).toBe(puts);
    expect(t.hub.names().filter((n) => n.startsWith('staged:'))).toHaveLength(2);
  });

  it('a failed outcome retried after a crash before the status update records its diagnostics once; a later attempt adds its own', async () => {
    const t = testApp();
    const target = await ingested(t, 'O3');
    const update = t.catalog.updateMessage.bind(t.catalog);
    let crashes = 1;
    t.catalog.updateMessage = async (...args: Parameters<Catalog['updateMessage']>) => {
      if (crashes-- > 0) throw new Error('connection reset');
      return update(...args);
    };
    const output = failedOutput(target, 'parse', [NO_MSH]);
    await expect(t.app.outcomes.apply(output)).rejects.toThrow('connection reset');
    expect((await t.catalog.getMessage(target.messageId))?.status).toBe(MessageStatus.Ingested);
    await t.app.outcomes.apply(output);
    expect(t.catalog.errors.map((e) => [e.attempt, e.code])).toEqual([[1, 'NO_MSH']]);
    expect(await t.catalog.getMessage(target.messageId)).toMatchObject({ status: 'error', attempts: 1 });
    await update(target.messageId, { status: MessageStatus.Ingested });
    await t.app.outcomes.apply(failedOutput({ ...target, attempt: 2 }, 'parse', [NO_MSH]));
    expect(t.catalog.errors.map((e) => [e.attempt, e.code])).toEqual([
      [1, 'NO_MSH'],
      [2, 'NO_MSH'],
    ]);
  });

  it('two runs of one attempt racing: the second finds the row moved on and changes nothing', async () => {
    const t = testApp();
    const target = await ingested(t, 'O4');
    const output = await t.app.stage(target);
    const [a, b] = await Promise.all([t.app.outcomes.apply(output), t.app.outcomes.apply(output)]);
    expect(a.status).toBe('staged');
    expect(b.status).toBe('staged');
    expect((await t.catalog.getMessage(target.messageId))?.attempts).toBe(1);
  });

  it('a large staging JSON travels through work/ and the hand-off is removed once recorded', async () => {
    const t = testApp({ inlineBytes: 10 });
    const target = await ingested(t, 'O5');
    const output = await t.app.stage(target);
    expect(output.outcome === 'staged' && output.staging).toEqual({ workKey: `work/staging/${target.messageId}.1.json` });
    await t.app.outcomes.apply(output);
    expect([...t.objectStore.objects.keys()].some((k) => k.startsWith('work/'))).toBe(false);
    expect((await t.catalog.getMessage(target.messageId))?.status).toBe('staged');
  });

  it('a late run of an earlier attempt does not take the place of the attempt a replay awaits', async () => {
    const t = testApp();
    const target = await ingested(t, 'O6');
    await t.app.outcomes.apply(failedOutput(target, 'parse', [NO_MSH]));
    await t.app.replay.replay(target.messageId);
    const late = await t.app.outcomes.apply(await t.app.stage(target));
    expect(late).toMatchObject({ status: 'ingested', attempts: 1 });
    await t.app.outcomes.apply(await t.app.stage({ ...target, attempt: 2 }));
    expect(await t.catalog.getMessage(target.messageId)).toMatchObject({ status: 'staged', attempts: 2 });
  });

  it('an outcome for an unknown message fails with MissingLakeObjectError naming only the id', async () => {
    const t = testApp();
    const output: StageOutput = failedOutput({ messageId: '01JAAAAAAAAAAAAAAAAAAAAAAA', source: 'lab', rawKey: 'raw/x', attempt: 1 }, 'parse', [NO_MSH]);
    const err = await t.app.outcomes.apply(output).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MissingLakeObjectError);
    expect(err).toBeInstanceOf(CoreError);
    expect((err as Error).message).toBe('catalog row missing for message 01JAAAAAAAAAAAAAAAAAAAAAAA');
  });
});
