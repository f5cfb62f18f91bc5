/**
 * Property: the folder store's pruned, streaming listing gives exactly what filtering and
 * sorting every stored key would give, for any prefix (folder or mid-name), cursor and limit.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FolderObjectStore } from '../../src/adapters/folder-object-store';

async function collect(items: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const k of items) out.push(k);
  return out;
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8');
const byBytes = (a: string, b: string): number => Buffer.compare(utf8(a), utf8(b));

/** Short segments from characters that sort around '/' and across UTF-8 lengths. */
const segment = fc
  .string({ unit: fc.constantFrom('a', 'b', '-', '0', '=', '.', '\u00e9', '\uFFFD', '\u{1F600}'), minLength: 1, maxLength: 3 })
  .filter((s) => s !== '.' && s !== '..');
const key = fc.array(segment, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('/'));

/** A folder cannot also be a file: drop keys that are a folder of another key. */
function storable(keys: string[]): string[] {
  const unique = [...new Set(keys)];
  return unique.filter((k) => !unique.some((o) => o.startsWith(`${k}/`)));
}

describe('FolderObjectStore listing matches a sorted filter of all keys', () => {
  it('for random keys, prefixes, cursors and limits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(key, { minLength: 1, maxLength: 12 }).map(storable),
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.option(fc.nat(), { nil: undefined }), fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined })), {
          minLength: 1,
          maxLength: 6,
        }),
        async (keys, queries) => {
          const root = await mkdtemp(path.join(os.tmpdir(), 'hcdl-folder-prop-'));
          try {
            const store = new FolderObjectStore(root);
            for (const k of keys) await store.put({ key: k, body: k });
            const all = [...keys].sort(byBytes);
            for (const [which, cut, afterPick, limit] of queries) {
              // Prefixes cut from stored keys at any code point (mid-name, at '/', whole key).
              const source = [...(keys[which % keys.length] as string)];
              const prefix = source.slice(0, cut % (source.length + 1)).join('');
              const startAfter = afterPick === undefined ? undefined : all[afterPick % all.length];
              const expected = all.filter((k) => k.startsWith(prefix) && (startAfter === undefined || byBytes(k, startAfter) > 0)).slice(0, limit);
              const options = { ...(startAfter !== undefined ? { startAfter } : {}), ...(limit !== undefined ? { limit } : {}) };
              expect(await collect(store.list(prefix, options))).toEqual(expected);
            }
          } finally {
            await rm(root, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 40 },
    );
  });
});
