/** The corpus messages as the FHIR tests read them: every message of every valid file, parsed. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { iterateMessages, type Message } from '@hcdl/hl7v2';
import { CORPUS_DIR, corpusMessageRows } from '../../../../test/fixtures/corpus-manifest';

export interface CorpusMessage {
  /** `<file>#<n>`: the file under the corpus folder and the message's 1-based index in it. */
  name: string;
  path: string;
  message: Message;
}

export function corpusMessages(): CorpusMessage[] {
  const out: CorpusMessage[] = [];
  for (const row of corpusMessageRows()) {
    if (row.negative) continue;
    const bytes = new Uint8Array(readFileSync(join(CORPUS_DIR, row.path)));
    let n = 0;
    try {
      for (const m of iterateMessages(bytes)) {
        n++;
        if (m instanceof Error) continue;
        out.push({ name: `${row.path}#${n}`, path: row.path, message: m });
      }
    } catch {
      // A file with no MSH (an envelope alone) holds no message to convert.
    }
  }
  return out;
}

export const corpusFile = (path: string): string => readFileSync(join(CORPUS_DIR, path), 'utf8');
