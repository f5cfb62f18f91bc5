import type { QueryResult } from './engine';

export const OUTPUT_FORMATS = ['table', 'csv', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const isOutputFormat = (v: string): v is OutputFormat => (OUTPUT_FORMATS as readonly string[]).includes(v);

/** Text of one value for table and CSV output: strings as they are, other JSON as JSON text. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return JSON.stringify(v);
}

const NUMERIC = /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** Printable width: one line, control characters shown as spaces. */
const oneLine = (s: string): string => s.replace(/[\r\n\t\u0000-\u001f\u007f]/g, ' ');

function fit(s: string, width: number): string {
  const chars = Array.from(s);
  return chars.length <= width ? s : `${chars.slice(0, Math.max(width - 1, 0)).join('')}…`;
}

const len = (s: string): number => Array.from(s).length;

export interface TableOptions {
  /** Widest a cell may be before it is cut with `…` (default 40). */
  maxCellWidth?: number;
}

/** An aligned text table: header, rule, rows (numbers right-aligned, NULL empty), row count. */
export function formatTable(result: QueryResult, options: TableOptions = {}): string {
  const max = Math.max(options.maxCellWidth ?? 40, 3);
  const header = result.columns.map((c) => fit(oneLine(c.name), max));
  const body = result.rows.map((r) => r.map((v) => fit(oneLine(cellText(v)), max)));
  const widths = header.map((h, i) => Math.max(len(h), ...body.map((r) => len(r[i] ?? ''))));
  const numeric = result.columns.map((c) => NUMERIC.test(c.type));
  const pad = (s: string, i: number): string => {
    const gap = ' '.repeat(Math.max((widths[i] ?? 0) - len(s), 0));
    return numeric[i] ? gap + s : s + gap;
  };
  const line = (cells: string[]): string => cells.map(pad).join(' | ').trimEnd();
  const out = [line(header), widths.map((w) => '-'.repeat(w)).join('-+-'), ...body.map(line)];
  const n = result.rows.length;
  out.push(`(${n} row${n === 1 ? '' : 's'})`);
  return `${out.join('\n')}\n`;
}

/** RFC 4180: a field with a comma, quote, CR or LF is quoted, quotes doubled; CRLF line ends. */
function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function formatCsv(result: QueryResult): string {
  const lines = [result.columns.map((c) => csvField(c.name)), ...result.rows.map((r) => r.map((v) => csvField(cellText(v))))];
  return lines.map((l) => `${l.join(',')}\r\n`).join('');
}

/** A JSON array of row objects; JSON columns nest as values, not strings. */
export function formatJson(result: QueryResult): string {
  const objects = result.rows.map((r) => Object.fromEntries(result.columns.map((c, i) => [c.name, r[i] ?? null])));
  return `${JSON.stringify(objects, null, 2)}\n`;
}

export function formatResult(result: QueryResult, format: OutputFormat, options: TableOptions = {}): string {
  if (format === 'csv') return formatCsv(result);
  if (format === 'json') return formatJson(result);
  return formatTable(result, options);
}
