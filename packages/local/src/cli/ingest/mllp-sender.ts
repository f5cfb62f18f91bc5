import net from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { MLLP_CR, MLLP_END, MLLP_START, MllpDecoder } from '../../mllp/framing';
import { backoffMs, type FileOutcome, type RetryPolicy, type Sender } from './outcome';

/** Largest ACK accepted (an ACK with many ERR segments is still small). */
const MAX_ACK_BYTES = 1024 * 1024;

/**
 * MSA-1 and the ACK's text: MSA-3 before v2.7, ERR-8 of its ERR from v2.7 on, where MSA-3 is
 * withdrawn (the field separator is MSH's 4th character).
 */
export function readAck(bytes: Uint8Array): { code: string; text: string } | undefined {
  const text = Buffer.from(bytes).toString('latin1');
  const sep = text.startsWith('MSH') ? text[3] : '|';
  if (sep === undefined) return undefined;
  const lines = text.split(/\r\n?|\n/);
  const msa = lines.find((l) => l.startsWith(`MSA${sep}`));
  if (msa === undefined) return undefined;
  const f = msa.split(sep);
  const inErr = lines.filter((l) => l.startsWith(`ERR${sep}`)).map((l) => l.split(sep)[8] ?? '');
  return { code: f[1] ?? '', text: f[3] || (inErr.find((t) => t !== '') ?? '') };
}

/** What an ACK says about the file's messages (see ackFor in @hcdl/core for the texts). */
function outcomeOf(ack: { code: string; text: string }, attempts: number): FileOutcome | 'again' {
  // An accept or application ACK of a resent message (the only answer when MSH-15 is NE): AA, or AE when the original is in the error zone.
  if (/^duplicate of message/.test(ack.text) && (ack.code === 'AA' || ack.code === 'CA' || ack.code === 'AE'))
    return { kind: 'sent', ingested: 0, duplicate: 1, attempts };
  if (ack.code === 'AA' || ack.code === 'CA') {
    const batch = /^(\d+) of (\d+) messages accepted/.exec(ack.text);
    if (batch !== null) return { kind: 'sent', ingested: Number(batch[1]), duplicate: Number(batch[2]) - Number(batch[1]), attempts };
    return { kind: 'sent', ingested: 1, duplicate: 0, attempts };
  }
  if (/send it again/.test(ack.text)) return 'again';
  return { kind: 'rejected', status: 0, code: ack.code === '' ? 'NO_MSA' : ack.code, reason: ack.text === '' ? 'refused' : ack.text, attempts };
}

/** One MLLP connection: frames sent one at a time, each answered by the next ACK. */
class MllpConnection {
  private readonly decoder = new MllpDecoder(MAX_ACK_BYTES);
  private waiting: { resolve: (b: Uint8Array) => void; reject: (e: Error) => void } | undefined;
  private closed: Error | undefined;

  private constructor(private readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const e of this.decoder.push(chunk)) if (e.kind === 'frame') this.settle(undefined, e.bytes);
    });
    const end = (err?: Error): void => {
      this.closed = err ?? new Error('the lake closed the connection');
      this.settle(this.closed);
    };
    socket.on('error', end);
    socket.on('close', () => end());
  }

  static open(host: string, port: number, timeoutMs: number): Promise<MllpConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port });
      socket.setTimeout(timeoutMs, () => socket.destroy(new Error('timeout')));
      socket.once('connect', () => resolve(new MllpConnection(socket)));
      socket.once('error', reject);
    });
  }

  private settle(err: Error | undefined, bytes?: Uint8Array): void {
    const w = this.waiting;
    this.waiting = undefined;
    if (w === undefined) return;
    if (err !== undefined) w.reject(err);
    else w.resolve(bytes as Uint8Array);
  }

  get usable(): boolean {
    return this.closed === undefined;
  }

  send(bytes: Uint8Array): Promise<Uint8Array> {
    return new Promise((resolve, reject) => {
      if (this.closed !== undefined) return reject(this.closed);
      this.waiting = { resolve, reject };
      this.socket.write(Buffer.concat([Buffer.from([MLLP_START]), bytes, Buffer.from([MLLP_END, MLLP_CR])]));
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/**
 * Sends each file as one MLLP frame and reads its ACK, over a pool of connections (one per
 * concurrent sender). No answer, a closed connection or an AR "send it again" is retried with
 * backoff on a new connection.
 */
export function createMllpSender(o: { host: string; port: number; retry: RetryPolicy; timeoutMs: number }): { sender: Sender; close(): void } {
  const idle: MllpConnection[] = [];
  const all = new Set<MllpConnection>();
  const sender: Sender = async (bytes) => {
    let lastReason = '';
    for (let attempt = 1; ; attempt++) {
      let conn: MllpConnection | undefined;
      try {
        conn = idle.pop();
        while (conn !== undefined && !conn.usable) {
          all.delete(conn);
          conn = idle.pop();
        }
        conn ??= await MllpConnection.open(o.host, o.port, o.timeoutMs);
        all.add(conn);
        const ack = readAck(await conn.send(bytes));
        idle.push(conn);
        if (ack === undefined) lastReason = 'the answer is not an ACK (no MSA)';
        else {
          const out = outcomeOf(ack, attempt);
          if (out !== 'again') return out;
          lastReason = `AR: ${ack.text}`;
        }
      } catch (err) {
        if (conn !== undefined) {
          conn.close();
          all.delete(conn);
        }
        lastReason = `no answer (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`;
      }
      if (attempt > o.retry.retries) return { kind: 'failed', reason: lastReason, attempts: attempt };
      await sleep(backoffMs(o.retry, attempt));
    }
  };
  return {
    sender,
    close() {
      for (const c of all) c.close();
    },
  };
}
