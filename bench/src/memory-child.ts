/**
 * Child process entry for the streaming memory check: reads the batch file as a stream and
 * materializes every message one at a time. argv: <mode: ours|reference|simple-hl7> <path>.
 * Prints one `RESULT {json}` line with the peak RSS of this process.
 */
import { createReadStream, readFileSync } from 'node:fs';
import { scanAndSlice } from './runners/reference';

export interface MemoryResult {
  mode: string;
  ok: boolean;
  reason?: string;
  messages: number;
  leaves: number;
  seconds: number;
  peakRss: number;
}

/** Streams messages by hand (lines grouped at each MSH) and scans them: the floor. */
async function reference(path: string): Promise<{ messages: number; leaves: number }> {
  const sink = { chars: 0 };
  let carry = '';
  let current: string[] = [];
  let messages = 0;
  let leaves = 0;
  const flush = (): void => {
    if (current.length > 0) {
      leaves += scanAndSlice(current.join('\r'), sink);
      messages++;
      current = [];
    }
  };
  for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 16 })) {
    const lines = (carry + (chunk as string)).split(/\r\n|\r|\n/);
    carry = lines.pop() ?? '';
    for (const line of lines) {
      if (line.startsWith('MSH')) flush();
      if (current.length > 0 || line.startsWith('MSH')) {
        if (/^(BTS|FTS|BHS|FHS)/.test(line)) flush();
        else current.push(line);
      }
    }
  }
  if (carry !== '' && !/^(BTS|FTS)/.test(carry)) current.push(carry);
  flush();
  return { messages, leaves };
}

/**
 * How a peer without a streaming API is used on a batch file: read it whole, split it into
 * messages, parse each (simple-hl7, the fastest peer, materializing every leaf).
 */
async function simpleHl7WholeFile(path: string): Promise<{ messages: number; leaves: number }> {
  const { simpleHl7Runner } = await import('./runners/peers');
  const parse = await simpleHl7Runner.load();
  const text = readFileSync(path, 'utf8');
  const chunks = text.split(/\r(?=MSH\|)/);
  let messages = 0;
  let leaves = 0;
  for (const chunk of chunks) {
    if (!chunk.startsWith('MSH')) continue;
    const message = chunk.replace(/\r(BTS|FTS)\|[^\r]*/g, '');
    leaves += parse(message, new Uint8Array(0));
    messages++;
  }
  return { messages, leaves };
}

async function ours(path: string): Promise<{ messages: number; leaves: number }> {
  const { streamOurs } = await import('./runners/ours');
  return streamOurs(createReadStream(path, { highWaterMark: 1 << 16 }));
}

async function main(): Promise<void> {
  const [mode = '', path = ''] = process.argv.slice(2);
  const start = performance.now();
  let result: MemoryResult;
  try {
    const counts = mode === 'reference' ? await reference(path) : mode === 'simple-hl7' ? await simpleHl7WholeFile(path) : await ours(path);
    result = { mode, ok: true, ...counts, seconds: (performance.now() - start) / 1000, peakRss: process.resourceUsage().maxRSS * 1024 };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message.split('\n')[0] ?? ''}` : String(error);
    result = { mode, ok: false, reason, messages: 0, leaves: 0, seconds: 0, peakRss: process.resourceUsage().maxRSS * 1024 };
  }
  process.stdout.write(`RESULT ${JSON.stringify(result)}\n`);
}

await main();
