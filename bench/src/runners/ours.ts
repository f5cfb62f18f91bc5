/**
 * @hcdl/hl7v2: parseMessage with every leaf value decoded and materialized (the tree is
 * built at parse time; the walk counts the leaves so nothing is left to the optimizer), the
 * staging writer (parse + staging JSON text), and the whole staging step from the bytes.
 */
import type { Message } from '@hcdl/hl7v2';
import type { ParseAll, Runner } from './types';

/** Counts every leaf of the parsed tree (fields, repetitions, components, subcomponents). */
function countLeaves(message: Message): number {
  let leaves = 0;
  for (const seg of message.segments) {
    const fields = seg.fields;
    for (let f = 1; f < fields.length; f++) {
      const field = fields[f];
      if (field === undefined) continue;
      for (const rep of field) {
        for (const comp of rep) leaves += comp === null || typeof comp === 'string' ? 1 : comp.length;
      }
    }
  }
  return leaves;
}

export const oursRunner: Runner = {
  id: 'ours',
  label: '@hcdl/hl7v2 parseMessage',
  kind: 'ours',
  async load(): Promise<ParseAll> {
    const { parseMessage } = await import('@hcdl/hl7v2');
    return (message) => countLeaves(parseMessage(message));
  },
};

export const stagingRunner: Runner = {
  id: 'staging',
  label: '@hcdl/hl7v2 staging JSON',
  kind: 'staging',
  async load(): Promise<ParseAll> {
    const { parseMessage, toStagingJsonText } = await import('@hcdl/hl7v2');
    // Reading one character flattens the text if it was built as a rope, as writing it out
    // would: the runner pays for the whole text, not for a lazy concatenation.
    return (message) => {
      const text = toStagingJsonText(parseMessage(message));
      return text.charCodeAt(text.length >> 1) > 0 ? text.length : 0;
    };
  },
};

export const stagingStepRunner: Runner = {
  id: 'staging-step',
  label: '@hcdl/hl7v2 staging step (bytes)',
  kind: 'staging-step',
  async load(): Promise<ParseAll> {
    const { Hl7Error, iterateMessages, toStaging } = await import('@hcdl/hl7v2');
    // What `hcdl parse --stats` does with each message of a file (and the lake with each raw
    // object): the bytes decoded per MSH-18, cut into lines and messages, parsed, validated,
    // written as staging JSON (toStaging validates first), the diagnostics counted. The text
    // is read once, so a rope is flattened as writing it out would.
    return (_text, bytes) => {
      let chars = 0;
      for (const m of iterateMessages(bytes)) {
        if (m instanceof Hl7Error) continue;
        const staged = toStaging(m);
        const text = staged.text;
        chars += text.charCodeAt(text.length >> 1) > 0 ? text.length + staged.warnings.length : 0;
      }
      return chars;
    };
  },
};

/** Streams a batch with streamMessages, materializing every message. */
export async function streamOurs(source: AsyncIterable<Uint8Array | string>): Promise<{ messages: number; leaves: number }> {
  const { streamMessages, Hl7Error } = await import('@hcdl/hl7v2');
  let messages = 0;
  let leaves = 0;
  for await (const m of streamMessages(source)) {
    if (m instanceof Hl7Error) continue;
    messages++;
    leaves += countLeaves(m);
  }
  return { messages, leaves };
}
