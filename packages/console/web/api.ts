/**
 * The lake's HTTP API as the console calls it, with the signed-in token. The token lives in
 * sessionStorage only: it ends with the tab, and is never written to localStorage or a cookie.
 */
const TOKEN_KEY = 'hcdl.console.token';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}

export const session = {
  token: (): string | undefined => sessionStorage.getItem(TOKEN_KEY) ?? undefined,
  signIn: (token: string): void => sessionStorage.setItem(TOKEN_KEY, token),
  signOut: (): void => sessionStorage.removeItem(TOKEN_KEY),
};

export type Query = Record<string, string | number | undefined>;

export interface Api {
  json<T>(path: string, query?: Query): Promise<T>;
  text(path: string): Promise<string>;
  post<T>(path: string): Promise<T>;
}

/** `base`: the API's origin ('' when the lake serves the console itself). */
export function createApi(base: string, onUnauthorized: () => void): Api {
  async function call(method: string, path: string, query: Query = {}): Promise<Response> {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') qs.set(k, String(v));
    const url = `${base}${path}${qs.size > 0 ? `?${qs}` : ''}`;
    const token = session.token();
    const res = await fetch(url, { method, headers: token !== undefined ? { authorization: `Bearer ${token}` } : {}, cache: 'no-store' });
    if (res.ok) return res;
    let code = `HTTP_${res.status}`;
    let message = res.statusText;
    let details: Record<string, unknown> | undefined;
    try {
      const body = (await res.json()) as { error?: { code?: string; message?: string; details?: Record<string, unknown> }; issue?: { diagnostics?: string }[] };
      code = body.error?.code ?? code;
      message = body.error?.message ?? body.issue?.[0]?.diagnostics ?? message;
      details = body.error?.details;
    } catch {
      // not JSON: keep the status text
    }
    if (res.status === 401) onUnauthorized();
    throw new ApiError(res.status, code, message, details);
  }
  return {
    json: async <T>(path: string, query?: Query) => (await call('GET', path, query)).json() as Promise<T>,
    text: async (path: string) => {
      const res = await call('GET', path);
      // Raw messages are stored as received; latin-1 keeps every byte visible as one character.
      return new TextDecoder('latin1').decode(await res.arrayBuffer());
    },
    post: async <T>(path: string) => (await call('POST', path)).json() as Promise<T>,
  };
}
