/** The q-quantile (0..1) of a sample, NaN when empty. */
export function percentile(xs: readonly number[], q: number): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}

export const median = (xs: readonly number[]): number => percentile(xs, 0.5);

/** Latency in ms for a table: one decimal below 10. */
export const ms = (v: number): string => (Number.isNaN(v) ? '-' : v < 10 ? v.toFixed(1) : v.toFixed(0));

/** A count with thousands separators. */
export const int = (v: number): string => Math.round(v).toLocaleString('en-US');
