/**
 * HL7 v2 → FHIR R4 conversion benchmark: parse (@hcdl/hl7v2) + map (@hcdl/fhir) + serialize
 * (JSON.stringify of the transaction Bundle), on one core, over the generator's ADT/ORU mix.
 * Then a 100,000-message stream converted one at a time, printing RSS along the way to show
 * memory stays flat. Usage: pnpm --filter @hcdl/bench bench:fhir [--seconds N] [--stream N]
 */
import { parseMessage } from '@hcdl/hl7v2';
import { convertMessage } from '@hcdl/fhir';
import { generateMessages } from './generator';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

function convertOne(text: string, i: number): number {
  const message = parseMessage(text);
  const { bundle } = convertMessage(message, { messageId: `01HZX3M8Q4W5E6R7T8${String(i).padStart(8, '0')}`, source: 'bench' });
  return JSON.stringify(bundle).length;
}

function throughput(messages: readonly string[], seconds: number): { rate: number; bytesOut: number; count: number } {
  for (let i = 0; i < 2000; i++) convertOne(messages[i % messages.length] as string, i);
  const start = performance.now();
  let count = 0;
  let bytesOut = 0;
  while (performance.now() - start < seconds * 1000) {
    for (let k = 0; k < 64; k++) {
      bytesOut += convertOne(messages[count % messages.length] as string, count);
      count++;
    }
  }
  const elapsed = (performance.now() - start) / 1000;
  return { rate: count / elapsed, bytesOut: bytesOut / count, count };
}

function stream(total: number): { rssMb: number[]; seconds: number } {
  // Messages are generated in chunks and dropped, as a stream reader would hand them over.
  const rssMb: number[] = [];
  const start = performance.now();
  let done = 0;
  let seed = 1;
  while (done < total) {
    const chunk = generateMessages(Math.min(1000, total - done), seed++);
    for (const text of chunk) convertOne(text, done++);
    if (done % 20_000 === 0) rssMb.push(Math.round(process.memoryUsage().rss / 1e6));
  }
  return { rssMb, seconds: (performance.now() - start) / 1000 };
}

const seconds = arg('seconds', 10);
const streamCount = arg('stream', 100_000);
const messages = generateMessages(2000);
const bytesIn = messages.reduce((n, m) => n + m.length, 0) / messages.length;
const t = throughput(messages, seconds);
process.stdout.write(
  `fhir conversion (parse + map + serialize), one core: ${Math.round(t.rate).toLocaleString('en-US')} messages/s over ${t.count} messages (target ≥ 10,000); ` +
    `in ${Math.round(bytesIn)} B/message, out ${Math.round(t.bytesOut)} B of Bundle JSON/message\n`,
);
const s = stream(streamCount);
process.stdout.write(
  `stream of ${streamCount.toLocaleString('en-US')} messages in ${s.seconds.toFixed(1)} s; RSS every 20,000 messages (MB): ${s.rssMb.join(', ')}\n`,
);
