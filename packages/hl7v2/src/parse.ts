import type { Charset } from './charset';
import { decodeInput } from './decode';
import { readDelimiters } from './delimiters';
import { addDiagnostic, countDropped, finishDiagnostics, isFull } from './diagnostic-list';
import { diagnostic, ParseCode, type Diagnostic } from './diagnostics';
import { FatalCode, Hl7FatalError, Hl7StrictError } from './errors';
import { headerOf, type MessageHeader } from './header';
import { isMshAt, isSegmentAt, scanLines, tableLines, type Line, type LineTable } from './lines';
import { Message, type ExtraLine, type Segment } from './model';
import { parseSegment, segmentContext } from './segment-parser';

export interface ParseOptions {
  /** Any diagnostic becomes an Hl7StrictError. */
  strict?: boolean;
}

/** No segment before the MSH (its repetition number is 1). */
const NO_SEGMENTS: readonly Segment[] = [];

function noMsh(lines: readonly Line[]): Hl7FatalError {
  if (lines.length === 0) {
    return new Hl7FatalError(FatalCode.EmptyInput, 'the input is empty', [
      diagnostic(FatalCode.EmptyInput, 'error', 'the input holds no line of text', { line: 1 }),
    ]);
  }
  // A line that starts with MSH but was not taken as a header has an unusable field separator.
  const header = lines.find((l) => l.text.startsWith('MSH'));
  if (header !== undefined) {
    return new Hl7FatalError(FatalCode.BadDelimiters, 'MSH has no usable field separator', [
      diagnostic(FatalCode.BadDelimiters, 'error', 'MSH-1 field separator is missing or is a letter, digit or blank', {
        line: header.line,
        column: 4,
        segment: 'MSH',
        field: 1,
      }),
    ]);
  }
  return new Hl7FatalError(FatalCode.NoMsh, 'the input has no MSH segment', [
    diagnostic(FatalCode.NoMsh, 'error', `none of the ${lines.length} line(s) is an MSH segment`, { line: (lines[0] as Line).line }),
  ]);
}

/**
 * Parses the message that starts at line `start` of the table (an MSH line) up to the next
 * MSH or envelope segment. Returns the message and the index of the first line after it.
 * Its lines are numbered from the table's first line, or from its MSH line (line 1) when
 * `fromMsh` is set (a message of a file).
 */
export function parseLines(t: LineTable, start: number, charset: Charset, diagnostics: Diagnostic[], fromMsh = false): { message: Message; next: number } {
  const text = t.text;
  const mshFrom = t.start[start] as number;
  const mshTo = t.end[start] as number;
  const base = fromMsh ? start : 0;
  const mshLine = (t.line[start] as number) - base;
  const d = readDelimiters(text.slice(mshFrom, mshTo), mshLine, diagnostics);
  const ctx = segmentContext(d, charset, diagnostics, t.surrogates);
  const segments: Segment[] = [parseSegment(text, mshLine, NO_SEGMENTS, ctx, mshFrom, mshTo)];
  const extra: ExtraLine[] = [];
  const fs = ctx.fs;
  let i = start + 1;
  for (; i < t.count; i++) {
    const from = t.start[i] as number;
    const to = t.end[i] as number;
    const line = (t.line[i] as number) - base;
    if (isMshAt(text, from, to)) break;
    if (isSegmentAt(text, from, to, fs)) {
      const a = text.charCodeAt(from);
      const b = text.charCodeAt(from + 1);
      const c = text.charCodeAt(from + 2);
      // FHS, BHS, BTS, FTS end the message.
      if (c === 0x53 && (a === 0x46 || a === 0x42) && (b === 0x48 || b === 0x54)) break;
      // parseSegment counts the segment's repetition in `segments` only for a diagnostic.
      segments.push(parseSegment(text, line, segments, ctx, from, to));
    } else {
      extra.push({ line, text: text.slice(from, to), afterSegments: segments.length });
      if (isFull(diagnostics)) countDropped(diagnostics, 'warning', line);
      else diagnostics.push(diagnostic(ParseCode.NonSegmentLine, 'warning', 'line is not a segment (continuation or free text); kept as sent', { line }));
    }
  }
  finishDiagnostics(diagnostics);
  const first = segments[0] as Segment;
  const header: MessageHeader = headerOf(first, d);
  return { message: new Message(segments, d, header, diagnostics, extra), next: i };
}

/** Index of the first MSH line of the table at or after `from`; `t.count` when none. */
export function nextMshLine(t: LineTable, from: number): number {
  let i = from;
  while (i < t.count && !isMshAt(t.text, t.start[i] as number, t.end[i] as number)) i++;
  return i;
}

/** Parses one message from bytes or text (see docs/hl7v2-parsing.md). */
export function parseMessage(input: string | Uint8Array, options: ParseOptions = {}): Message {
  const decoded = decodeInput(input);
  const t = scanLines(decoded.text);
  const start = nextMshLine(t, 0);
  if (start === t.count) throw noMsh(tableLines(t));
  const diagnostics = decoded.diagnostics;
  if (start > 0) {
    diagnostics.push(
      diagnostic(ParseCode.DataBeforeMsh, 'warning', `${start} line(s) before the MSH segment are not part of the message`, { line: t.line[0] as number }),
    );
  }
  const { message, next } = parseLines(t, start, decoded.charset, diagnostics);
  if (next < t.count) {
    addDiagnostic(
      diagnostics,
      diagnostic(ParseCode.MultipleMessages, 'warning', 'the input holds more than one message; only the first was parsed', { line: t.line[next] as number }),
    );
    finishDiagnostics(diagnostics);
  }
  if (options.strict && diagnostics.length > 0) throw new Hl7StrictError(diagnostics);
  return message;
}

/** Reads only the MSH segment (cheap): delimiters and the header fields the lake catalogs. */
export function readHeader(input: string | Uint8Array): MessageHeader {
  const decoded = decodeInput(input);
  // The lines up to the first MSH only: the rest of the message is not read.
  const t = scanLines(decoded.text, isMshAt);
  const i = nextMshLine(t, 0);
  if (i === t.count) throw noMsh(tableLines(t));
  const from = t.start[i] as number;
  const to = t.end[i] as number;
  const line = t.line[i] as number;
  const d = readDelimiters(t.text.slice(from, to), line);
  return headerOf(parseSegment(t.text, line, NO_SEGMENTS, segmentContext(d, decoded.charset, [], t.surrogates), from, to), d);
}

export { noMsh };
