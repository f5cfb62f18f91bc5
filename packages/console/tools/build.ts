/**
 * Writes the console to a folder for static hosting (S3 + CloudFront, or any web server):
 * `pnpm --filter @hcdl/console build -- --out dist --api https://<api-id>.execute-api.<region>.amazonaws.com`.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildStaticConsole } from '../src/build';

// `pnpm … build -- --out …` hands the `--` on: it is not an argument.
const args = process.argv.slice(2).filter((a, i) => !(i === 0 && a === '--'));
const { values } = parseArgs({ args, options: { out: { type: 'string', default: 'dist' }, api: { type: 'string' } } });
const out = path.resolve(values.out as string);
const files = await buildStaticConsole(values.api !== undefined ? { apiBase: values.api } : {});
for (const f of files) {
  const target = path.join(out, f.path);
  await mkdir(path.dirname(target), { recursive: true });
  await writeFile(target, f.body);
}
console.log(`console: ${files.length} files in ${out}${values.api !== undefined ? `, API ${values.api}` : ''}`);
