/**
 * Lossless round trip over the WHOLE corpus: for every message file, split into messages
 * (batches included), every message gives serialize(parseMessage(x)) === normalize(x), the
 * batch parts give the whole file back normalized, and single-message files round-trip
 * straight from their bytes. Only deliberately invalid files may be fatal, and then only
 * with Hl7FatalError.
 */
import { describe, expect, it } from '@jest/globals';
import { Hl7FatalError, normalize, parseMessage, serialize, serializeBatch, splitMessages, type SplitResult } from '../../src/index';
import { corpusBytes, corpusFiles, corpusMessages } from './support';

const rows = corpusMessages();

describe('corpus round trip', () => {
  it('MANIFEST lists the 475 message files and each exists', () => {
    expect(rows).toHaveLength(475);
    const files = new Set(corpusFiles());
    for (const r of rows) expect(files.has(r.path)).toBe(true);
  });

  it('every message of every corpus file round-trips exactly', () => {
    let messages = 0;
    let fatal = 0;
    const mismatches: string[] = [];
    for (const row of rows) {
      const bytes = corpusBytes(row.path);
      let split: SplitResult;
      try {
        split = splitMessages(bytes);
      } catch (e) {
        expect(e).toBeInstanceOf(Hl7FatalError);
        if (!row.negative) mismatches.push(`${row.path}: fatal ${(e as Hl7FatalError).code} on a valid file`);
        fatal++;
        continue;
      }
      if (serializeBatch(split) !== normalize(bytes)) mismatches.push(`${row.path}: batch parts`);
      for (const chunk of split.messages) {
        messages++;
        if (normalize(chunk.text) !== chunk.text) mismatches.push(`${row.path}#${chunk.index}: chunk not normalized`);
        let out: string;
        try {
          out = serialize(parseMessage(chunk.text));
        } catch (e) {
          expect(e).toBeInstanceOf(Hl7FatalError);
          if (!row.negative) mismatches.push(`${row.path}#${chunk.index}: fatal on a valid file`);
          continue;
        }
        if (out !== chunk.text) mismatches.push(`${row.path}#${chunk.index}`);
      }
      // A file that is exactly one message (no envelope, no outside text) round-trips from bytes.
      if (split.messages.length === 1 && split.parts.length === 1) {
        if (serialize(parseMessage(bytes)) !== normalize(bytes)) mismatches.push(`${row.path}: from bytes`);
      }
    }
    expect(mismatches).toEqual([]);
    // About 490 messages per the corpus README; the 0-byte and garbage files are fatal.
    expect(messages).toBeGreaterThanOrEqual(485);
    expect(fatal).toBeLessThanOrEqual(5);
  });

  it('the files with non-UTF-8 bytes decode with no replacement character and round-trip from bytes', () => {
    const latin = rows.filter((r) => r.notes.includes('non-utf8'));
    expect(latin.length).toBeGreaterThanOrEqual(5);
    for (const row of latin) {
      const bytes = corpusBytes(row.path);
      expect(normalize(bytes)).not.toContain('\ufffd');
      try {
        const m = parseMessage(bytes);
        expect(serialize(m)).toBe(normalize(bytes).slice(0, serialize(m).length));
      } catch (e) {
        expect(e).toBeInstanceOf(Hl7FatalError);
      }
    }
  });
});
