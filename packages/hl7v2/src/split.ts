import { decodeInput } from './decode';
import { addDiagnostic, countDropped, finishDiagnostics, isFull } from './diagnostic-list';
import { diagnostic, ParseCode, type Diagnostic } from './diagnostics';
import { Hl7FatalError } from './errors';
import { isEnvelopeId, isMshAt, isSegmentAt, type LineTable, lineText, scanLines, tableLines } from './lines';
import type { Message } from './model';
import { nextMshLine, noMsh, parseLines } from './parse';

export interface MessageChunk {
  /** The message as normalized ER7: its lines joined by CR, with a trailing CR. */
  text: string;
  /** 1-based position of the message in the input. */
  index: number;
  /** 1-based line of its MSH segment in the input (blank lines not counted). */
  line: number;
}

/** A part of a file, in input order: a message, an envelope segment (FHS/BHS/BTS/FTS) or other text. */
export type BatchPart =
  | { kind: 'message'; chunk: MessageChunk }
  | { kind: 'envelope'; id: string; text: string; line: number }
  | { kind: 'other'; text: string; line: number };

/**
 * `diagnostics` holds the file-level findings; an 'error' among them (a segment outside any
 * message, as in a batch whose MSH is missing or whose BHS/FHS stands inside a message)
 * means the file is not a well-formed batch even if some messages are.
 */
export interface SplitResult {
  messages: MessageChunk[];
  envelope: { fhs?: string; bhs?: string; bts?: string; fts?: string };
  parts: BatchPart[];
  diagnostics: Diagnostic[];
}

function envelopeId(text: string): string | undefined {
  const id = text.slice(0, 3);
  return isEnvelopeId(id) && text.length >= 4 ? id : undefined;
}

/** The text of a table's lines from..to-1 as a message: joined by CR, with a trailing CR. */
function textOfLines(t: LineTable, from: number, to: number): string {
  const s = t.text;
  // Lines one CR apart in the text (the usual case): one slice, not a join of a slice per line.
  let plain = true;
  for (let i = from; i < to - 1 && plain; i++) plain = (t.end[i] as number) + 1 === (t.start[i + 1] as number) && s.charCodeAt(t.end[i] as number) === 0x0d;
  const last = t.end[to - 1] as number;
  if (plain) return s.charCodeAt(last) === 0x0d ? s.slice(t.start[from] as number, last + 1) : `${s.slice(t.start[from] as number, last)}\r`;
  const texts = new Array<string>(to - from + 1);
  for (let i = from; i < to; i++) texts[i - from] = lineText(t, i);
  texts[to - from] = '';
  return texts.join('\r');
}

/**
 * Splits a file into messages by segment: a message starts at a line that is an MSH segment
 * and ends before the next MSH or envelope segment. "MSH|" inside a field never splits.
 * Throws Hl7FatalError when there is no MSH segment at all (an envelope alone is an empty
 * batch: no messages and an EMPTY_BATCH warning). It works on the offsets of the lines
 * (scanLines), so a message of a million segments costs one scan and one slice, not a string
 * per line.
 */
export function splitMessages(input: string | Uint8Array): SplitResult {
  const decoded = decodeInput(input);
  const t = scanLines(decoded.text);
  const text = t.text;
  const result: SplitResult = { messages: [], envelope: {}, parts: [], diagnostics: decoded.diagnostics };
  /** First line of the message being read; -1 when none. */
  let first = -1;
  let fs = 0x7c;
  const flush = (end: number): void => {
    if (first < 0) return;
    const chunk: MessageChunk = { text: textOfLines(t, first, end), index: result.messages.length + 1, line: t.line[first] as number };
    result.messages.push(chunk);
    result.parts.push({ kind: 'message', chunk });
    first = -1;
  };
  for (let i = 0; i < t.count; i++) {
    const from = t.start[i] as number;
    const to = t.end[i] as number;
    if (isMshAt(text, from, to)) {
      flush(i);
      fs = text.charCodeAt(from + 3);
      first = i;
      continue;
    }
    const env = to - from >= 4 ? envelopeId(text.slice(from, from + 4)) : undefined;
    if (env !== undefined && (first < 0 || isSegmentAt(text, from, to, fs))) {
      flush(i);
      const line = lineText(t, i);
      const key = env.toLowerCase() as 'fhs' | 'bhs' | 'bts' | 'fts';
      result.envelope[key] ??= line;
      result.parts.push({ kind: 'envelope', id: env, text: line, line: t.line[i] as number });
      continue;
    }
    if (first >= 0) continue;
    const line = t.line[i] as number;
    result.parts.push({ kind: 'other', text: lineText(t, i), line });
    const segment = isSegmentAt(text, from, to, fs);
    if (isFull(result.diagnostics)) countDropped(result.diagnostics, segment ? 'error' : 'warning', line);
    else if (segment) {
      // A segment with no MSH before it: the file is not a well-formed batch.
      const id = text.slice(from, from + 3);
      result.diagnostics.push(
        diagnostic('SEGMENT_OUTSIDE_MESSAGE', 'error', `${id} segment is not inside any message (no MSH before it)`, { line, segment: id }),
      );
    } else {
      result.diagnostics.push(diagnostic(ParseCode.DataBeforeMsh, 'warning', 'line outside any message is not a segment; kept as sent', { line }));
    }
  }
  flush(t.count);
  finishDiagnostics(result.diagnostics);
  if (result.messages.length === 0) {
    // An envelope with no message (FHS/BHS/BTS/FTS only) is a valid, empty batch.
    if (result.parts.some((p) => p.kind === 'envelope')) {
      addDiagnostic(result.diagnostics, diagnostic('EMPTY_BATCH', 'warning', 'the batch envelope holds no message', { line: t.line[0] as number }));
      finishDiagnostics(result.diagnostics);
      return result;
    }
    throw noMsh(tableLines(t));
  }
  return result;
}

/** The whole file again from its parts (normalized: CR terminators). */
export function serializeBatch(split: SplitResult): string {
  let out = '';
  for (const p of split.parts) out += p.kind === 'message' ? p.chunk.text : `${p.text}\r`;
  return out;
}

/**
 * Parses every message of a file in order, one at a time. A message whose own delimiters are
 * unusable is yielded as the Hl7FatalError it raised, so one bad message does not stop a batch.
 */
export function* iterateMessages(input: string | Uint8Array): Generator<Message | Hl7FatalError> {
  const decoded = decodeInput(input);
  const t = scanLines(decoded.text);
  let i = nextMshLine(t, 0);
  let seen = false;
  while (i < t.count) {
    seen = true;
    // The decoding findings are about MSH-18, on the message's MSH line: its line 1.
    const diagnostics = decoded.diagnostics.map((d) => (d.line === 1 ? d : { ...d, line: 1 }));
    try {
      const { message, next } = parseLines(t, i, decoded.charset, diagnostics, true);
      i = nextMshLine(t, next);
      yield message;
    } catch (err) {
      if (!(err instanceof Hl7FatalError)) throw err;
      i = nextMshLine(t, i + 1);
      yield err;
    }
  }
  if (!seen) throw noMsh(tableLines(t));
}

/**
 * Bytes received but not yet cut into messages, kept as the chunks they came in: they are
 * copied once, when a message is cut off, however many chunks a long message spans.
 */
class PendingBytes {
  #parts: Uint8Array[] = [];
  #starts: number[] = [];
  length = 0;

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.#parts.push(bytes);
    this.#starts.push(this.length);
    this.length += bytes.length;
  }

  /** Index of the part that holds byte i (searched from the end: the bytes asked about are recent). */
  #partOf(i: number): number {
    let p = this.#parts.length - 1;
    while (p > 0 && (this.#starts[p] as number) > i) p--;
    return p;
  }

  at(i: number): number {
    const p = this.#partOf(i);
    return (this.#parts[p] as Uint8Array)[i - (this.#starts[p] as number)] as number;
  }

  /** Position of the next 'M' at or after `from`, -1 when none. */
  nextM(from: number): number {
    for (let p = this.#partOf(from); p < this.#parts.length; p++) {
      const part = this.#parts[p] as Uint8Array;
      const start = this.#starts[p] as number;
      const m = part.indexOf(0x4d, Math.max(0, from - start));
      if (m >= 0) return start + m;
    }
    return -1;
  }

  /** The bytes before `at`, taken off the front (one copy, or none when they lie in one chunk). */
  take(at: number): Uint8Array {
    if (at === 0) return new Uint8Array(0);
    const p = this.#partOf(at - 1);
    const head = p === 0 ? (this.#parts[0] as Uint8Array).subarray(0, at) : new Uint8Array(at);
    if (p > 0) for (let k = 0; k <= p; k++) head.set((this.#parts[k] as Uint8Array).subarray(0, at - (this.#starts[k] as number)), this.#starts[k] as number);
    const last = this.#parts[p] as Uint8Array;
    const rest = last.subarray(at - (this.#starts[p] as number));
    this.#parts = rest.length > 0 ? [rest, ...this.#parts.slice(p + 1)] : this.#parts.slice(p + 1);
    this.#starts = [];
    let n = 0;
    for (const part of this.#parts) {
      this.#starts.push(n);
      n += part.length;
    }
    this.length = n;
    return head;
  }
}

/**
 * Position of the next byte at or after `from` (at least 1) that starts an MSH line (after
 * CR, LF or 0x0B), with the byte after "MSH" already received; -1 when none yet.
 */
function nextMshStart(buf: PendingBytes, from: number): number {
  // Jump from 'M' to 'M' with the native indexOf (much faster than a loop over every byte).
  let i = Math.max(from, 1);
  while (i + 3 < buf.length) {
    const m = buf.nextM(i);
    if (m < 0 || m + 3 >= buf.length) return -1;
    const p = buf.at(m - 1);
    if ((p === 0x0d || p === 0x0a || p === 0x0b) && buf.at(m + 1) === 0x53 && buf.at(m + 2) === 0x48) return m;
    i = m + 1;
  }
  return -1;
}

/**
 * Streams a large file message by message: bytes are cut at MSH line starts and each
 * message is decoded (per its own MSH-18) and parsed alone, so memory stays bounded by the
 * largest message, not the file. Each byte is looked at once and copied at most once, so a
 * single message spread over thousands of chunks costs no more than in one. Line numbers are
 * relative to each message.
 */
export async function* streamMessages(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Message | Hl7FatalError> {
  const enc = new TextEncoder();
  const pending = new PendingBytes();
  let scanFrom = 1;
  let any = false;
  const skipped: { first?: Hl7FatalError } = {};
  for await (const part of source) {
    pending.push(typeof part === 'string' ? enc.encode(part) : part);
    for (;;) {
      const at = nextMshStart(pending, scanFrom);
      if (at < 0) {
        scanFrom = Math.max(1, pending.length - 3);
        break;
      }
      const head = pending.take(at);
      scanFrom = 1;
      for (const m of chunkMessages(head, skipped)) {
        any = true;
        yield m;
      }
    }
  }
  for (const m of chunkMessages(pending.take(pending.length), skipped)) {
    any = true;
    yield m;
  }
  // No message at all: the reason found in the input (NO_MSH, BAD_DELIMITERS), EMPTY_INPUT when empty.
  if (!any) throw skipped.first ?? noMsh([]);
}

function* chunkMessages(bytes: Uint8Array, skipped: { first?: Hl7FatalError }): Generator<Message | Hl7FatalError> {
  if (bytes.length === 0) return;
  try {
    yield* iterateMessages(bytes);
  } catch (err) {
    // A part with no MSH (envelope header or trailer lines alone) holds no message.
    if (!(err instanceof Hl7FatalError)) throw err;
    skipped.first ??= err;
  }
}
