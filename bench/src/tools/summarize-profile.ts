/**
 * Prints the functions with the most self time in a `.cpuprofile` (from `node --cpu-prof`):
 * `npx tsx bench/src/tools/summarize-profile.ts <file.cpuprofile> [top]`.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  positionTicks?: { line: number; ticks: number }[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

const [file = '', top = '30', fn] = process.argv.slice(2);
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byNode = new Map<number, ProfileNode>(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
for (const s of profile.samples) {
  const n = byNode.get(s);
  if (n === undefined) continue;
  const url = n.callFrame.url.replace(/^.*\/(packages|bench|node_modules)\//, '$1/');
  const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
  self.set(key, (self.get(key) ?? 0) + 1);
}
const total = profile.samples.length;
const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(top));
for (const [key, count] of rows) process.stdout.write(`${((count / total) * 100).toFixed(1).padStart(5)}%  ${key}\n`);

// With a function name: its self ticks by line (of the code as Node ran it).
if (fn !== undefined) {
  const lines = new Map<number, number>();
  for (const n of profile.nodes) {
    if (n.callFrame.functionName !== fn) continue;
    for (const t of n.positionTicks ?? []) lines.set(t.line, (lines.get(t.line) ?? 0) + t.ticks);
  }
  for (const [line, ticks] of [...lines.entries()].sort((a, b) => b[1] - a[1]).slice(0, 15)) process.stdout.write(`  ${fn}:${line} ${ticks}\n`);
}
