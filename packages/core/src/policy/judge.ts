import { diagnostic, type Diagnostic, type Message, ParseCode } from '@hcdl/hl7v2';
import { type ValidationPolicy, ValidationPolicy as P } from './validation-policy';

/** What the judge needs of one parsed message (all of it known after the one parse). */
export interface JudgedMessage {
  message: Pick<Message, 'segments' | 'header' | 'extraLines'>;
  /** The structure the message resolved to; undefined when it is not known. */
  structure: string | undefined;
  /** Lines of the normalized text (blank lines are gone by then). */
  lines: number;
  /** The parser's and the validator's findings. */
  diagnostics: readonly Diagnostic[];
}

/** The codes of the findings a policy adds (each one of severity error, located). */
export const PolicyCode = {
  RequiredSegmentMissing: 'POLICY_REQUIRED_SEGMENT_MISSING',
  MessageTypeMissing: 'POLICY_MESSAGE_TYPE_MISSING',
  ControlIdMissing: 'POLICY_CONTROL_ID_MISSING',
  LinesNotParsed: 'POLICY_LINES_NOT_PARSED',
  Warning: 'POLICY_STRICT_WARNING',
} as const;

/** The segment id a REQUIRED_SEGMENT_MISSING finding names (`ADT_A01 requires a PID segment`). */
const REQUIRED = /requires an? ([A-Z][A-Z0-9]{2}) segment/;

const mshLine = (m: JudgedMessage): number => m.message.segments[0]?.line ?? 1;

/**
 * The errors the policy finds in a message the parser could stage, each located for an ERR
 * segment (ERR-2): none means the message may be staged. Run once, on the tree already
 * parsed and validated (no second pass over the text).
 */
export function judge(policy: ValidationPolicy, m: JudgedMessage): Diagnostic[] {
  const out: Diagnostic[] = [];
  const header = m.message.header;
  // Every policy: a staged row always has a type and a control id.
  if (header.messageCode === undefined)
    out.push(
      diagnostic(PolicyCode.MessageTypeMissing, 'error', 'MSH-9 message type is empty', { line: mshLine(m), segment: 'MSH', segmentRepetition: 1, field: 9 }),
    );
  if (header.controlId === undefined)
    out.push(
      diagnostic(PolicyCode.ControlIdMissing, 'error', 'MSH-10 message control id is empty', {
        line: mshLine(m),
        segment: 'MSH',
        segmentRepetition: 1,
        field: 10,
      }),
    );
  if (policy === P.Lenient) return out;

  if (m.structure !== undefined) {
    for (const d of m.diagnostics) {
      if (d.code !== 'REQUIRED_SEGMENT_MISSING') continue;
      const id = REQUIRED.exec(d.message)?.[1];
      out.push(
        diagnostic(PolicyCode.RequiredSegmentMissing, 'error', `${m.structure} requires a ${id ?? 'missing'} segment; none was parsed`, {
          line: d.line,
          ...(id !== undefined ? { segment: id, segmentRepetition: 1 } : {}),
        }),
      );
    }
  }
  const parsed = m.message.segments.length;
  if (parsed < m.lines) {
    // Where parsing stopped short: the first line kept as text, or the first line left unparsed.
    const rest = m.diagnostics.find((d) => d.code === ParseCode.MultipleMessages);
    const firstExtra = m.message.extraLines[0]?.line;
    const line = Math.min(rest?.line ?? Number.POSITIVE_INFINITY, firstExtra ?? Number.POSITIVE_INFINITY);
    out.push(
      diagnostic(PolicyCode.LinesNotParsed, 'error', `${m.lines} lines but ${parsed} segment(s) parsed; the rest is not part of the message`, {
        line: Number.isFinite(line) ? line : mshLine(m),
      }),
    );
  }
  if (policy === P.Strict) {
    for (const d of m.diagnostics) {
      if (d.severity !== 'warning') continue;
      out.push({ ...d, severity: 'error' });
    }
  }
  return out;
}

/** Lines of a normalized text (each ends with CR). */
export function lineCount(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\r'); i >= 0; i = text.indexOf('\r', i + 1)) n++;
  if (text.length > 0 && !text.endsWith('\r')) n++;
  return n;
}
