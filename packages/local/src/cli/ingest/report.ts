import { Presets, SingleBar } from 'cli-progress';
import type { FileOutcome } from './outcome';

export interface IngestSummary {
  files: number;
  /** Messages stored by this run, and those the lake already had (a rerun: all duplicates). */
  ingested: number;
  duplicate: number;
  /** Files the lake refused, with its reason (a not-HL7 file is still kept in the error zone: messageId). */
  rejected: { file: string; status: number; code: string; reason: string; messageId?: string }[];
  /** Files not delivered after every retry: run the same command again. */
  failed: { file: string; reason: string }[];
  elapsedMs: number;
}

export function emptySummary(): IngestSummary {
  return { files: 0, ingested: 0, duplicate: 0, rejected: [], failed: [], elapsedMs: 0 };
}

export function tally(summary: IngestSummary, file: string, o: FileOutcome): void {
  summary.files++;
  if (o.kind === 'sent') {
    summary.ingested += o.ingested;
    summary.duplicate += o.duplicate;
  } else if (o.kind === 'rejected') {
    summary.rejected.push({ file, status: o.status, code: o.code, reason: o.reason, ...(o.messageId !== undefined ? { messageId: o.messageId } : {}) });
  } else summary.failed.push({ file, reason: o.reason });
}

/** How a run shows its progress: a bar on a terminal, NDJSON lines when piped. */
export interface Progress {
  start(total: number): void;
  file(name: string, outcome: FileOutcome, summary: IngestSummary): void;
  stop(summary: IngestSummary): void;
}

/** One JSON line per file, then one for the summary (for scripts and CI logs). */
export function ndjsonProgress(out: NodeJS.WritableStream): Progress {
  return {
    start: (total) => out.write(`${JSON.stringify({ event: 'start', files: total })}\n`),
    file: (name, o) => out.write(`${JSON.stringify({ event: 'file', file: name, ...o })}\n`),
    stop: (s) => out.write(`${JSON.stringify({ event: 'summary', ...s })}\n`),
  };
}

export function formatSummary(s: IngestSummary): string {
  const lines = [
    `${s.files} file(s) in ${(s.elapsedMs / 1000).toFixed(1)} s: ${s.ingested} message(s) ingested, ${s.duplicate} duplicate(s), ${s.rejected.length} file(s) rejected, ${s.failed.length} failed`,
  ];
  for (const r of s.rejected)
    lines.push(`  rejected ${r.file}: ${r.status} ${r.code}: ${r.reason}${r.messageId !== undefined ? ` (kept as ${r.messageId})` : ''}`);
  for (const f of s.failed) lines.push(`  failed   ${f.file}: ${f.reason}`);
  if (s.failed.length > 0) lines.push('run the same command again to send the failed files (what was stored answers duplicate)');
  return `${lines.join('\n')}\n`;
}

/** A progress bar (cli-progress) on the terminal's stderr. */
export function barProgress(tty: NodeJS.WritableStream): Progress {
  const bar = new SingleBar(
    {
      stream: tty as NodeJS.WritableStream & { isTTY: boolean },
      format: '{bar} {value}/{total} files | {ingested} new, {duplicate} dup, {rejected} rejected, {failed} failed | {eta_formatted} left',
      hideCursor: true,
      etaBuffer: 50,
    },
    Presets.shades_classic,
  );
  const counts = (s: IngestSummary) => ({ ingested: s.ingested, duplicate: s.duplicate, rejected: s.rejected.length, failed: s.failed.length });
  return {
    start: (total) => bar.start(total, 0, { ingested: 0, duplicate: 0, rejected: 0, failed: 0 }),
    file: (_name, _o, s) => bar.increment(1, counts(s)),
    stop: () => bar.stop(),
  };
}

/** The summary for people, at the end. */
export function summaryProgress(out: NodeJS.WritableStream): Progress {
  return { start: () => {}, file: () => {}, stop: (s) => out.write(formatSummary(s)) };
}

/** Several reporters as one (a bar on stderr, NDJSON or the summary on stdout). */
export function allOf(reporters: readonly Progress[]): Progress {
  return {
    start: (total) => reporters.forEach((r) => r.start(total)),
    file: (name, o, s) => reporters.forEach((r) => r.file(name, o, s)),
    stop: (s) => reporters.forEach((r) => r.stop(s)),
  };
}
