import type net from 'node:net';
import { type Ack, ackFor, type ApplicationAcks, notStoredAck, type Submit, type SubmitOutcome } from '@hcdl/core';
import { Hl7Error, type MessageHeader, readHeader } from '@hcdl/hl7v2';
import { type FrameFate, type MllpAudit, mllpAuditRecord, mllpPrincipal } from './audit';
import { createMllpServer, guardConnection } from './connections';
import { MllpDecoder, type MllpEvent, mllpFrame } from './framing';
import { defaultMllpLimits, type MllpLimits } from './limits';

/**
 * MLLP listener: the adapter that lets an interface engine send over TCP/MLLP instead of
 * REST. Each frame goes through the same submit use-case as `POST /hl7v2/er7` (limits, batch
 * split, dedup, durable ingest before the answer) and the sender gets the HL7 ACK of the
 * application's ACK policy (@hcdl/core ackFor, docs/ack.md): AA stored or already stored,
 * AR with the diagnostics when the frame cannot be taken as sent, AR "send it again" when
 * nothing was acknowledged as durable.
 *
 * MLLP has no authentication of its own: a listener writes for one configured source and
 * should be bound to a private interface; it speaks TLS when given a certificate. Its
 * connections are limited in number, idle time and bytes held (./limits.ts, ./connections.ts).
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
  /** Connections, idle timeout, bytes per connection, TLS (./limits.ts; default: the settings' defaults). */
  limits?: MllpLimits;
  submit: Submit;
  /**
   * Runs one frame's submission as a deferred unit of work (LocalLake.durably): `ran` when it
   * has run, `durable` when its writes are on disk. Without it, a frame is answered when
   * submit resolves (submit's writes are then durable one by one).
   */
  defer?: <T>(work: () => Promise<T>) => { ran: Promise<T>; durable: Promise<T> };
  /**
   * Application ACKs (enhanced mode, MSH-16 AL/ER/SU): sent on the same connection once the
   * message's staging has ended, each after its own accept ACK (docs/ack.md). Without it,
   * frames get their accept ACK only.
   */
  applicationAcks?: Pick<ApplicationAcks, 'asked' | 'collect'>;
  /**
   * The audit trail (docs/adr/0016): one record per frame (principal `mllp:<source>`, the
   * peer address, the message ids, the outcome), appended with the frame's own writes, so its
   * ACK leaves only once the record is durable; a frame whose record fails is answered
   * "not stored, send it again" (its resend is then a recorded duplicate).
   */
  audit?: MllpAudit;
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

/** An ACK to write, whether the sender asked for it (MSH-15), and the application ACKs to follow it once staged. */
type Reply = (Pick<Ack, 'ack' | 'code'> & { send?: boolean; followUp?: () => Promise<Pick<Ack, 'ack' | 'code' | 'send'>[]> }) | undefined;

export async function startMllpListener(options: MllpListenerOptions): Promise<MllpListener> {
  const { logger } = options;
  const claims = { sub: mllpPrincipal(options.source), 'custom:write': options.source };
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

  /** Appends a frame's audit record (when the listener has a trail); a failure rejects. */
  async function audit(fate: FrameFate, client: string | undefined): Promise<void> {
    if (options.audit === undefined) return;
    const at = options.audit.now?.() ?? new Date();
    await options.audit.trail.append(mllpAuditRecord(fate, { source: options.source, at, ...(client !== undefined ? { client } : {}) }));
  }

  /** The ACK for one frame, audited, or undefined for bytes outside a frame (they get none and no record). */
  async function replyFor(event: MllpEvent, client: string | undefined): Promise<Reply> {
    if (event.kind === 'noise' || event.kind === 'truncated') {
      log('warn', 'mllp bytes outside a complete frame ignored', { kind: event.kind, size: event.size });
      return undefined;
    }
    if (event.kind === 'frame') return submitted(event.bytes, client);
    try {
      await audit({ kind: 'refused' }, client);
    } catch (err) {
      log('error', 'mllp audit record failed', { error: errorName(err) });
      return notStoredAck(event.kind === 'stray' ? headerOf(event.bytes) : undefined);
    }
    if (event.kind === 'oversize') return ackFor({ kind: 'too-large', limit: options.maxFrameBytes }, 'mllp');
    log('warn', 'mllp frame with a stray start byte refused', { offset: event.offset, size: event.bytes.length });
    return ackFor(
      {
        kind: 'bad-request',
        code: 'MLLP_STRAY_START_BYTE',
        message: `MLLP_STRAY_START_BYTE: a start byte (0x0B) at offset ${event.offset} inside the frame`,
      },
      'mllp',
      headerOf(event.bytes),
    );
  }

  /** A complete frame through submit; its ACK once its record is appended. */
  async function submitted(bytes: Uint8Array, client: string | undefined): Promise<Reply> {
    let outcome: SubmitOutcome;
    try {
      outcome = await options.submit({ claims, contentType: 'application/hl7-v2', body: bytes });
    } catch (err) {
      log('error', 'mllp message failed', { error: errorName(err) });
      // Recorded when the trail takes it; the sender is told to resend either way.
      await audit({ kind: 'failed' }, client).catch((e: unknown) => log('error', 'mllp audit record failed', { error: errorName(e) }));
      return notStoredAck(headerOf(bytes));
    }
    try {
      await audit({ kind: 'submitted', outcome }, client);
    } catch (err) {
      log('error', 'mllp audit record failed; the frame is answered "send it again"', { error: errorName(err) });
      return notStoredAck(headerOf(bytes));
    }
    // A stored frame's header was read by submit already; read it here only for the others.
    const header = outcome.kind === 'accepted' && outcome.header !== undefined ? outcome.header : headerOf(bytes);
    const ack = ackFor(outcome, 'mllp', header);
    const apps = options.applicationAcks;
    if (outcome.kind !== 'accepted' || apps === undefined || !apps.asked(header)) return ack;
    return { ...ack, followUp: () => apps.collect(outcome, header) };
  }

  /**
   * Starts one frame: `ran` settles when its submission has run (the next frame may start),
   * `reply` when it may be answered (its writes durable). A commit that fails after the
   * submission ran turns the ACK into an AR "send it again": nothing is acknowledged that a
   * crash could lose.
   */
  function begin(event: MllpEvent, client: string | undefined): { ran: Promise<unknown>; reply: Promise<Reply> } {
    if (options.defer === undefined) {
      const reply = replyFor(event, client);
      return { ran: reply, reply };
    }
    const { ran, durable } = options.defer(() => replyFor(event, client));
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
  async function answer(socket: net.Socket, event: MllpEvent, pending: Promise<Reply>, later: Set<Promise<void>>): Promise<void> {
    const size = event.kind === 'frame' || event.kind === 'stray' ? event.bytes.length : event.size;
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
    if (reply.send !== false && socket.writable) socket.write(mllpFrame(reply.ack));
    if (reply.followUp !== undefined) {
      // The application ACK waits for staging without holding up the frames after this one.
      const p = applicationAcksOf(socket, reply.followUp);
      later.add(p);
      inFlight.add(p);
      void p.finally(() => {
        later.delete(p);
        inFlight.delete(p);
      });
    }
  }

  /** Writes a frame's application ACKs once its staging ended (those MSH-16 asks for); never rejects. */
  async function applicationAcksOf(socket: net.Socket, collect: () => Promise<Pick<Ack, 'ack' | 'code' | 'send'>[]>): Promise<void> {
    try {
      for (const a of await collect()) {
        if (!a.send) continue;
        log('info', 'mllp application ACK sent', { ack: a.code });
        if (socket.writable) socket.write(mllpFrame(a.ack));
      }
    } catch (err) {
      log('error', 'mllp application ACK failed', { error: errorName(err) });
    }
  }

  const limits = options.limits ?? defaultMllpLimits(options.maxFrameBytes);
  const server = createMllpServer(
    limits,
    (socket) => {
      sockets.add(socket);
      options.onConnections?.(sockets.size, true);
      socket.setKeepAlive(true);
      // The audit trail's "from where": the peer as this socket saw it at accept.
      const client = socket.remoteAddress;
      const decoder = new MllpDecoder(options.maxFrameBytes);
      const guard = guardConnection(socket, limits, log, () => pending > 0);
      // MLLP is one message, one ACK, in order: frames of a connection are handled in sequence
      // (`intake`), and answered in sequence (`chain`), each once its writes are durable.
      let intake: Promise<unknown> = Promise.resolve();
      let chain: Promise<void> = Promise.resolve();
      let pending = 0;
      const later = new Set<Promise<void>>();
      const enqueue = (events: MllpEvent[]): void => {
        for (const e of events) {
          const bytes = e.kind === 'frame' || e.kind === 'stray' ? e.bytes.length : 0;
          guard.hold(bytes);
          if (++pending >= MAX_PENDING_FRAMES) socket.pause();
          const started = intake.then(() => begin(e, client));
          intake = started.then(
            (s) => s.ran.catch(() => undefined),
            () => undefined,
          );
          const reply = started.then((s) => s.reply);
          chain = chain
            .then(() => answer(socket, e, reply, later))
            .finally(() => {
              guard.release(bytes);
              if (--pending < MAX_PENDING_FRAMES / 2 && socket.isPaused() && guard.mayResume()) socket.resume();
            });
          const p = chain;
          inFlight.add(p);
          void p.finally(() => inFlight.delete(p));
        }
      };
      socket.on('data', (chunk: Buffer) => {
        enqueue(decoder.push(chunk));
        guard.afterData(decoder.bufferedBytes);
      });
      socket.on('end', () => {
        enqueue(decoder.end());
        // The sender closed its side: answer what came, application ACKs included, then close.
        void chain.finally(() => Promise.allSettled([...later]).then(() => socket.end()));
      });
      socket.on('error', (err) => log('warn', 'mllp connection error', { error: (err as NodeJS.ErrnoException).code ?? err.name }));
      socket.on('close', () => {
        sockets.delete(socket);
        options.onConnections?.(sockets.size, false);
      });
    },
    log,
  );

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
