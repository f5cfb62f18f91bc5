import { type Diagnostic, diagnostic } from '@hcdl/hl7v2';
import { type LineLocation, LineLocations } from './line-locations';

/** Code of the diagnostic of a message whose staging went, or would go, over a per-message limit (time, memory). */
export const STAGING_LIMIT = 'STAGING_LIMIT';

/**
 * What staging a message will need of the heap (a local staging worker's, a Lambda's), read
 * from its structure before it is parsed. The parsed tree holds an array slot, an array or an object per value, so its size
 * follows the number of segments, fields, repetitions, components and subcomponents, not the
 * number of bytes: 10 MB of `~` is ten million repetition arrays (about 700 MB), 10 MB of text
 * one string. Counting the separators is one pass over the bytes that allocates nothing, so a
 * message that cannot fit is refused at once instead of after the seconds of garbage
 * collection spent at the heap limit (and before any allocation large enough to take the whole
 * process down with it, nodejs/node#47224, or a Lambda to crash and be retried).
 */

/** Heap bytes of staging per element, measured (see PER_ELEMENT). */
interface Costs {
  base: number;
  byte: number;
  segment: number;
  field: number;
  repetition: number;
  component: number;
  subcomponent: number;
  /** The array a component becomes at its first subcomponent separator (a run of `&` pays it once). */
  subcomponentArray: number;
}

/**
 * The least old-generation heap (`--max-old-space-size`, found by bisection) the core's
 * staging needed for messages made of one element repeated, at 2 MB and 6 MB, Node 20,
 * rounded up: a separate process per trial (the whole staging step: decode, normalize, parse,
 * validate, staging JSON). Segments: one-field NTE lines. `base` is the module code and a
 * message of text alone. `subcomponentArray` from runs of `a^b&c~` (149 B a run at 6 MB, the
 * other costs summing to 119). The figures are upper bounds of the marginal cost (components cost
 * less per element in larger runs), so the estimate errs towards refusing a message that
 * could just have fitted, never towards aborting.
 */
const PER_ELEMENT: Costs = { base: 24 << 20, byte: 2, segment: 480, field: 16, repetition: 75, component: 28, subcomponent: 24, subcomponentArray: 48 };

/**
 * The estimate, and where the message holds most of it (for a located diagnostic): the line
 * with the largest share of the estimate, its segment id and repetition when it is a segment.
 */
export interface HeapEstimate extends LineLocation {
  /** Heap bytes staging is expected to need at least. */
  bytes: number;
  segments: number;
  fields: number;
  repetitions: number;
  components: number;
  subcomponents: number;
}

const CR = 0x0d;
const LF = 0x0a;

/** The separators of the message's MSH (MSH-1 and MSH-2), when the bytes start with one; HL7's defaults otherwise. */
function separatorsOf(raw: Uint8Array): { field: number; component: number; repetition: number; subcomponent: number } {
  let i = 0;
  // A UTF-8 byte order mark or an MLLP start block before the MSH.
  if (raw[0] === 0xef && raw[1] === 0xbb && raw[2] === 0xbf) i = 3;
  while (raw[i] === 0x0b) i++;
  const d = { field: 0x7c, component: 0x5e, repetition: 0x7e, subcomponent: 0x26 };
  if (raw[i] !== 0x4d || raw[i + 1] !== 0x53 || raw[i + 2] !== 0x48) return d;
  const field = raw[i + 3];
  if (field === undefined || field === CR || field === LF) return d;
  d.field = field;
  // MSH-2: component, repetition, escape, subcomponent (each may be missing).
  const enc = [raw[i + 4], raw[i + 5], raw[i + 6], raw[i + 7]];
  const take = (k: number): number | undefined => {
    for (let j = 0; j <= k; j++) if (enc[j] === undefined || enc[j] === field || enc[j] === CR || enc[j] === LF) return undefined;
    return enc[k];
  };
  d.component = take(0) ?? -1;
  d.repetition = take(1) ?? -1;
  d.subcomponent = take(3) ?? -1;
  return d;
}

/**
 * Estimates the heap staging `raw` needs (see PER_ELEMENT): one pass over the bytes counting
 * line breaks and the message's separators.
 */
export function estimateStagingHeap(raw: Uint8Array, costs: Costs = PER_ELEMENT): HeapEstimate {
  const d = separatorsOf(raw);
  const count = { segments: 0, fields: 0, repetitions: 0, components: 0, subcomponents: 0 };
  const lines = new LineLocations(raw);
  let start = 0;
  let lineCost = 0;
  let total = 0;
  /** Whether the current component has become an array of subcomponents. */
  let subArray = false;
  let best: { cost: number; where: LineLocation } = { cost: -1, where: { line: 1 } };
  const close = (end: number): void => {
    if (end <= start) return;
    lines.count(start, end);
    count.segments++;
    const cost = lineCost + costs.segment + (end - start) * costs.byte;
    total += cost;
    if (cost > best.cost) best = { cost, where: lines.last() };
  };
  for (let i = 0; i < raw.byteLength; i++) {
    const b = raw[i];
    if (b === CR || b === LF) {
      close(i);
      start = i + 1;
      lineCost = 0;
      subArray = false;
    } else if (b === d.field) {
      count.fields++;
      lineCost += costs.field;
      subArray = false;
    } else if (b === d.component) {
      count.components++;
      lineCost += costs.component;
      subArray = false;
    } else if (b === d.repetition) {
      count.repetitions++;
      lineCost += costs.repetition;
      subArray = false;
    } else if (b === d.subcomponent) {
      count.subcomponents++;
      lineCost += subArray ? costs.subcomponent : costs.subcomponent + costs.subcomponentArray;
      subArray = true;
    }
  }
  close(raw.byteLength);
  return { bytes: costs.base + total, ...count, ...best.where };
}

/**
 * Whether a message of `size` bytes can need more than `heapBytes` at all: the costliest
 * element per byte is a segment of four bytes (`NTE` and its line break). Below that size the
 * pass over the bytes is skipped (the usual message: kilobytes against hundreds of MB).
 */
export const mayExceed = (size: number, heapBytes: number, costs: Costs = PER_ELEMENT): boolean =>
  costs.base +
    size * (costs.byte + Math.max(costs.segment / 4, costs.repetition, costs.component, costs.field, (costs.subcomponent + costs.subcomponentArray) / 2)) >
  heapBytes;

const int = (n: number): string => n.toLocaleString('en-US');

/**
 * The diagnostic of a message refused before staging because its structure needs more heap
 * than staging may use: located at the line holding most of it, with the counts that make the
 * estimate, so the sender sees what to change.
 */
export function heapLimitDiagnostic(e: HeapEstimate, heapBytes: number): Diagnostic {
  const loc = e.segment !== undefined ? { line: e.line, segment: e.segment, segmentRepetition: e.segmentRepetition ?? 1 } : { line: e.line };
  const parts = `${int(e.segments)} segments, ${int(e.fields)} field, ${int(e.repetitions)} repetition, ${int(e.components)} component and ${int(e.subcomponents)} subcomponent separators`;
  return diagnostic(
    STAGING_LIMIT,
    'error',
    `staging not started: the message would need about ${Math.ceil(e.bytes / 1048576)} MB of memory, more than the ${Math.floor(heapBytes / 1048576)} MB staging may use here (${parts}; the most on line ${e.line}${e.segment !== undefined ? `, segment ${e.segment}` : ''})`,
    loc,
  );
}
