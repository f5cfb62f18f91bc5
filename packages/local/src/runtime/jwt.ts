import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import type { Claims } from '@hcdl/lake';

export type TokenVerifier = (authorization: string | undefined) => Promise<Claims | undefined>;

/**
 * Verifies `Authorization: Bearer <jwt>`: signature against the issuer's JWKS (the embedded
 * dev issuer's keys, or any OIDC issuer's JWKS URL), issuer, audience (`aud`, or Cognito's
 * `client_id` for access tokens), expiry and not-before. Returns the claims, or undefined
 * when the token is missing or invalid (the caller answers 401).
 */
export function createTokenVerifier(options: { issuer: string; audience: string; jwks?: JSONWebKeySet; jwksUrl?: string }): TokenVerifier {
  const keys = options.jwksUrl !== undefined ? createRemoteJWKSet(new URL(options.jwksUrl)) : createLocalJWKSet(options.jwks ?? { keys: [] });
  return async (authorization) => {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (m === null) return undefined;
    try {
      const { payload } = await jwtVerify(m[1] as string, keys, { issuer: options.issuer, clockTolerance: 5 });
      const aud = payload.aud;
      const audiences = Array.isArray(aud) ? aud : aud !== undefined ? [aud] : [];
      if (!audiences.includes(options.audience) && payload.client_id !== options.audience) return undefined;
      return payload as Claims;
    } catch {
      return undefined;
    }
  };
}
