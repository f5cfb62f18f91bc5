/**
 * The cap on diagnostics per message. Hostile input can raise a finding per character (a
 * million `MSH|` fields, a million bad escapes); a message keeps its first MAX_DIAGNOSTICS
 * findings and counts the others in one closing DIAGNOSTICS_TRUNCATED diagnostic, so memory
 * and the work done per finding (locating a column, a repetition number) stay bounded.
 *
 * The summary is the list's last item, at index MAX_DIAGNOSTICS. Its severity is 'error' when
 * one of the findings it counts is an error, so `isStageable` answers as if they were all
 * kept. Each stage (parse, validate, write) copies the list it continues with copyDiagnostics,
 * so counting into a summary never changes a list a caller already holds.
 */
import { diagnostic, type Diagnostic } from './diagnostics';

/** Findings kept per message (and per file for splitMessages); above every real message seen. */
export const MAX_DIAGNOSTICS = 1000;

export const TRUNCATED = 'DIAGNOSTICS_TRUNCATED';

interface Counts {
  dropped: number;
  errors: number;
}

/** The counts of each summary this module made (a summary read back from JSON is re-read from its text). */
const counts = new WeakMap<Diagnostic, Counts>();

/** True when a finding added to `list` now would only be counted: build it only when false. */
export function isFull(list: readonly Diagnostic[]): boolean {
  return list.length >= MAX_DIAGNOSTICS;
}

/** Adds `d` to the list, or counts it in the closing summary once MAX_DIAGNOSTICS are kept. */
export function addDiagnostic(list: Diagnostic[], d: Diagnostic): void {
  if (list.length < MAX_DIAGNOSTICS) list.push(d);
  else countDropped(list, d.severity, d.line);
}

function summaryText(c: Counts): string {
  return `${c.dropped} more diagnostic(s) not listed (${c.errors} of them error(s)); the first ${MAX_DIAGNOSTICS} are`;
}

function readCounts(summary: Diagnostic): Counts {
  let c = counts.get(summary);
  if (c === undefined) {
    const m = /^(\d+) more diagnostic\(s\) not listed \((\d+) /.exec(summary.message);
    c = { dropped: Number(m?.[1] ?? 0), errors: Number(m?.[2] ?? 0) };
    counts.set(summary, c);
  }
  return c;
}

/**
 * Counts findings that are not kept (the list is full): `dropped` of them, `errors` of which
 * are errors. `line` locates the summary when it is made: the first finding not listed. The
 * summary's text is written by finishDiagnostics, once per stage, not once per finding.
 */
export function countDropped(
  list: Diagnostic[],
  severity: Diagnostic['severity'],
  line: number,
  dropped = 1,
  errors = severity === 'error' ? dropped : 0,
): void {
  let summary = list[MAX_DIAGNOSTICS];
  let c: Counts;
  if (summary === undefined) {
    c = { dropped: 0, errors: 0 };
    summary = diagnostic(TRUNCATED, 'warning', '', { line });
    counts.set(summary, c);
    list.push(summary);
  } else c = readCounts(summary);
  c.dropped += dropped;
  if (errors > 0) {
    c.errors += errors;
    summary.severity = 'error';
  }
}

/** Writes the text of the list's summary, if it has one (each stage calls it before handing the list on). */
export function finishDiagnostics(list: readonly Diagnostic[]): void {
  const summary = list[MAX_DIAGNOSTICS];
  if (summary !== undefined && summary.code === TRUNCATED) summary.message = summaryText(readCounts(summary));
}

/**
 * A copy of a diagnostics list to add to: the items are shared (they are not changed), except
 * a closing summary, which is copied so that counting into it leaves the original alone.
 */
export function copyDiagnostics(list: readonly Diagnostic[]): Diagnostic[] {
  const out = list.slice();
  const last = out[out.length - 1];
  if (last !== undefined && last.code === TRUNCATED && out.length > MAX_DIAGNOSTICS) {
    const copy = { ...last };
    counts.set(copy, { ...readCounts(last) });
    out[out.length - 1] = copy;
  }
  return out;
}

/** Adds every finding of `from` to `list` (a summary in `from` adds the findings it counts). */
export function appendDiagnostics(list: Diagnostic[], from: readonly Diagnostic[]): void {
  for (let i = 0; i < from.length; i++) {
    const d = from[i] as Diagnostic;
    if (d.code === TRUNCATED && i === MAX_DIAGNOSTICS) {
      const c = readCounts(d);
      if (c.dropped > 0) countDropped(list, d.severity, d.line, c.dropped, c.errors);
    } else addDiagnostic(list, d);
  }
}
