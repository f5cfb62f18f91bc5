import type { Claims } from '@hcdl/lake';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, jwtVerify } from 'jose';

/** Accepted difference between our clock and the issuer's, in seconds (exp, nbf and iat). */
export const CLOCK_SKEW_SECONDS = 60;

/** JWT `typ` header values a token may carry (when it carries one): ID tokens and access tokens (RFC 9068). */
const TOKEN_TYPES = ['jwt', 'at+jwt', 'application/at+jwt'];

/** Why a bearer token was refused (said in the 401 body and the log; never the token). */
export const TokenRefusal = {
  Missing: 'missing',
  Malformed: 'malformed',
  BadSignature: 'bad-signature',
  UnknownKey: 'unknown-key',
  Expired: 'expired',
  NotYetValid: 'not-yet-valid',
  IssuedInFuture: 'issued-in-the-future',
  NoExpiry: 'no-expiry',
  WrongIssuer: 'wrong-issuer',
  WrongAudience: 'wrong-audience',
  WrongType: 'wrong-type',
} as const;
export type TokenRefusal = (typeof TokenRefusal)[keyof typeof TokenRefusal];

const REASONS: Record<TokenRefusal, string> = {
  missing: 'a bearer token is required (Authorization: Bearer <jwt>)',
  malformed: 'the bearer token is not a well-formed JWT',
  'bad-signature': 'the token signature does not verify with the issuer keys',
  'unknown-key': "the token was signed with a key the issuer does not publish (a token of another lake's dev issuer?)",
  expired: 'the token has expired',
  'not-yet-valid': 'the token is not valid yet (nbf)',
  'issued-in-the-future': `the token was issued in the future (iat more than ${CLOCK_SKEW_SECONDS} s ahead)`,
  'no-expiry': 'the token has no expiry (exp)',
  'wrong-issuer': 'the token was issued by another issuer',
  'wrong-audience': 'the token is for another audience',
  'wrong-type': 'the token type (typ) is not a JWT access or ID token',
};

export type TokenCheck = { ok: true; claims: Claims } | { ok: false; reason: TokenRefusal; message: string };

export type TokenVerifier = (authorization: string | undefined) => Promise<TokenCheck>;

const refused = (reason: TokenRefusal): TokenCheck => ({ ok: false, reason, message: REASONS[reason] });

/** The refusal a jose error stands for (its class and claim, never its text). */
function refusalOf(err: unknown): TokenRefusal {
  if (err instanceof errors.JWTExpired) return TokenRefusal.Expired;
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return TokenRefusal.WrongIssuer;
    if (err.claim === 'aud') return TokenRefusal.WrongAudience;
    if (err.claim === 'nbf') return TokenRefusal.NotYetValid;
    if (err.claim === 'exp') return TokenRefusal.NoExpiry;
    if (err.claim === 'typ') return TokenRefusal.WrongType;
    return TokenRefusal.Malformed;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return TokenRefusal.BadSignature;
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) return TokenRefusal.UnknownKey;
  return TokenRefusal.Malformed;
}

/** Tokens verified lately, at most this many. */
const CACHED_TOKENS = 1024;
/** How long a verified signature is trusted without checking it again (bounds a key rotation's delay). */
const CACHE_MS = 60_000;

/**
 * Tokens whose signature and claims were verified, so a client that sends the same token with
 * every request (an interface engine, a load) costs one signature check a minute instead of
 * one per request: the check runs on the libuv pool, beside the lake's file I/O. The times
 * (exp, nbf) are checked again at every use; a token that fails them is verified again in
 * full, which gives its exact refusal.
 */
class VerifiedTokens {
  private readonly entries = new Map<string, { claims: Claims; until: number }>();

  get(token: string, at: number): Claims | undefined {
    const e = this.entries.get(token);
    if (e === undefined) return undefined;
    const { exp, nbf } = e.claims as { exp?: unknown; nbf?: unknown };
    const fresh =
      at < e.until && typeof exp === 'number' && at / 1000 <= exp + CLOCK_SKEW_SECONDS && (typeof nbf !== 'number' || at / 1000 >= nbf - CLOCK_SKEW_SECONDS);
    if (fresh) return e.claims;
    this.entries.delete(token);
    return undefined;
  }

  add(token: string, claims: Claims, at: number): void {
    if (this.entries.size >= CACHED_TOKENS) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(token, { claims, until: at + CACHE_MS });
  }
}

/**
 * Verifies `Authorization: Bearer <jwt>`: signature against the issuer's JWKS (the embedded
 * dev issuer's keys, or any OIDC issuer's JWKS URL), issuer, audience (`aud`, or Cognito's
 * `client_id` for access tokens), a required expiry, not-before, an issue time not in the
 * future, and the `typ` header when present, each with CLOCK_SKEW_SECONDS of tolerance.
 * Answers the claims, or why the token was refused. A token verified in the last minute is
 * not verified again (its times are).
 */
export function createTokenVerifier(options: { issuer: string; audience: string; jwks?: JSONWebKeySet; jwksUrl?: string; now?: () => number }): TokenVerifier {
  const keys = options.jwksUrl !== undefined ? createRemoteJWKSet(new URL(options.jwksUrl)) : createLocalJWKSet(options.jwks ?? { keys: [] });
  const now = options.now ?? Date.now;
  const verified = new VerifiedTokens();
  return async (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return refused(TokenRefusal.Missing);
    const m = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (m === null) return refused(TokenRefusal.Malformed);
    const known = verified.get(m[1] as string, now());
    if (known !== undefined) return { ok: true, claims: known };
    try {
      const { payload, protectedHeader } = await jwtVerify(m[1] as string, keys, {
        issuer: options.issuer,
        clockTolerance: CLOCK_SKEW_SECONDS,
        requiredClaims: ['exp'],
        currentDate: new Date(now()),
      });
      if (protectedHeader.typ !== undefined && !TOKEN_TYPES.includes(protectedHeader.typ.toLowerCase())) return refused(TokenRefusal.WrongType);
      if (typeof payload.iat === 'number' && payload.iat > now() / 1000 + CLOCK_SKEW_SECONDS) return refused(TokenRefusal.IssuedInFuture);
      const aud = payload.aud;
      const audiences = Array.isArray(aud) ? aud : aud !== undefined ? [aud] : [];
      if (!audiences.includes(options.audience) && payload.client_id !== options.audience) return refused(TokenRefusal.WrongAudience);
      verified.add(m[1] as string, payload as Claims, now());
      return { ok: true, claims: payload as Claims };
    } catch (err) {
      return refused(refusalOf(err));
    }
  };
}
