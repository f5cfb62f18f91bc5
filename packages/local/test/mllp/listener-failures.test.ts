/**
 * The MLLP listener when answering a frame fails: the sender gets an AR "send it again",
 * the connection goes on answering, other connections are not affected, nothing of the
 * message reaches the log, and no promise rejection is left unhandled.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import net from 'node:net';
import { parseMessage } from '@hcdl/hl7v2';
import type { Submit, SubmitOutcome } from '@hcdl/core';
import { MllpDecoder, mllpFrame } from '../../src/mllp/framing';
import { startMllpListener, type MllpListener } from '../../src/mllp/listener';

const msg = (controlId: string): string =>
  `MSH|^~\\&|LAB|WARD7|HCDL|HCDL|20240101120000||ADT^A01^ADT_A01|${controlId}|P|2.5.1\rPID|1||SECRET-MRN-77^^^WARD7^MR||Zebedee^Quill\r`;

const stored: SubmitOutcome = { kind: 'accepted', header: undefined, messages: [{ status: 'ingested', messageId: '01JB0000000000000000000000' }] };

/** Opens a connection; `send` writes frames and waits for that many ACKs (or a short timeout). */
async function connect(port: number): Promise<{ send(frames: string[]): Promise<string[]>; close(): void }> {
  const socket = net.connect(port, '127.0.0.1');
  await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const decoder = new MllpDecoder(1 << 20);
  let acks: string[] = [];
  let waiter: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    for (const e of decoder.push(chunk)) if (e.kind === 'frame') acks.push(Buffer.from(e.bytes).toString('utf8'));
    waiter?.();
  });
  return {
    async send(frames) {
      acks = [];
      const done = new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 1500);
        waiter = () => {
          if (acks.length >= frames.length) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      for (const f of frames) socket.write(mllpFrame(f));
      await done;
      return acks;
    },
    close: () => socket.destroy(),
  };
}

const msa = (ack: string): [string, string, string] => {
  const m = parseMessage(ack);
  return [m.get('MSA-1') ?? '', m.get('MSA-2') ?? '', m.get('MSA-3') ?? ''];
};

describe('MLLP listener when answering a frame fails', () => {
  let listener: MllpListener | undefined;
  let logged: unknown[];
  let unhandled: unknown[];
  const onUnhandled = (reason: unknown): void => {
    unhandled.push(reason);
  };

  beforeEach(() => {
    logged = [];
    unhandled = [];
    process.on('unhandledRejection', onUnhandled);
  });

  afterEach(async () => {
    await listener?.close();
    listener = undefined;
    process.off('unhandledRejection', onUnhandled);
  });

  async function start(submit: Submit, logger?: { error(m: string, ...e: Record<string, unknown>[]): void }): Promise<number> {
    const record =
      (level: string) =>
      (m: string, ...e: Record<string, unknown>[]) =>
        logged.push({ level, m, e });
    listener = await startMllpListener({
      host: '127.0.0.1',
      port: 0,
      source: 'ward-7',
      maxFrameBytes: 64 * 1024,
      submit,
      logger: { info: record('info'), warn: record('warn'), error: logger?.error ?? record('error') },
    });
    return listener.port;
  }

  it('answers AR "send it again" when the submit use-case throws a non-Error, then answers the next frame on the same connection', async () => {
    let calls = 0;
    const port = await start(async () => {
      calls++;
      if (calls === 1) throw null; // what a careless dependency may throw
      return stored;
    });
    const conn = await connect(port);
    const acks = await conn.send([msg('CTRL-1'), msg('CTRL-2')]);
    conn.close();
    expect(acks.map(msa)).toEqual([
      ['AR', 'CTRL-1', 'the message was not stored; send it again'],
      ['AA', 'CTRL-2', 'accepted as 01JB0000000000000000000000'],
    ]);
    expect(unhandled).toEqual([]);
  });

  it('keeps serving when the logger itself throws while reporting the failure, on this and other connections', async () => {
    let calls = 0;
    const port = await start(
      async () => {
        calls++;
        if (calls === 1) throw new Error('PID|1||SECRET-MRN-77');
        return stored;
      },
      {
        error: () => {
          throw new Error('log sink down');
        },
      },
    );
    const first = await connect(port);
    const other = await connect(port);
    expect((await first.send([msg('CTRL-1')])).map(msa)).toEqual([['AR', 'CTRL-1', 'the message was not stored; send it again']]);
    expect((await first.send([msg('CTRL-2')])).map(msa)).toEqual([['AA', 'CTRL-2', 'accepted as 01JB0000000000000000000000']]);
    expect((await other.send([msg('CTRL-3')])).map(msa)).toEqual([['AA', 'CTRL-3', 'accepted as 01JB0000000000000000000000']]);
    first.close();
    other.close();
    expect(unhandled).toEqual([]);
  });

  it('logs the failure by error name and size, never the message or the error text', async () => {
    const port = await start(async () => {
      throw new TypeError('cannot read PID|1||SECRET-MRN-77^^^WARD7^MR||Zebedee^Quill');
    });
    const conn = await connect(port);
    expect((await conn.send([msg('CTRL-9')])).map(msa)).toEqual([['AR', 'CTRL-9', 'the message was not stored; send it again']]);
    conn.close();
    const errors = logged.filter((l) => (l as { level: string }).level === 'error');
    expect(errors).toEqual([{ level: 'error', m: 'mllp message failed', e: [{ error: 'TypeError' }] }]);
    const text = JSON.stringify(logged);
    for (const secret of ['SECRET-MRN-77', 'Zebedee', 'Quill', 'CTRL-9', 'cannot read']) expect(text).not.toContain(secret);
  });
});
