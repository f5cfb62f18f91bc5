import { decodeInput } from './decode';
import { diagnostic, ParseCode, type Diagnostic } from './diagnostics';
import { Hl7FatalError } from './errors';
import { isEnvelopeId, isMshLine, isSegmentLine, joinLines, scanLines, splitLines, tableLines, type Line } from './lines';
import type { Message } from './model';
import { nextMshLine, noMsh, parseLines } from './parse';

export interface MessageChunk {
  /** The message as normalized ER7: its lines joined by CR, with a trailing CR. */
  text: string;
  /** 1-based position of the message in the input. */
  index: number;
  /** 1-based input line of its MSH segment. */
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

/**
 * Splits a file into messages by segment: a message starts at a line that is an MSH segment
 * and ends before the next MSH or envelope segment. "MSH|" inside a field never splits.
 * Throws Hl7FatalError when there is no MSH segment at all (an envelope alone is an empty
 * batch: no messages and an EMPTY_BATCH warning).
 */
export function splitMessages(input: string | Uint8Array): SplitResult {
  const decoded = decodeInput(input);
  const lines = splitLines(decoded.text);
  const result: SplitResult = { messages: [], envelope: {}, parts: [], diagnostics: decoded.diagnostics };
  let current: Line[] | undefined;
  let fs = '|';
  const flush = (): void => {
    if (current === undefined) return;
    const chunk: MessageChunk = { text: joinLines(current), index: result.messages.length + 1, line: (current[0] as Line).line };
    result.messages.push(chunk);
    result.parts.push({ kind: 'message', chunk });
    current = undefined;
  };
  for (const l of lines) {
    if (isMshLine(l.text)) {
      flush();
      fs = l.text.charAt(3);
      current = [l];
      continue;
    }
    const env = envelopeId(l.text);
    if (env !== undefined && (current === undefined || isSegmentLine(l.text, fs))) {
      flush();
      const key = env.toLowerCase() as 'fhs' | 'bhs' | 'bts' | 'fts';
      result.envelope[key] ??= l.text;
      result.parts.push({ kind: 'envelope', id: env, text: l.text, line: l.line });
      continue;
    }
    if (current !== undefined) current.push(l);
    else {
      result.parts.push({ kind: 'other', text: l.text, line: l.line });
      if (isSegmentLine(l.text, fs)) {
        // A segment with no MSH before it: the file is not a well-formed batch.
        const id = l.text.slice(0, 3);
        result.diagnostics.push(
          diagnostic('SEGMENT_OUTSIDE_MESSAGE', 'error', `${id} segment is not inside any message (no MSH before it)`, { line: l.line, segment: id }),
        );
      } else {
        result.diagnostics.push(diagnostic(ParseCode.DataBeforeMsh, 'warning', 'line outside any message is not a segment; kept as sent', { line: l.line }));
      }
    }
  }
  flush();
  if (result.messages.length === 0) {
    // An envelope with no message (FHS/BHS/BTS/FTS only) is a valid, empty batch.
    if (result.parts.some((p) => p.kind === 'envelope')) {
      result.diagnostics.push(diagnostic('EMPTY_BATCH', 'warning', 'the batch envelope holds no message', { line: (lines[0] as Line).line }));
      return result;
    }
    throw noMsh(lines);
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
    const diagnostics = [...decoded.diagnostics];
    try {
      const { message, next } = parseLines(t, i, decoded.charset, diagnostics);
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

const MSH = [0x4d, 0x53, 0x48];

/** Index of the next byte that starts an MSH line at or after `from` (line start = after CR/LF/0x0B). */
function nextMshStart(buf: Uint8Array, from: number): number {
  // Jump from 'M' to 'M' with the native indexOf (much faster than a loop over every byte).
  let i = Math.max(from, 1);
  while (i + 3 < buf.length) {
    const m = buf.indexOf(MSH[0] as number, i);
    if (m < 0 || m + 3 >= buf.length) return -1;
    const p = buf[m - 1];
    if ((p === 0x0d || p === 0x0a || p === 0x0b) && buf[m + 1] === MSH[1] && buf[m + 2] === MSH[2]) return m;
    i = m + 1;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/**
 * Streams a large file message by message: bytes are cut at MSH line starts and each
 * message is decoded (per its own MSH-18) and parsed alone, so memory stays bounded by the
 * largest message, not the file. Line numbers are relative to each message.
 */
export async function* streamMessages(source: AsyncIterable<Uint8Array | string>): AsyncGenerator<Message | Hl7FatalError> {
  const enc = new TextEncoder();
  let pending: Uint8Array = new Uint8Array(0);
  let scanFrom = 1;
  let any = false;
  const skipped: { first?: Hl7FatalError } = {};
  for await (const part of source) {
    pending = concat(pending, typeof part === 'string' ? enc.encode(part) : part);
    for (;;) {
      const at = nextMshStart(pending, scanFrom);
      if (at < 0) {
        scanFrom = Math.max(1, pending.length - 3);
        break;
      }
      const head = pending.subarray(0, at);
      pending = pending.subarray(at);
      scanFrom = 1;
      for (const m of chunkMessages(head, skipped)) {
        any = true;
        yield m;
      }
    }
  }
  for (const m of chunkMessages(pending, skipped)) {
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
