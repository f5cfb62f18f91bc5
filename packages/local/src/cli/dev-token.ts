import { existsSync } from 'node:fs';
import path from 'node:path';
import type { JWK } from 'jose';
import { type DevIssuer, openDevIssuer } from '../runtime/dev-issuer';
import { CliInputError, CliUnreachableError } from './errors';

/** How long a lake has to answer the discovery requests. */
const DISCOVERY_TIMEOUT_MS = 10_000;

const shellWord = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/** The exact `hcdl token` command for a lake's data folder and URL (the server prints it once ready). */
export function tokenCommandLine(dataDir: string, url: string): string {
  return `pnpm -s hcdl token --data-dir ${shellWord(dataDir)} --url ${url} --write <sources> --read <sources>`;
}

export const signingKeyFile = (dataDir: string): string => path.join(dataDir, 'oidc', 'signing-key.json');

export interface LakeIssuerOptions {
  dataDir: string;
  /** The lake to check the key against and take the issuer from; absent: not checked. */
  url?: string;
  /** The issuer to sign for when no URL is given (the configuration's). */
  issuer: string;
  audience: string;
  /** Create the key when the data folder has none (a lake started later on it will use it). */
  newKey: boolean;
}

async function getJson(url: string): Promise<{ status: number; body: unknown }> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS) });
  } catch (err) {
    throw new CliUnreachableError(
      `no lake answers at ${new URL(url).origin} (${(err as Error).cause instanceof Error ? (((err as Error).cause as NodeJS.ErrnoException).code ?? 'no answer') : (err as Error).name})`,
      {
        cause: err,
      },
    );
  }
  const text = await res.text();
  try {
    return { status: res.status, body: JSON.parse(text) };
  } catch {
    return { status: res.status, body: undefined };
  }
}

/** The issuer and public keys a running lake's embedded dev issuer publishes. */
async function discover(url: string): Promise<{ issuer: string; keys: JWK[] }> {
  const base = url.replace(/\/$/, '');
  const config = await getJson(`${base}/oidc/.well-known/openid-configuration`);
  const issuer = (config.body as { issuer?: unknown } | undefined)?.issuer;
  if (config.status !== 200 || typeof issuer !== 'string')
    throw new CliInputError(`the lake at ${base} has no embedded dev issuer (it trusts an external OIDC issuer): get tokens from that issuer`);
  const jwks = await getJson(`${base}/oidc/.well-known/jwks.json`);
  const keys = (jwks.body as { keys?: unknown } | undefined)?.keys;
  if (jwks.status !== 200 || !Array.isArray(keys)) throw new CliInputError(`the lake at ${base} publishes no JWKS`);
  return { issuer, keys: keys as JWK[] };
}

const sameKey = (a: JWK, b: JWK): boolean => a.kty === b.kty && a.crv === b.crv && a.x === b.x && a.y === b.y;

/**
 * The dev issuer of a lake's data folder, refusing what would give tokens no lake accepts:
 * a data folder without a key (unless `newKey`: a fresh key only a lake started later on
 * that folder will use), or, with a URL, a lake that signs with another key. With a URL the
 * tokens carry the issuer that lake announces (its HCDL_PUBLIC_URL, whatever this shell's is).
 */
export async function openLakeIssuer(o: LakeIssuerOptions): Promise<DevIssuer> {
  const lake = o.url === undefined ? undefined : await discover(o.url);
  if (!existsSync(signingKeyFile(o.dataDir)) && !o.newKey) {
    throw new CliInputError(
      `no dev issuer key in ${path.join(o.dataDir, 'oidc')}: no lake has run on this data folder. Give the running lake's folder with --data-dir (or HCDL_DATA_DIR) and its URL with --url, as its start line prints; or pass --new-key to create a key for a lake you will start on this folder`,
    );
  }
  const issuer = await openDevIssuer(o.dataDir, lake?.issuer ?? o.issuer, o.audience);
  if (lake !== undefined) {
    const mine = issuer.jwks.keys[0] as JWK;
    if (!lake.keys.some((k) => sameKey(k, mine)))
      throw new CliInputError(
        `the lake at ${o.url} does not sign with the key in ${path.join(o.dataDir, 'oidc')}: it runs on another data folder; give that one with --data-dir (or HCDL_DATA_DIR)`,
      );
  }
  return issuer;
}
