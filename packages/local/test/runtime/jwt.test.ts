/**
 * Bearer token checks of the local lake: each way a token can be wrong is refused with its
 * own reason (said in the 401 body and the log), and a good one passes.
 */
import { describe, expect, it } from '@jest/globals';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import { CLOCK_SKEW_SECONDS, createTokenVerifier, TokenRefusal } from '../../src/runtime/jwt';

const ISSUER = 'http://localhost:8080/oidc';
const AUDIENCE = 'hcdl';
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);
const seconds = NOW / 1000;

async function keyPair(kid: string): Promise<{ privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey']; jwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

describe('createTokenVerifier', () => {
  it('passes a good token and refuses each bad one with its reason', async () => {
    const good = await keyPair('k1');
    const other = await keyPair('k2');
    const impostor = await keyPair('k1');
    const verify = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [good.jwk] }, now: () => NOW });
    const token = (
      o: {
        key?: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];
        kid?: string;
        typ?: string;
        iss?: string;
        aud?: string;
        iat?: number;
        exp?: number | null;
        nbf?: number;
      } = {},
    ) => {
      const jwt = new SignJWT({ 'custom:write': 'lab' })
        .setProtectedHeader({ alg: 'ES256', kid: o.kid ?? 'k1', ...(o.typ !== undefined ? { typ: o.typ } : {}) })
        .setIssuer(o.iss ?? ISSUER)
        .setAudience(o.aud ?? AUDIENCE)
        .setSubject('tester')
        .setIssuedAt(o.iat ?? seconds - 10);
      if (o.exp !== null) jwt.setExpirationTime(o.exp ?? seconds + 600);
      if (o.nbf !== undefined) jwt.setNotBefore(o.nbf);
      return jwt.sign(o.key ?? good.privateKey);
    };
    const check = async (t: Promise<string> | string) => verify(`Bearer ${await t}`);

    expect(await check(token())).toMatchObject({ ok: true, claims: { sub: 'tester', 'custom:write': 'lab' } });
    expect(await check(token({ typ: 'JWT' }))).toMatchObject({ ok: true });
    expect(await check(token({ typ: 'at+jwt' }))).toMatchObject({ ok: true });
    // Within the clock skew is accepted; beyond it is not.
    expect(await check(token({ iat: seconds + CLOCK_SKEW_SECONDS - 5 }))).toMatchObject({ ok: true });

    const cases: [string, Promise<string> | string, TokenRefusal][] = [
      ['no token at all', '', TokenRefusal.Missing],
      ['not a JWT', 'not-a-jwt', TokenRefusal.Malformed],
      ['expired', token({ exp: seconds - CLOCK_SKEW_SECONDS - 1 }), TokenRefusal.Expired],
      ['no exp', token({ exp: null }), TokenRefusal.NoExpiry],
      ['issued in the future', token({ iat: seconds + CLOCK_SKEW_SECONDS + 30 }), TokenRefusal.IssuedInFuture],
      ['not yet valid', token({ nbf: seconds + CLOCK_SKEW_SECONDS + 30 }), TokenRefusal.NotYetValid],
      ['another issuer', token({ iss: 'https://evil.example/oidc' }), TokenRefusal.WrongIssuer],
      ['another audience', token({ aud: 'other-app' }), TokenRefusal.WrongAudience],
      ['a JOSE type that is not a token', token({ typ: 'dpop+jwt' }), TokenRefusal.WrongType],
      ['signed by a key the issuer does not publish', token({ key: other.privateKey, kid: 'k2' }), TokenRefusal.UnknownKey],
      ['signed by another key under the published kid', token({ key: impostor.privateKey }), TokenRefusal.BadSignature],
    ];
    for (const [title, t, reason] of cases) {
      const got = (await t) === '' ? await verify(undefined) : await check(t);
      expect([title, got]).toEqual([title, { ok: false, reason, message: expect.any(String) }]);
    }
  });

  it('checks the times of a token it verified before at every use, and its signature again after a minute', async () => {
    const good = await keyPair('k1');
    let at = NOW;
    const verify = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [good.jwk] }, now: () => at });
    const jwt = await new SignJWT({ 'custom:write': 'lab' })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setSubject('tester')
      .setIssuedAt(seconds)
      .setNotBefore(seconds + 30)
      .setExpirationTime(seconds + 120)
      .sign(good.privateKey);
    const check = () => verify(`Bearer ${jwt}`);
    expect(await check()).toMatchObject({ ok: true, claims: { 'custom:write': 'lab' } });
    at = NOW + 60_000;
    expect(await check()).toMatchObject({ ok: true });
    // Past exp (and the skew): refused as expired, not answered from what was verified before.
    at = NOW + (120 + CLOCK_SKEW_SECONDS + 1) * 1000;
    expect(await check()).toMatchObject({ ok: false, reason: TokenRefusal.Expired });
    // Before nbf (less the skew): not yet valid, even though it passed a moment "later".
    at = NOW - (CLOCK_SKEW_SECONDS - 30 + 1) * 1000;
    expect(await check()).toMatchObject({ ok: false, reason: TokenRefusal.NotYetValid });
  });

  it('never puts the token in the refusal', async () => {
    const verify = createTokenVerifier({ issuer: ISSUER, audience: AUDIENCE, jwks: { keys: [] } });
    const got = await verify('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtc3ViIn0.c2ln');
    expect(got.ok).toBe(false);
    expect(JSON.stringify(got)).not.toContain('eyJ');
  });
});
