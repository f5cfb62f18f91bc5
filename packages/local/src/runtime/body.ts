import type { IncomingMessage } from 'node:http';

/** A body that went over the limit: reading stopped there. */
export const TOO_LARGE = Symbol('too large');

/**
 * Reads a request body up to `max` bytes, whether its length was declared or it comes
 * chunked: past the limit reading stops (nothing more is buffered) and the answer is
 * TOO_LARGE. What the client still sends is then drained and dropped by the HTTP server
 * after the 413 (a bounded, lingering close), never held in memory.
 */
export function readNodeBody(incoming: IncomingMessage, max: number): Promise<Uint8Array | typeof TOO_LARGE> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (): void => {
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onError);
      incoming.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.byteLength;
      if (size > max) {
        done();
        incoming.pause();
        chunks.length = 0;
        resolve(TOO_LARGE);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      done();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      done();
      reject(err);
    };
    const onClose = (): void => {
      done();
      reject(new Error('the client closed the connection before the end of the body'));
    };
    incoming.on('data', onData);
    incoming.on('end', onEnd);
    incoming.on('error', onError);
    incoming.on('close', onClose);
  });
}

/** The same over a web stream (a server that is not Node's http, e.g. Hono's fetch in tests). */
export async function readWebBody(body: ReadableStream<Uint8Array> | null, max: number): Promise<Uint8Array | typeof TOO_LARGE> {
  if (body === null) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      return TOO_LARGE;
    }
    chunks.push(value);
  }
  return chunks.length === 1 ? (chunks[0] as Uint8Array) : Buffer.concat(chunks, size);
}
