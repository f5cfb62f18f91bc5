import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/**
 * The embedded development OIDC issuer: one ES256 key pair generated on first use and kept
 * in `<dataDir>/oidc/signing-key.json` (mode 0600), a JWKS for verifiers and a token minter
 * for `hcdl token`. For real deployments point the lake at Cognito, Keycloak or Entra ID.
 */
export interface DevIssuer {
  issuer: string;
  audience: string;
  jwks: { keys: JWK[] };
  sign(claims: { sub: string; write?: string; read?: string; ttlSeconds?: number; extra?: Record<string, unknown> }): Promise<string>;
}

const KID = 'hcdl-dev-1';

async function loadOrCreateKey(dataDir: string): Promise<JWK> {
  const file = path.join(dataDir, 'oidc', 'signing-key.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as JWK;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const { privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: KID, alg: 'ES256', use: 'sig' };
  await mkdir(path.dirname(file), { recursive: true });
  try {
    await writeFile(file, JSON.stringify(jwk), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return JSON.parse(await readFile(file, 'utf8')) as JWK;
    throw err;
  }
  return jwk;
}

export async function openDevIssuer(dataDir: string, issuer: string, audience: string): Promise<DevIssuer> {
  const priv = await loadOrCreateKey(dataDir);
  const { d: _d, ...pub } = priv;
  const key = await importJWK(priv, 'ES256');
  return {
    issuer,
    audience,
    jwks: { keys: [pub] },
    async sign({ sub, write, read, ttlSeconds = 3600, extra }) {
      const claims: Record<string, unknown> = { ...extra };
      if (write !== undefined) claims['custom:write'] = write;
      if (read !== undefined) claims['custom:read'] = read;
      return new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: KID, typ: 'JWT' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject(sub)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
        .sign(key);
    },
  };
}
