/** The console's files as the local lake serves them: content types, gzip, security headers, dictionary names. */
import { describe, expect, it } from '@jest/globals';
import { gunzipSync } from 'node:zlib';
import { buildStaticConsole, contentSecurityPolicy, createConsoleAssets } from '../src/index';

const text = (body: Uint8Array | string): string => (typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));

describe('console assets', () => {
  const assets = createConsoleAssets();

  it('serves the page, the bundle and the stylesheet with their content types, a strict CSP and no inline code', async () => {
    const page = await assets.answer('');
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    const html = text(page.body);
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<]/);
    expect(html).not.toMatch(/ on[a-z]+=/);
    expect(html).toContain('<script type="module" src="console.js"></script>');
    const js = await assets.answer('console.js');
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    // Small: no framework, no dictionary inside (names are fetched per version).
    expect((js.body as Uint8Array).byteLength).toBeLessThan(60_000);
    expect((await assets.answer('console.css')).headers['content-type']).toBe('text/css; charset=utf-8');
    expect((await assets.answer('nope.js')).status).toBe(404);
    expect((await assets.answer('../package.json')).status).toBe(404);
  });

  it('gzips for browsers that take it', async () => {
    const plain = await assets.answer('console.js');
    const zipped = await assets.answer('console.js', 'gzip, deflate, br');
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(zipped.body as Uint8Array).equals(Buffer.from(plain.body as Uint8Array))).toBe(true);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('answers each dictionary version with its names, and 404 for a version the dictionary does not hold', async () => {
    const versions = JSON.parse(text((await assets.answer('dictionary/index.json')).body)) as string[];
    expect(versions).toContain('2.5.1');
    const names = JSON.parse(text((await assets.answer('dictionary/2.5.1.json')).body));
    expect(names.segments.PID[2]).toEqual(['patient_identifier_list', 'CX']);
    expect((await assets.answer('dictionary/9.9.json')).status).toBe(404);
  });

  it('builds for static hosting with the API origin in config.json and in the CSP meta tag', async () => {
    const files = await buildStaticConsole({ apiBase: 'https://abc123.execute-api.eu-west-1.amazonaws.com' });
    const byPath = new Map(files.map((f) => [f.path, text(f.body)]));
    expect(JSON.parse(byPath.get('config.json') as string)).toEqual({ apiBase: 'https://abc123.execute-api.eu-west-1.amazonaws.com' });
    expect(byPath.get('index.html')).toContain("connect-src 'self' https://abc123.execute-api.eu-west-1.amazonaws.com");
    expect(byPath.has('dictionary/2.8.2.json')).toBe(true);
    expect(contentSecurityPolicy(undefined, 'meta')).not.toContain('frame-ancestors');
  });
});
