import { openDevIssuer } from '../../../packages/local/src/runtime/dev-issuer';

/** The public URL the benchmark's lake is started with (its dev issuer is `<url>/oidc`). */
export const PUBLIC_URL = 'http://localhost:8080';

/** A token of the lake's dev issuer (its key is in the data folder), writing and reading `source`. */
export async function benchToken(dataDir: string, source: string): Promise<string> {
  const issuer = await openDevIssuer(dataDir, `${PUBLIC_URL}/oidc`, 'hcdl');
  return issuer.sign({ sub: 'bench', write: source, read: source, ttlSeconds: 3 * 3600 });
}
