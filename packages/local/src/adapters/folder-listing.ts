import type { Dirent } from 'node:fs';
import path from 'node:path';
import { compareKeyBytes, isKeySegment, keyBytes } from './folder-keys';

/** The one file-system call listing needs; injectable so tests can see which folders are read. */
export type ReadDir = (dir: string) => Promise<Dirent[]>;

interface Entry {
  name: string;
  folder: boolean;
  /** The name as it sorts among the keys: a folder sorts as `name/`. */
  order: Buffer;
}

/**
 * Keys under `prefix` in UTF-8 byte order, strictly after `startAfter` when given. The walk
 * starts at the deepest folder the prefix names (`staging/source=a/` starts in that folder,
 * `staging/source=a` in `staging`, keeping only names that start with `source=a`) and goes
 * depth-first in key order, so it reads no folder outside the prefix, skips folders whose
 * keys all come before `startAfter`, and reads no further than the caller consumes.
 */
export async function* listKeys(root: string, prefix: string, startAfter: string | undefined, readdir: ReadDir): AsyncGenerator<string> {
  const cut = prefix.lastIndexOf('/');
  const folders = cut < 0 ? [] : prefix.slice(0, cut).split('/');
  // A prefix whose folders no key can have (`..`, empty segment, leading `/`) matches nothing.
  if (!folders.every(isKeySegment)) return;
  const after = startAfter === undefined ? undefined : keyBytes(startAfter);
  yield* walk(path.join(root, ...folders), folders.join('/'), prefix.slice(cut + 1), after, readdir);
}

async function* walk(dir: string, rel: string, namePrefix: string, after: Buffer | undefined, readdir: ReadDir): AsyncGenerator<string> {
  const entries = await entriesOf(dir, readdir);
  for (const e of entries) {
    if (!e.name.startsWith(namePrefix)) continue;
    const key = rel === '' ? e.name : `${rel}/${e.name}`;
    if (e.folder) {
      if (after !== undefined && allBefore(keyBytes(`${key}/`), after)) continue;
      yield* walk(path.join(dir, e.name), key, '', after, readdir);
    } else if (after === undefined || compareKeyBytes(keyBytes(key), after) > 0) {
      yield key;
    }
  }
}

/** The key entries of a folder in key order; none when it is gone or is a file. */
async function entriesOf(dir: string, readdir: ReadDir): Promise<Entry[]> {
  let dirents: Dirent[];
  try {
    dirents = await readdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
  const entries: Entry[] = [];
  for (const d of dirents) {
    // Sidecars, temps and anything else no key can name (sockets, links) are not objects.
    if (!isKeySegment(d.name)) continue;
    if (d.isDirectory()) entries.push({ name: d.name, folder: true, order: keyBytes(`${d.name}/`) });
    else if (d.isFile()) entries.push({ name: d.name, folder: false, order: keyBytes(d.name) });
  }
  return entries.sort((a, b) => compareKeyBytes(a.order, b.order));
}

/**
 * True when every key starting with `folder` (which ends in `/`) is at or before `after`:
 * `after` is greater than the folder prefix and does not start with it.
 */
function allBefore(folder: Buffer, after: Buffer): boolean {
  if (after.length >= folder.length && after.subarray(0, folder.length).equals(folder)) return false;
  return compareKeyBytes(after, folder) > 0;
}
