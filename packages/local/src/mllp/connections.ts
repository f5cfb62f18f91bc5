import net from 'node:net';
import tls from 'node:tls';
import type { MllpLimits } from './limits';

type Log = (level: 'info' | 'warn' | 'error', message: string, extra: Record<string, unknown>) => void;

/**
 * The listener's server with its connection limits (ADR 0014): plain TCP or TLS, at most
 * `maxConnections` open at once (Node closes a connection past it as soon as it is accepted,
 * which is logged), TLS handshake failures logged by code only.
 */
export function createMllpServer(limits: MllpLimits, onConnection: (socket: net.Socket) => void, log: Log): net.Server {
  const server = limits.tls === undefined ? net.createServer(onConnection) : tls.createServer({ cert: limits.tls.cert, key: limits.tls.key }, onConnection);
  server.maxConnections = limits.maxConnections;
  server.on('drop', () => log('warn', 'mllp connection refused: too many connections', { maxConnections: limits.maxConnections }));
  server.on('tlsClientError', (err: NodeJS.ErrnoException) => log('warn', 'mllp TLS handshake failed', { error: err.code ?? err.name }));
  return server;
}

/** What a connection holds and owes, kept by the listener, checked against the limits. */
export interface ConnectionGuard {
  /** A frame was received: its bytes are held until it is answered. */
  hold(bytes: number): void;
  /** A frame was answered. */
  release(bytes: number): void;
  /**
   * After each chunk: an unfinished frame past the limit closes the connection (it could never
   * be taken); frames awaiting their ACK past it pause reading until they are answered.
   * Returns false when the connection was closed.
   */
  afterData(unfinishedBytes: number): boolean;
  /** False while reading is paused for bytes held (the frame-count pause must not lift it). */
  mayResume(): boolean;
}

/**
 * Limits of one connection: idle timeout (nothing received or sent while no ACK is owed) and
 * the bytes it may hold. Each closing is logged with its reason, never with content.
 */
export function guardConnection(socket: net.Socket, limits: MllpLimits, log: Log, owed: () => boolean): ConnectionGuard {
  let held = 0;
  let pausedForBytes = false;
  if (limits.idleTimeoutMs > 0) {
    socket.setTimeout(limits.idleTimeoutMs);
    socket.on('timeout', () => {
      // A connection waiting for its ACKs is not idle: the lake is the slow one.
      if (owed()) return;
      log('info', 'mllp connection closed: idle', { idleTimeoutMs: limits.idleTimeoutMs });
      socket.destroy();
    });
  }
  return {
    hold(bytes) {
      held += bytes;
    },
    release(bytes) {
      held -= bytes;
      if (pausedForBytes && held <= limits.maxConnectionBytes / 2) {
        pausedForBytes = false;
        socket.resume();
      }
    },
    afterData(unfinished) {
      if (unfinished > limits.maxConnectionBytes) {
        log('warn', 'mllp connection closed: unfinished frame over the connection limit', {
          bytes: unfinished,
          maxConnectionBytes: limits.maxConnectionBytes,
        });
        socket.destroy();
        return false;
      }
      if (held + unfinished > limits.maxConnectionBytes && !pausedForBytes) {
        pausedForBytes = true;
        socket.pause();
      }
      return true;
    },
    mayResume() {
      return !pausedForBytes;
    },
  };
}
