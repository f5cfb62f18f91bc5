/**
 * The staging heap estimate: counts a message's elements with its own separators, prices
 * them, and names the line holding the most; a message too small to matter is not scanned.
 */
import { describe, expect, it } from '@jest/globals';
import { getHeapStatistics } from 'node:v8';
import { estimateStagingHeap, mayExceed, STAGING_LIMIT } from '../src/stage/heap-estimate';
import { defaultStager, stageMessage } from '../src/stage/steps';

const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');
const UNIT = { base: 0, byte: 0, segment: 1000, field: 1, repetition: 100, component: 10, subcomponent: 10_000, subcomponentArray: 0 };

describe('estimateStagingHeap', () => {
  it('counts segments, fields, repetitions, components and subcomponents with the message separators', () => {
    const e = estimateStagingHeap(bytes('MSH|^~\\&|A|B\rPID|1||1^^^H~2^^^H\r\nOBX|1|TX|a&b\n\n'), UNIT);
    // MSH-2 itself holds one of each separator.
    expect(e).toMatchObject({ segments: 3, fields: 3 + 3 + 3, repetitions: 1 + 1, components: 1 + 6, subcomponents: 1 + 1 });
    expect(e.bytes).toBe(3 * 1000 + 9 * 1 + 2 * 100 + 7 * 10 + 2 * 10_000);
  });

  it('reads the separators of MSH-1 and MSH-2, after a byte order mark or an MLLP start block', () => {
    const e = estimateStagingHeap(bytes('\u000bMSH#$%\\*#A\rPID#1##1$$$H%2|^~&\r'), UNIT);
    expect(e).toMatchObject({ segments: 2, fields: 2 + 3, components: 1 + 3, repetitions: 1 + 1, subcomponents: 1 });
    const bom = estimateStagingHeap(new Uint8Array([0xef, 0xbb, 0xbf, ...bytes('MSH#$%\\*#A\rPID#1$2\r')]), UNIT);
    expect(bom).toMatchObject({ fields: 3, components: 2 });
  });

  it('takes HL7 defaults when the bytes do not start with an MSH, and the defined separators of a short MSH-2', () => {
    expect(estimateStagingHeap(bytes('PID|1||a^b~c&d\r'), UNIT)).toMatchObject({ fields: 3, components: 1, repetitions: 1, subcomponents: 1 });
    // MSH-2 of one character: only the component separator is defined.
    expect(estimateStagingHeap(bytes('MSH|^|A\rPID|a^b~c&d\r'), UNIT)).toMatchObject({ components: 2, repetitions: 0, subcomponents: 0 });
  });

  it('locates the line holding most of the estimate, with its segment id and repetition', () => {
    const flat = { ...UNIT, subcomponent: 10 };
    const e = estimateStagingHeap(bytes(`MSH|^~\\&|A\rOBX|1|TX|x\rOBX|2|TX|${'~'.repeat(50)}\rNTE|1\r`), flat);
    expect(e).toMatchObject({ line: 3, segment: 'OBX', segmentRepetition: 2 });
    expect(estimateStagingHeap(bytes(`MSH|^~\\&|A\r${'~'.repeat(9)}\r`), flat)).toMatchObject({ line: 2 });
    expect(estimateStagingHeap(bytes(`MSH|^~\\&|A\r${'~'.repeat(9)}\r`), flat).segment).toBeUndefined();
  });

  it('prices ten million repetitions far above ten million bytes of text', () => {
    const text = estimateStagingHeap(bytes(`MSH|^~\\&|A\rOBX|1|ED|x||${'A'.repeat(10_000_000)}\r`));
    const reps = estimateStagingHeap(bytes(`MSH|^~\\&|A\rOBX|1|TX|x||${'~'.repeat(10_000_000)}\r`));
    expect(text.bytes).toBeLessThan(64 << 20);
    expect(reps.bytes).toBeGreaterThan(512 << 20);
  });
});

describe('mayExceed', () => {
  it('skips the scan for messages that cannot reach the heap, and not for those that can', () => {
    expect(mayExceed(64 * 1024, 512 << 20)).toBe(false);
    expect(mayExceed(10 << 20, 512 << 20)).toBe(true);
    // Whatever its content, a message that mayExceed clears is estimated under the heap.
    const worst = `MSH|^~\\&|A\r${'NTE\r'.repeat(100_000)}`;
    const size = Buffer.byteLength(worst);
    const heap = estimateStagingHeap(bytes(worst)).bytes;
    expect(mayExceed(size, heap - 1)).toBe(true);
    expect(mayExceed(size, heap * 2)).toBe(false);
  });
});

describe('the default stager', () => {
  it('refuses, unparsed and located, a message whose structure would not fit the heap of the thread it runs on (a Lambda, a worker)', () => {
    const limit = getHeapStatistics().heap_size_limit;
    // Enough repetitions for the estimate to pass this thread's heap limit: parsed, they would exhaust it.
    const n = Math.ceil((limit * 1.1) / 75);
    const head = bytes('MSH|^~\\&|A|B|C|D|20240101||ORU^R01|C1|P|2.5\rOBX|1|TX|N||');
    const raw = new Uint8Array(head.byteLength + n + 1);
    raw.set(head);
    raw.fill(0x7e, head.byteLength, head.byteLength + n);
    raw[raw.byteLength - 1] = 0x0d;
    const result = defaultStager(raw);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        code: STAGING_LIMIT,
        severity: 'error',
        line: 2,
        segment: 'OBX',
        segmentRepetition: 1,
        message: expect.stringMatching(/^staging not started/),
      }),
    ]);
  });

  it('stages as before what fits, and takes an explicit heap for the local pool', () => {
    const msg = bytes(`MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|C1|P|2.5\rEVN|A01|20240101\rPID|1||1^^^H^MR${'~'.repeat(100_000)}||DOE^J\rPV1|1|I\r`);
    expect(defaultStager(msg)).toEqual(stageMessage(msg));
    expect(defaultStager(msg).ok).toBe(true);
    const refused = defaultStager(msg, { heapBytes: 4 << 20 });
    expect(refused.ok).toBe(false);
    if (refused.ok) return;
    expect(refused.diagnostics[0]?.message).toContain('more than the 4 MB staging may use here');
  });
});
