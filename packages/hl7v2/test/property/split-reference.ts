/**
 * The file splitting of splitMessages as it was written first, over one string per line
 * (splitLines) instead of line offsets: the reference its faster form must agree with
 * (split-differential.test.ts). Test code only.
 */
import { decodeInput } from '../../src/decode';
import { addDiagnostic, countDropped, finishDiagnostics, isFull } from '../../src/diagnostic-list';
import { diagnostic, ParseCode } from '../../src/diagnostics';
import { isEnvelopeId, isMshLine, isSegmentLine, joinLines, type Line, splitLines } from '../../src/lines';
import { noMsh } from '../../src/parse';
import type { MessageChunk, SplitResult } from '../../src/split';

function envelopeId(text: string): string | undefined {
  const id = text.slice(0, 3);
  return isEnvelopeId(id) && text.length >= 4 ? id : undefined;
}

/**
 * Splits a file into messages by segment (the reference): a message starts at a line that is an MSH segment
 * and ends before the next MSH or envelope segment. "MSH|" inside a field never splits.
 * Throws Hl7FatalError when there is no MSH segment at all (an envelope alone is an empty
 * batch: no messages and an EMPTY_BATCH warning).
 */
export function referenceSplit(input: string | Uint8Array): SplitResult {
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
      const segment = isSegmentLine(l.text, fs);
      if (isFull(result.diagnostics)) countDropped(result.diagnostics, segment ? 'error' : 'warning', l.line);
      else if (segment) {
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
  finishDiagnostics(result.diagnostics);
  if (result.messages.length === 0) {
    // An envelope with no message (FHS/BHS/BTS/FTS only) is a valid, empty batch.
    if (result.parts.some((p) => p.kind === 'envelope')) {
      addDiagnostic(result.diagnostics, diagnostic('EMPTY_BATCH', 'warning', 'the batch envelope holds no message', { line: (lines[0] as Line).line }));
      finishDiagnostics(result.diagnostics);
      return result;
    }
    throw noMsh(lines);
  }
  return result;
}
