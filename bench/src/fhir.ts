/**
 * HL7 v2 → FHIR R4 conversion benchmark: parse (@hcdl/hl7v2) + map (@hcdl/fhir) + serialize
 * (JSON.stringify of the transaction Bundle), on one core, over the generator's ADT/ORU mix.
 * Then the time split by stage (parse alone, parse + map, the whole), and a 100,000-message
 * stream converted one at a time, printing RSS along the way to show memory stays flat.
 * Usage: pnpm --filter @hcdl/bench bench:fhir [--seconds N] [--rounds N] [--stream N (0 skips)]
 */
import { parseMessage } from '@hcdl/hl7v2';
import { convertMessage } from '@hcdl/fhir';
import { generateMessages } from './generator';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v >= 0 ? v : fallback;
}

const context = (i: number) => ({ messageId: `01HZX3M8Q4W5E6R7T8${String(i).padStart(8, '0')}`, source: 'bench' });

/** The three stages measured: each step includes the ones before it. */
const STAGES = {
  parse: (text: string): number => parseMessage(text).segments.length,
  map: (text: string, i: number): number => convertMessage(parseMessage(text), context(i)).resources.length,
  serialize: (text: string, i: number): number => JSON.stringify(convertMessage(parseMessage(text), context(i)).bundle).length,
} as const;

/** Messages per wall second of `step` over the messages, round-robin, for `seconds` after a warm-up. */
function rate(step: (text: string, i: number) => number, messages: readonly string[], seconds: number): { rate: number; cpuRate: number; out: number } {
  for (let i = 0; i < 2000; i++) step(messages[i % messages.length] as string, i);
  const start = performance.now();
  const cpu = process.cpuUsage();
  let count = 0;
  let out = 0;
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 64; k++) {
      out += step(messages[count % messages.length] as string, count);
      count++;
    }
  }
  const used = process.cpuUsage(cpu);
  // Per CPU second too: it moves less than the wall figure when other work shares the cores.
  return { rate: count / ((performance.now() - start) / 1000), cpuRate: count / ((used.user + used.system) / 1e6), out: out / count };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A copy of a JSON value with every string emptied: the same elements, almost no text. */
const hollow = (v: unknown): unknown =>
  typeof v === 'string'
    ? ''
    : Array.isArray(v)
      ? v.map(hollow)
      : v !== null && typeof v === 'object'
        ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, hollow(x)]))
        : v;

/**
 * CPU µs per JSON.stringify of finished Bundles, and of the same Bundles with every string
 * emptied: the second is what Node's serializer costs for the elements alone (objects, arrays,
 * keys), whatever the mapping does.
 */
function serializeAlone(messages: readonly string[]): { bundle: number; hollow: number } {
  const built = messages.slice(0, 200).map((text, i) => convertMessage(parseMessage(text), context(i)).bundle);
  const hollowed = built.map(hollow);
  const time = (xs: readonly unknown[]): number => {
    let n = 0;
    for (const x of xs) n += JSON.stringify(x).length;
    const cpu = process.cpuUsage();
    for (let r = 0; r < 20; r++) for (const x of xs) n += JSON.stringify(x).length;
    const used = process.cpuUsage(cpu);
    return n > 0 ? (used.user + used.system) / (20 * xs.length) : 0;
  };
  return { bundle: time(built), hollow: time(hollowed) };
}

function stream(total: number): { rssMb: number[]; seconds: number } {
  // Messages are generated in chunks and dropped, as a stream reader would hand them over.
  const rssMb: number[] = [];
  const start = performance.now();
  let done = 0;
  let seed = 1;
  while (done < total) {
    const chunk = generateMessages(Math.min(1000, total - done), seed++);
    for (const text of chunk) STAGES.serialize(text, done++);
    if (done % 20_000 === 0) rssMb.push(Math.round(process.memoryUsage().rss / 1e6));
  }
  return { rssMb, seconds: (performance.now() - start) / 1000 };
}

const seconds = arg('seconds', 10);
const rounds = Math.max(1, arg('rounds', 3));
const streamCount = arg('stream', 100_000);
const messages = generateMessages(2000);
const bytesIn = messages.reduce((n, m) => n + m.length, 0) / messages.length;

// Rounds interleave the stages so a busy machine weighs on each alike; medians are reported.
const rates: Record<keyof typeof STAGES, number[]> = { parse: [], map: [], serialize: [] };
const cpuRates: Record<keyof typeof STAGES, number[]> = { parse: [], map: [], serialize: [] };
let bytesOut = 0;
for (let r = 0; r < rounds; r++) {
  for (const name of ['serialize', 'parse', 'map'] as const) {
    const m = rate(STAGES[name], messages, name === 'serialize' ? seconds : seconds / 2);
    rates[name].push(m.rate);
    cpuRates[name].push(m.cpuRate);
    if (name === 'serialize') bytesOut = m.out;
  }
}
const full = median(rates.serialize);
const us = (r: number): number => 1e6 / r;
// The split uses CPU time: on a shared machine the wall figures of the stages swing apart.
const parseUs = us(median(cpuRates.parse));
const mapUs = us(median(cpuRates.map)) - parseUs;
const serializeUs = us(median(cpuRates.serialize)) - us(median(cpuRates.map));
process.stdout.write(
  `fhir conversion (parse + map + serialize), one core: ${fmt(full)} messages/s, median of ${rounds} rounds (${rates.serialize.map(fmt).join(', ')}) (target ≥ 10,000); ` +
    `${fmt(median(cpuRates.serialize))} messages per CPU second; in ${Math.round(bytesIn)} B/message, out ${Math.round(bytesOut)} B of Bundle JSON/message\n` +
    `  per message (CPU time): parse ${parseUs.toFixed(0)} µs, map ${mapUs.toFixed(0)} µs, serialize ${serializeUs.toFixed(0)} µs\n`,
);
{
  const alone = serializeAlone(messages);
  process.stdout.write(
    `  JSON.stringify alone (CPU, ${process.version}): ${alone.bundle.toFixed(0)} µs per Bundle; ${alone.hollow.toFixed(0)} µs for the same Bundles with every string emptied (the elements alone)\n`,
  );
}
if (streamCount > 0) {
  const s = stream(streamCount);
  process.stdout.write(`stream of ${fmt(streamCount)} messages in ${s.seconds.toFixed(1)} s; RSS every 20,000 messages (MB): ${s.rssMb.join(', ')}\n`);
}
