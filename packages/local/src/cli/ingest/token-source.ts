import { decodeJwt } from 'jose';
import type { DevIssuer } from '../../runtime/dev-issuer';

/** Lifetime of a token ingest mints for itself. */
export const MINTED_TTL_SECONDS = 3600;
/** A token with less than this left is replaced before it is sent (a request must not outlive it). */
export const RENEW_BEFORE_SECONDS = 300;

/**
 * The bearer token of a long ingest. A given token is used as it is (when it expires the run
 * stops with the reason, unless an issuer can mint another); with the lake's dev issuer a
 * token is minted for the source and replaced before it expires, so a backfill of hours never
 * breaks half-way.
 */
export class TokenSource {
  private current: string | undefined;
  private expiresAt = 0;
  private minting: Promise<string> | undefined;

  constructor(private readonly options: { given?: string; issuer?: DevIssuer; write?: string; now?: () => number }) {
    if (options.given !== undefined) this.use(options.given);
  }

  /** The write claim of minted tokens: the source asked for, else the given token's own, else every source. */
  private writeClaim(): string {
    if (this.options.write !== undefined) return this.options.write;
    if (this.options.given !== undefined) {
      try {
        const w = decodeJwt(this.options.given)['custom:write'];
        if (typeof w === 'string' && w !== '') return w;
      } catch {
        // Not a JWT the lake could read either: mint for every source.
      }
    }
    return '*';
  }

  /** Whether an expired or refused token can be replaced. */
  get renewable(): boolean {
    return this.options.issuer !== undefined;
  }

  private now(): number {
    return (this.options.now ?? Date.now)() / 1000;
  }

  private use(token: string): void {
    this.current = token;
    let exp: unknown;
    try {
      exp = decodeJwt(token).exp;
    } catch {
      exp = undefined;
    }
    this.expiresAt = typeof exp === 'number' ? exp : Number.POSITIVE_INFINITY;
  }

  /** The token to send now: minted, or renewed when close to its expiry and an issuer is at hand. */
  async get(): Promise<string> {
    const fresh = this.current !== undefined && this.expiresAt - this.now() > RENEW_BEFORE_SECONDS;
    if (fresh || (this.current !== undefined && !this.renewable)) return this.current as string;
    return this.renew();
  }

  /** A new token (one mint at a time, shared by concurrent callers). */
  async renew(): Promise<string> {
    const issuer = this.options.issuer;
    if (issuer === undefined) throw new Error('no issuer to mint a token with');
    this.minting ??= issuer
      .sign({ sub: 'hcdl-ingest', write: this.writeClaim(), ttlSeconds: MINTED_TTL_SECONDS })
      .then((t) => {
        this.use(t);
        return t;
      })
      .finally(() => {
        this.minting = undefined;
      });
    return this.minting;
  }
}
