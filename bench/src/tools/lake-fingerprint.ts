// The lake's output on the corpus, for before/after comparisons of a change that must not
// change it: every corpus message file is posted to a fresh local lake (JSON answer), again
// with `Accept: application/hl7-v2` (a duplicate's ACK) and once more for another source (a
// stored message's ACK). One line per file: path, status, per message the outcome and a
// digest of its staging JSON (or of its error report's diagnostics), then both ACKs with
// their own time and control id (MSH-7, MSH-10) and our message ids blanked.
//
//   node --import tsx bench/src/tools/lake-fingerprint.ts > after.txt   (then diff with a run on the old commit)
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { openLocalLake, readConfig } from '../../../packages/local/src/index';

const root = path.resolve(import.meta.dirname, '../../..');
const dataDir = mkdtempSync(path.join(tmpdir(), 'fp-'));
const lake = await openLocalLake(readConfig({ HCDL_DATA_DIR: dataDir, HCDL_LOG_LEVEL: 'SILENT', HCDL_PORT: '0' }));
const manifest = readFileSync(path.join(root, 'test/fixtures/corpus/MANIFEST.tsv'), 'utf8')
  .split('\n')
  .slice(1)
  .filter(Boolean)
  .map((l) => l.split('\t'));
const files = manifest.filter((r) => r[10] === 'message').map((r) => r[0] as string);
const claims = { sub: 'fp', 'custom:write': '*', 'custom:read': '*' };
async function post(body: Buffer, source: string, accept?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/hl7-v2' };
  if (accept) headers.accept = accept;
  return lake.http.handle({ method: 'POST', path: '/hl7v2/er7', headers, query: { source }, claims, body });
}
const out: string[] = [];
for (const [i, f] of files.entries()) {
  const body = readFileSync(path.join(root, 'test/fixtures/corpus', f));
  const source = `s${i}`;
  const r = await post(body, source);
  await lake.idle();
  const j = JSON.parse(String(r.body));
  const ids: string[] = j.messages ? j.messages.map((m: { messageId: string }) => m.messageId) : [j.messageId ?? j.error?.details?.messageId].filter(Boolean);
  const digests: string[] = [];
  for (const id of ids) {
    const row = await lake.adapters.catalog.getMessage(id);
    const key = row?.stagingKey ?? row?.errorKey?.replace(/\.hl7$/, '.error.json');
    const o = key ? await lake.adapters.objectStore.get(key) : undefined;
    let text = o ? Buffer.from(o.body).toString('utf8') : 'none';
    if (row?.errorKey && o) {
      const rep = JSON.parse(text);
      text = JSON.stringify(rep.diagnostics);
    }
    digests.push(`${row?.status}:${createHash('sha256').update(text).digest('hex').slice(0, 16)}`);
  }
  const blank = (a: { body: unknown }) =>
    String(a.body)
      .split('\r')
      .map((seg) =>
        seg.startsWith('MSH')
          ? seg
              .split(seg.charAt(3))
              .map((v, k) => (k === 6 || k === 9 ? '' : v))
              .join(seg.charAt(3))
          : seg,
      )
      .join('\\r')
      .replace(/(duplicate of message|accepted as) \w+/g, '$1 X')
      .replace(/"messageId":"\w+"/g, '"messageId":"X"');
  const dup = await post(body, source, 'application/hl7-v2');
  const fresh = await post(body, `${source}b`, 'application/hl7-v2');
  await lake.idle();
  out.push(`${f} ${r.status} ${digests.join(',')} | ${dup.status} ${blank(dup)} | ${fresh.status} ${blank(fresh)}`);
}
await lake.close();
process.stdout.write(out.join('\n') + '\n');
