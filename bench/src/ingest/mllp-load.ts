import net from 'node:net';
import { MllpDecoder, mllpFrame } from '../../../packages/local/src/mllp/framing';
import { message } from './messages';
import { percentile } from './stats';

/** What an MLLP run measured: acknowledged frames per second and the time from a frame sent to its ACK. */
export interface MllpResult {
  connections: number;
  window: number;
  rate: number;
  p50: number;
  p99: number;
  /** ACKs other than AA, and connection errors. */
  errors: number;
  acked: number;
}

/**
 * Sends distinct messages over `connections` MLLP connections for `seconds`, each keeping up
 * to `window` frames sent and not yet acknowledged (1: wait for each ACK, as most engines do;
 * more: an engine that pipelines). Counts ACKs in order per connection.
 */
export async function mllpLoad(port: number, connections: number, window: number, seconds: number, tag: string): Promise<MllpResult> {
  const latencies: number[] = [];
  let acked = 0;
  let errors = 0;
  const end = Date.now() + seconds * 1000;
  let n = 0;
  await Promise.all(
    Array.from({ length: connections }, async (_, c) => {
      const socket = net.connect(port, '127.0.0.1');
      await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.setNoDelay(true);
      const decoder = new MllpDecoder(1 << 20);
      const sentAt: number[] = [];
      let stopped = false;
      await new Promise<void>((resolve) => {
        const send = (): void => {
          while (!stopped && sentAt.length < window && Date.now() < end) {
            sentAt.push(performance.now());
            socket.write(mllpFrame(message(`${tag}-${c}-${n++}`)));
          }
          if (sentAt.length === 0) {
            stopped = true;
            resolve();
          }
        };
        socket.on('data', (chunk: Buffer) => {
          for (const e of decoder.push(chunk)) {
            if (e.kind !== 'frame') continue;
            const t = sentAt.shift();
            if (t !== undefined) latencies.push(performance.now() - t);
            if (/\rMSA\|AA\|/.test(Buffer.from(e.bytes).toString('latin1'))) acked++;
            else errors++;
          }
          send();
        });
        socket.once('error', () => {
          errors++;
          stopped = true;
          resolve();
        });
        send();
      });
      socket.end();
    }),
  );
  return { connections, window, rate: acked / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), errors, acked };
}
