/** Formats the throughput table. */
import { fastestPeer, rate, type Row } from './targets';

export function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function pad(s: string, n: number, right = false): string {
  return right ? s.padStart(n) : s.padEnd(n);
}

export function formatTable(rows: readonly Row[], messagesPerPass: number): string {
  const peer = fastestPeer(rows);
  const reference = rows.find((r) => r.runner.kind === 'reference');
  const refRate = reference === undefined ? undefined : rate(reference.result);
  const header = `${pad('runner', 34)}${pad('msgs/s', 10, true)}${pad('MB/s', 9, true)}${pad('peak RSS', 11, true)}${pad('leaves/msg', 12, true)}${pad('vs fastest peer', 17, true)}${pad('vs reference', 14, true)}`;
  const lines = [header, '-'.repeat(header.length)];
  for (const { runner, result } of rows) {
    const r = rate(result);
    if (r === undefined) {
      lines.push(`${pad(runner.label, 34)}  could not run: ${result.reason ?? 'unknown'}`);
      continue;
    }
    const mbs = (result.bytes ?? 0) / (result.seconds ?? 1) / 1e6;
    const leaves = (result.leavesPerPass ?? 0) / Math.max(1, messagesPerPass);
    lines.push(
      `${pad(runner.label, 34)}${pad(Math.round(r).toLocaleString('en-US'), 10, true)}${pad(mbs.toFixed(1), 9, true)}${pad(`${mb(result.peakRss)} MB`, 11, true)}${pad(leaves.toFixed(0), 12, true)}` +
        `${pad(peer === undefined ? '-' : `${(r / peer.rate).toFixed(2)}x`, 17, true)}${pad(refRate === undefined ? '-' : `${((r / refRate) * 100).toFixed(1)}%`, 14, true)}`,
    );
  }
  lines.push('');
  lines.push('MB/s counts UTF-8 input bytes (1 MB = 10^6 bytes); peak RSS is the whole child process');
  lines.push('(Node + tsx + the generated messages + the library). leaves/msg: leaf values each runner');
  lines.push('materialized per message (for staging: characters of the JSON text). Libraries differ');
  lines.push('in what a leaf is: simple-hl7 and medplum keep escapes raw; node-hl7-client skips empty parts.');
  return lines.join('\n');
}
