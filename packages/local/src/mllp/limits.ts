import { readFileSync } from 'node:fs';
import { SETTINGS } from '@hcdl/lake';

/**
 * Limits of an MLLP listener (ADR 0014). A connection costs a socket and what it buffers;
 * without limits 200 idle connections stayed open and 40 half-sent 10 MB frames held 395 MB.
 * Memory of a listener is bounded by `maxConnections` x (`maxConnectionBytes` + one frame).
 */
export interface MllpLimits {
  /** Closes a connection with nothing received, sent or owed for this long (ms; 0: never). */
  idleTimeoutMs: number;
  /** Open connections at once; a connection past it is closed as soon as it is accepted. */
  maxConnections: number;
  /**
   * Bytes one connection may hold: an unfinished frame past it closes the connection (it
   * could never be taken), and frames awaiting their ACK past it pause reading.
   */
  maxConnectionBytes: number;
  /** MLLP over TLS (PEM contents). */
  tls?: { cert: Buffer; key: Buffer };
}

export class MllpConfigError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'MllpConfigError';
  }
}

function int(env: Readonly<Record<string, string | undefined>>, name: string, fallback: number, min: number): number {
  const v = env[name];
  if (v === undefined || v.trim() === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new MllpConfigError(`${name} must be an integer >= ${min}`);
  return n;
}

/** Reads a PEM file named by a setting; the error names the variable, never the file's content. */
function pem(name: string, file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    throw new MllpConfigError(`${name}: the file cannot be read`, { cause: err });
  }
}

/**
 * The listener limits from the environment (called by the local runtime's env.ts and the MLLP
 * container's env.ts, the only readers of process.env). `maxBodyBytes` is the default of the
 * per-connection bytes, so that a frame the lake accepts always fits.
 */
export function readMllpLimits(env: Readonly<Record<string, string | undefined>>, maxBodyBytes: number): MllpLimits {
  const S = SETTINGS;
  const limits: MllpLimits = {
    idleTimeoutMs: int(env, S.mllpIdleTimeoutMs.env, S.mllpIdleTimeoutMs.default, 0),
    maxConnections: int(env, S.mllpMaxConnections.env, S.mllpMaxConnections.default, 1),
    maxConnectionBytes: int(env, S.mllpMaxConnectionBytes.env, maxBodyBytes, 1024),
  };
  const cert = env[S.mllpTlsCert.env]?.trim();
  const key = env[S.mllpTlsKey.env]?.trim();
  if ((cert === undefined || cert === '') !== (key === undefined || key === ''))
    throw new MllpConfigError(`${S.mllpTlsCert.env} and ${S.mllpTlsKey.env} go together (PEM certificate and key files)`);
  if (cert && key) limits.tls = { cert: pem(S.mllpTlsCert.env, cert), key: pem(S.mllpTlsKey.env, key) };
  return limits;
}

/** Limits when none are given (tests, embedders): the settings' defaults, no TLS. */
export function defaultMllpLimits(maxBodyBytes: number): MllpLimits {
  return readMllpLimits({}, maxBodyBytes);
}
