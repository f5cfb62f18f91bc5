/**
 * Hostile message shapes for the linear-time checks: each is a valid header followed by one
 * unit repeated until the message has the size asked for (millions of separators, escapes,
 * fields, repetitions, segments, findings). Shared by test/property/linear-time.test.ts.
 */
import { Hl7Error, iterateMessages, splitMessages, streamMessages, structureOf, toStaging, validateMessage, type Message } from '../../src/index';

const MSH = 'MSH|^~\\&|APP|FAC|LAKE|HCDL|20240101120000||ADT^A01^ADT_A01|CTRL1|P|2.5.1\rEVN|A01\rPID|1||123^^^HOSP^MR||DOE^JANE\r';

export interface Shape {
  readonly name: string;
  /** Sizes are multiplied by it: below 1 for shapes that cost much per byte (a message per line). */
  readonly scale: number;
  /** Text before the repeated unit (after the header). */
  readonly head: string;
  readonly unit: string;
  /** Text after the repetitions (a closing segment terminator, or nothing). */
  readonly tail: string;
}

const line = (name: string, head: string, unit: string, scale = 1): Shape => ({ name, scale, head, unit, tail: '\r' });
const lines = (name: string, unit: string, scale = 1): Shape => ({ name, scale, head: '', unit, tail: '' });

export const SHAPES: readonly Shape[] = [
  line('component separators (^)', 'OBX|1|ST|X||', '^'),
  line('repetition separators (~)', 'OBX|1|ST|X||', '~'),
  line('subcomponent separators (&)', 'OBX|1|ST|X||', '&'),
  line('field separators (|)', 'OBX|1|ST|X||', '|'),
  line('valued fields beyond a known segment (FIELD_UNKNOWN each)', 'PID|1', '|a'),
  line('fields of a Z-segment (positional keys)', 'ZZZ|1', '|a'),
  line('components of a Z-segment field (positional keys)', 'ZZZ|1|', 'a^'),
  line('subcomponents of a Z-segment field', 'ZZZ|1|', 'a&'),
  line('components of a primitive (joined)', 'OBX|1|ST|X||', 'a^'),
  line('repetitions with values not in the table', 'PID|1||1||DOE||19700101|', 'Q~'),
  line('repetitions of a field that does not repeat', 'PV1|1|', 'I~'),
  line('basic escapes', 'OBX|1|ST|X||', '\\F\\'),
  line('bad escapes in one value', 'OBX|1|ST|X||', '\\Q'),
  line('bad escapes in many values (BAD_ESCAPE each)', 'OBX|1|ST|X||', 'a^\\Q'),
  line('MSH|^~\\&| repeated in one line', 'ZZZ|', 'MSH|^~\\&|'),
  lines('segments (OBX)', 'OBX|1|ST|X||a\r'),
  lines('segments that do not repeat (PV1)', 'PV1|1|I\r'),
  lines('unknown segments', 'QQQ|1\r'),
  lines('lines that are not segments', 'abc\r'),
  lines('bare MSH lines (envelope errors)', 'MSH\r'),
  lines('MSH|^~\\&| lines (a message each)', 'MSH|^~\\&|\r', 1 / 8),
];

/** The shape as UTF-8 bytes of about `size` bytes. */
export function build(shape: Shape, size: number): Uint8Array {
  const bytes = Math.round(size * shape.scale);
  const fixed = MSH.length + shape.head.length + shape.tail.length;
  const n = Math.max(1, Math.ceil((bytes - fixed) / shape.unit.length));
  return new TextEncoder().encode(MSH + shape.head + shape.unit.repeat(n) + shape.tail);
}

/** What staging one message leaves: the tree, its diagnostics and the staging JSON text. */
export type Staged = readonly [Message, readonly unknown[], string];

function stageOne(m: Message): Staged {
  const resolution = structureOf(m);
  const diagnostics = validateMessage(m, resolution);
  const text = toStaging(m, { resolution, diagnostics }).text;
  // Reading a character makes V8 flatten the text, as writing it out would.
  if (text.charCodeAt(text.length >> 1) === 0) throw new Error('staging JSON holds a NUL');
  return [m, diagnostics, text];
}

/**
 * The staging step on a file's bytes, as `hcdl parse` and the lake run it: decode, split into
 * messages, parse, validate, write staging JSON; plus splitMessages, which the front door
 * runs. Returns everything it made (kept by a caller that measures, so that garbage collection
 * sees the same live data whatever the input is cut into).
 */
export function stageBytes(bytes: Uint8Array): readonly unknown[] {
  const out: unknown[] = [splitMessages(bytes)];
  for (const m of iterateMessages(bytes)) out.push(m instanceof Hl7Error ? m : stageOne(m));
  return out;
}

/** The same through streamMessages, the bytes given in chunks of `chunk` bytes (a file read). */
export async function streamBytes(bytes: Uint8Array, chunk: number): Promise<number> {
  async function* chunks(): AsyncGenerator<Uint8Array> {
    for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
  }
  let n = 0;
  for await (const m of streamMessages(chunks())) n += m instanceof Hl7Error ? 1 : stageOne(m)[2].length;
  return n;
}
