import { gzipSync } from 'node:zlib';
import { buildConsole, type ConsoleBuildOptions, type ConsoleFile, dictionaryFile } from './build';
import { contentSecurityPolicy } from './csp';

/** An answer to a console request, transport-neutral (the local server turns it into a Response). */
export interface ConsoleAnswer {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array | string;
}

interface Prepared extends ConsoleFile {
  gzip: Uint8Array;
}

/**
 * Serves the built console under a mount path (`/console`): the files with their content
 * types, gzip when the browser takes it, the CSP and the other security headers on every
 * answer. The build runs once, on the first request, and is kept; each dictionary version's
 * names are made on their first request.
 */
export function createConsoleAssets(options: ConsoleBuildOptions = {}) {
  let files: Promise<Map<string, Prepared>> | undefined;
  const load = (): Promise<Map<string, Prepared>> => {
    files ??= buildConsole(options).then((list) => new Map(list.map((f) => [f.path, { ...f, gzip: gzipSync(f.body) }])));
    return files;
  };
  const security = {
    'content-security-policy': contentSecurityPolicy(options.apiBase),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'x-frame-options': 'DENY',
    'cross-origin-opener-policy': 'same-origin',
  };

  /** `relative`: the path under the mount point, '' or 'index.html' for the page. */
  async function answer(relative: string, acceptEncoding = ''): Promise<ConsoleAnswer> {
    const files = await load();
    const name = relative === '' ? 'index.html' : relative;
    const version = /^dictionary\/([0-9.]{1,10})\.json$/.exec(name)?.[1];
    if (version !== undefined && !files.has(name)) {
      // A version's names are made the first time a message of that version is shown.
      const made = dictionaryFile(version);
      if (made !== undefined) files.set(name, { ...made, gzip: gzipSync(made.body) });
    }
    const file = files.get(name);
    if (file === undefined) return { status: 404, headers: { ...security, 'content-type': 'text/plain; charset=utf-8' }, body: 'not found' };
    const gzip = /\bgzip\b/.test(acceptEncoding);
    return {
      status: 200,
      headers: {
        ...security,
        'content-type': file.contentType,
        // The page and its config are checked on each load; the rest changes only with a new build.
        'cache-control': file.path === 'index.html' || file.path === 'config.json' ? 'no-cache' : 'public, max-age=300',
        vary: 'accept-encoding',
        ...(gzip ? { 'content-encoding': 'gzip' } : {}),
      },
      body: gzip ? file.gzip : file.body,
    };
  }
  return { answer, warm: async () => void (await load()) };
}

export type ConsoleAssets = ReturnType<typeof createConsoleAssets>;
