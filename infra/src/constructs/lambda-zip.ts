import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { zipSync, type Zippable } from 'fflate';
import { InfraError } from '../errors';

/**
 * The time every entry carries. ZIP stores local date and time fields (fflate fills them with
 * the local-time getters), so the date is built from local fields: 1980-01-01 00:00, the
 * earliest a ZIP can hold, whatever the machine's time zone.
 */
const FIXED_MTIME = new Date(1980, 0, 1, 0, 0, 0);
/** A regular file, rw-r--r--, as Unix attributes (fflate's `attrs` with `os: 3`). */
const FILE_ATTRS = (0o100644 << 16) >>> 0;
const UNIX = 3;

/** Files under `dir` as sorted POSIX paths relative to it (folders are implied by the paths). */
function filesUnder(dir: string, prefix = ''): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === '' ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...filesUnder(dir, rel));
    else if (entry.isFile()) out.push(rel);
    else throw new InfraError(`cannot zip ${path.join(dir, rel)}: only files and folders go into a Lambda package`);
  }
  return out.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * A folder as a ZIP whose bytes depend only on the files' paths and contents: entries in
 * sorted order, one fixed time, one fixed mode, deflate level 9 (fflate, pinned: its deflate
 * output is stable for a given version). Building a bundle again gives the same zip, so the
 * Lambda's source_code_hash, and the plan, change only when the code does.
 */
export function zipDirectory(dir: string): Uint8Array {
  const files: Zippable = {};
  for (const rel of filesUnder(dir)) {
    // Object keys that look like array indexes are enumerated first, whatever the insertion
    // order: refuse them rather than let the order depend on names.
    if (/^(0|[1-9]\d*)$/.test(rel)) throw new InfraError(`cannot zip ${path.join(dir, rel)} deterministically: a top-level file named like a number`);
    files[rel] = [readFileSync(path.join(dir, rel)), { mtime: FIXED_MTIME, os: UNIX, attrs: FILE_ATTRS }];
  }
  return zipSync(files, { level: 9 });
}

/** A Lambda package written to disk: where it is and the hash Lambda compares (base64 SHA-256 of the zip). */
export interface LambdaZip {
  file: string;
  sourceCodeHash: string;
}

/**
 * Zips `dir` into `<outRoot>/<sha256>/<name>.zip` (content addressed: writing the same package
 * twice writes the same file) and returns it with its base64 SHA-256, the value the AWS provider
 * compares with the deployed code.
 */
export function writeLambdaZip(dir: string, name: string, outRoot: string): LambdaZip {
  const zip = zipDirectory(dir);
  const digest = createHash('sha256').update(zip);
  const hex = digest.copy().digest('hex');
  const folder = path.join(outRoot, hex);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${name}.zip`);
  writeFileSync(file, zip);
  return { file, sourceCodeHash: digest.digest('base64') };
}
