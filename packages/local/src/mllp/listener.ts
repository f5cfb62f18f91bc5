import net from 'node:net';
import { type Ack, ackFor, notStoredAck, type Submit } from '@hcdl/core';
import { Hl7Error, type MessageHeader, readHeader } from '@hcdl/hl7v2';
import { MllpDecoder, type MllpEvent, mllpFrame } from './framing';

/**
 * MLLP listener: the adapter that lets an interface engine send over TCP/MLLP instead of
 * REST. Each frame goes through the same submit use-case as `POST /hl7v2/er7` (limits, batch
 * split, dedup, durable ingest before the answer) and the sender gets the HL7 ACK of the
 * application's ACK policy (@hcdl/core ackFor, docs/ack.md): AA stored or already stored,
 * AR with the diagnostics when the frame cannot be taken as sent, AR "send it again" when
 * nothing was acknowledged as durable.
 *
 * MLLP has no authentication of its own: a listener writes for one configured source and
 * should be bound to a private interface (or put behind a TLS terminator).
 *
 * A connection's frames are handled one after the other, in order, and answered in order;
 * with `defer` (the local lake's group commit) a frame's ACK waits for its writes to be
 * durable but the next frame does not: a sender that does not wait for each ACK (a
 * pipelining engine) gets its frames committed together, not one sync per frame.
 */
export interface MllpListenerOptions {
  host: string;
  port: number;
  /** The source every message of this listener is recorded under. */
  source: string;
  maxFrameBytes: number;
  submit: Submit;
  /**
   * Runs one frame's submission as a deferred unit of work (LocalLake.durably): `ran` when it
   * has run, `durable` when its writes are on disk. Without it, a frame is answered when
   * submit resolves (submit's writes are then durable one by one).
   */
  defer?: <T>(work: () => Promise<T>) => { ran: Promise<T>; durable: Promise<T> };
  /** Told the open connections on each accept (`accepted`) and close (the metrics gauge). */
  onConnections?: (open: number, accepted: boolean) => void;
  logger: {
    info(m: string, ...e: Record<string, unknown>[]): void;
    warn(m: string, ...e: Record<string, unknown>[]): void;
    error(m: string, ...e: Record<string, unknown>[]): void;
  };
}

export interface MllpListener {
  port: number;
  close(): Promise<void>;
}

/** The name of a thrown value, never its message (which may quote the message body). */
function errorName(err: unknown): string {
  try {
    return err instanceof Error ? String(err.name) : typeof err;
  } catch {
    return 'unknown';
  }
}

function headerOf(bytes: Uint8Array): MessageHeader | undefined {
  try {
    return readHeader(bytes);
  } catch (err) {
    if (err instanceof Hl7Error) return undefined;
    throw err;
  }
}

/** Frames of one connection received and not yet answered, past which the connection stops reading. */
const MAX_PENDING_FRAMES = 512;

type Reply = Pick<Ack, 'ack' | 'code'> | undefined;

export async function startMllpListener(options: MllpListenerOptions): Promise<MllpListener> {
  const { logger } = options;
  const claims = { sub: `mllp:${options.source}`, 'custom:write': options.source };
  const sockets = new Set<net.Socket>();
  const inFlight = new Set<Promise<void>>();

  /** Logs without letting a failing logger stop the answers. */
  function log(level: 'info' | 'warn' | 'error', message: string, extra: Record<string, unknown>): void {
    try {
      logger[level](message, extra);
    } catch {
      // Nothing left to report to.
    }
  }

  /** The ACK for one frame, or undefined for bytes outside a frame (they get none). */
  async function replyFor(event: MllpEvent): Promise<Ack | undefined> {
    if (event.kind === 'noise' || event.kind === 'truncated') {
      log('warn', 'mllp bytes outside a complete frame ignored', { kind: event.kind, size: event.size });
      return undefined;
    }
    if (event.kind === 'oversize') return ackFor({ kind: 'too-large', limit: options.maxFrameBytes }, 'mllp');
    try {
      const outcome = await options.submit({ claims, contentType: 'application/hl7-v2', body: event.bytes });
      // A stored frame's header was read by submit already; read it here only for the others.
      return ackFor(outcome, 'mllp', outcome.kind === 'accepted' && outcome.header !== undefined ? outcome.header : headerOf(event.bytes));
    } catch (err) {
      log('error', 'mllp message failed', { error: errorName(err) });
      return notStoredAck(headerOf(event.bytes));
    }
  }

  /**
   * Starts one frame: `ran` settles when its submission has run (the next frame may start),
   * `reply` when it may be answered (its writes durable). A commit that fails after the
   * submission ran turns the ACK into an AR "send it again": nothing is acknowledged that a
   * crash could lose.
   */
  function begin(event: MllpEvent): { ran: Promise<unknown>; reply: Promise<Reply> } {
    if (options.defer === undefined) {
      const reply = replyFor(event);
      return { ran: reply, reply };
    }
    const { ran, durable } = options.defer(() => replyFor(event));
    const reply = durable.catch((err: unknown): Reply => {
      log('error', 'mllp message not durable', { error: errorName(err) });
      return notStoredAck(event.kind === 'frame' ? headerOf(event.bytes) : undefined);
    });
    return { ran, reply };
  }

  /**
   * Answers one frame and never rejects: whatever fails while answering (the front door, the
   * header, the ACK builder) turns into an AR "send it again" without the sender's header,
   * and when not even that can be built the connection is closed, so the sender resends
   * elsewhere instead of waiting for an ACK that will not come. Other connections go on.
   */
  async function answer(socket: net.Socket, event: MllpEvent, pending: Promise<Reply>): Promise<void> {
    const size = event.kind === 'frame' ? event.bytes.length : event.size;
    let reply: Reply;
    try {
      reply = await pending;
      if (reply === undefined) return;
    } catch (err) {
      log('error', 'mllp answer failed', { error: errorName(err), size });
      try {
        reply = notStoredAck();
      } catch (ackErr) {
        log('error', 'mllp ACK could not be built; closing the connection', { error: errorName(ackErr) });
        socket.end();
        return;
      }
    }
    log('info', 'mllp message answered', { ack: reply.code, size });
    if (socket.writable) socket.write(mllpFrame(reply.ack));
  }

  const server = net.createServer((socket) => {
    sockets.add(socket);
    options.onConnections?.(sockets.size, true);
    socket.setKeepAlive(true);
    const decoder = new MllpDecoder(options.maxFrameBytes);
    // MLLP is one message, one ACK, in order: frames of a connection are handled in sequence
    // (`intake`), and answered in sequence (`chain`), each once its writes are durable.
    let intake: Promise<unknown> = Promise.resolve();
    let chain: Promise<void> = Promise.resolve();
    let pending = 0;
    const enqueue = (events: MllpEvent[]): void => {
      for (const e of events) {
        if (++pending >= MAX_PENDING_FRAMES) socket.pause();
        const started = intake.then(() => begin(e));
        intake = started.then(
          (s) => s.ran.catch(() => undefined),
          () => undefined,
        );
        const reply = started.then((s) => s.reply);
        chain = chain
          .then(() => answer(socket, e, reply))
          .finally(() => {
            if (--pending < MAX_PENDING_FRAMES / 2 && socket.isPaused()) socket.resume();
          });
        const p = chain;
        inFlight.add(p);
        void p.finally(() => inFlight.delete(p));
      }
    };
    socket.on('data', (chunk: Buffer) => enqueue(decoder.push(chunk)));
    socket.on('end', () => {
      enqueue(decoder.end());
      void chain.finally(() => socket.end());
    });
    socket.on('error', (err) => log('warn', 'mllp connection error', { error: (err as NodeJS.ErrnoException).code ?? err.name }));
    socket.on('close', () => {
      sockets.delete(socket);
      options.onConnections?.(sockets.size, false);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await Promise.allSettled([...inFlight]);
      for (const s of sockets) s.end();
      for (const s of sockets) s.destroy();
      await closed;
    },
  };
}
