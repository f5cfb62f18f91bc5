/**
 * The console's Content-Security-Policy: its own scripts and styles only (no inline code, no
 * CDN), network calls to itself and the API, no framing, no forms posted elsewhere.
 * `meta`: the form a `<meta http-equiv>` tag may carry (browsers ignore frame-ancestors there).
 */
export function contentSecurityPolicy(apiBase?: string, form: 'header' | 'meta' = 'header'): string {
  const api = apiBase !== undefined && apiBase !== '' ? ` ${new URL(apiBase).origin}` : '';
  const directives = [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    `connect-src 'self'${api}`,
    "base-uri 'none'",
    "form-action 'none'",
  ];
  if (form === 'header') directives.push("frame-ancestors 'none'");
  return directives.join('; ');
}
