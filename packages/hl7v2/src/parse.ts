import type { Charset } from './charset';
import { decodeInput } from './decode';
import { readDelimiters } from './delimiters';
import { diagnostic, ParseCode, type Diagnostic } from './diagnostics';
import { FatalCode, Hl7FatalError, Hl7StrictError } from './errors';
import { headerOf, type MessageHeader } from './header';
import { isEnvelopeId, isMshLine, isSegmentLine, splitLines, type Line } from './lines';
import { Message, type ExtraLine, type Segment } from './model';
import { parseSegment, segmentContext } from './segment-parser';

export interface ParseOptions {
  /** Any diagnostic becomes an Hl7StrictError. */
  strict?: boolean;
}

function noMsh(lines: readonly Line[]): Hl7FatalError {
  if (lines.length === 0) {
    return new Hl7FatalError(FatalCode.EmptyInput, 'the input is empty', [diagnostic(FatalCode.EmptyInput, 'error', 'the input holds no line of text', { line: 1 })]);
  }
  // A line that starts with MSH but was not taken as a header has an unusable field separator.
  const header = lines.find((l) => l.text.startsWith('MSH'));
  if (header !== undefined) {
    return new Hl7FatalError(FatalCode.BadDelimiters, 'MSH has no usable field separator', [
      diagnostic(FatalCode.BadDelimiters, 'error', 'MSH-1 field separator is missing or is a letter, digit or blank', { line: header.line, column: 4, segment: 'MSH', field: 1 }),
    ]);
  }
  return new Hl7FatalError(FatalCode.NoMsh, 'the input has no MSH segment', [
    diagnostic(FatalCode.NoMsh, 'error', `none of the ${lines.length} line(s) is an MSH segment`, { line: (lines[0] as Line).line }),
  ]);
}

/**
 * Parses the message that starts at lines[start] (an MSH line) up to the next MSH or envelope
 * segment. Returns the message and the index of the first line after it.
 */
export function parseLines(lines: readonly Line[], start: number, charset: Charset, diagnostics: Diagnostic[]): { message: Message; next: number } {
  const msh = lines[start] as Line;
  const d = readDelimiters(msh.text, msh.line, diagnostics);
  const ctx = segmentContext(d, charset, diagnostics);
  const segments: Segment[] = [parseSegment(msh.text, msh.line, 1, ctx)];
  const extra: ExtraLine[] = [];
  const counts = new Map<string, number>();
  let i = start + 1;
  for (; i < lines.length; i++) {
    const l = lines[i] as Line;
    if (isMshLine(l.text)) break;
    if (isSegmentLine(l.text, d.field)) {
      const id = l.text.slice(0, 3);
      if (isEnvelopeId(id)) break;
      const n = (counts.get(id) ?? 0) + 1;
      counts.set(id, n);
      segments.push(parseSegment(l.text, l.line, n, ctx));
    } else {
      extra.push({ line: l.line, text: l.text, afterSegments: segments.length });
      diagnostics.push(diagnostic(ParseCode.NonSegmentLine, 'warning', 'line is not a segment (continuation or free text); kept as sent', { line: l.line }));
    }
  }
  const first = segments[0] as Segment;
  const header: MessageHeader = headerOf(first, d);
  return { message: new Message(segments, d, header, diagnostics, extra), next: i };
}

/** Parses one message from bytes or text (see docs/hl7v2-parsing.md). */
export function parseMessage(input: string | Uint8Array, options: ParseOptions = {}): Message {
  const decoded = decodeInput(input);
  const lines = splitLines(decoded.text);
  let start = 0;
  while (start < lines.length && !isMshLine((lines[start] as Line).text)) start++;
  if (start === lines.length) throw noMsh(lines);
  const diagnostics = decoded.diagnostics;
  if (start > 0) {
    diagnostics.push(diagnostic(ParseCode.DataBeforeMsh, 'warning', `${start} line(s) before the MSH segment are not part of the message`, { line: (lines[0] as Line).line }));
  }
  const { message, next } = parseLines(lines, start, decoded.charset, diagnostics);
  if (next < lines.length) {
    diagnostics.push(diagnostic(ParseCode.MultipleMessages, 'warning', 'the input holds more than one message; only the first was parsed', { line: (lines[next] as Line).line }));
  }
  if (options.strict && diagnostics.length > 0) throw new Hl7StrictError(diagnostics);
  return message;
}

/** Reads only the MSH segment (cheap): delimiters and the header fields the lake catalogs. */
export function readHeader(input: string | Uint8Array): MessageHeader {
  const decoded = decodeInput(input);
  const lines = splitLines(decoded.text);
  const msh = lines.find((l) => isMshLine(l.text));
  if (msh === undefined) throw noMsh(lines);
  const d = readDelimiters(msh.text, msh.line);
  return headerOf(parseSegment(msh.text, msh.line, 1, segmentContext(d, decoded.charset, [])), d);
}

export { noMsh };
