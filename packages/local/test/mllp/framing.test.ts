import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { MllpDecoder, mllpFrame, type MllpEvent } from '../../src/mllp/framing';

const text = (e: MllpEvent): string =>
  e.kind === 'frame'
    ? Buffer.from(e.bytes).toString('latin1')
    : e.kind === 'stray'
      ? `<stray@${e.offset}:${Buffer.from(e.bytes).toString('latin1')}>`
      : `<${e.kind}:${e.size}>`;
const bytes = (s: string): Uint8Array => Buffer.from(s, 'latin1');

describe('MLLP decoder', () => {
  it('yields frames split across chunks at any byte and several frames per chunk', () => {
    const stream = Buffer.concat([mllpFrame('MSH|1\r'), mllpFrame('MSH|2\rPID|x\r'), mllpFrame('MSH|3\r')]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const d = new MllpDecoder(1000);
      const events = [...d.push(stream.subarray(0, cut)), ...d.push(stream.subarray(cut)), ...d.end()];
      expect(events.map(text)).toEqual(['MSH|1\r', 'MSH|2\rPID|x\r', 'MSH|3\r']);
    }
  });

  it('any chunking of any frames gives back the same frames (property)', () => {
    const body = fc.uint8Array({ maxLength: 60 }).map((a) => a.map((b) => (b === 0x0b || b === 0x1c ? 0x41 : b)));
    fc.assert(
      fc.property(fc.array(body, { maxLength: 6 }), fc.array(fc.nat(), { maxLength: 8 }), (frames, cuts) => {
        const stream = Buffer.concat(frames.map((f) => mllpFrame(f)));
        const points = [...new Set(cuts.map((c) => (stream.length === 0 ? 0 : c % stream.length)))].sort((a, b) => a - b);
        const d = new MllpDecoder(1000);
        const events: MllpEvent[] = [];
        let at = 0;
        for (const p of [...points, stream.length]) {
          events.push(...d.push(stream.subarray(at, p)));
          at = p;
        }
        events.push(...d.end());
        expect(events.map((e) => (e.kind === 'frame' ? Buffer.from(e.bytes).toString('hex') : e.kind))).toEqual(
          frames.map((f) => Buffer.from(f).toString('hex')),
        );
      }),
    );
  });

  it('accepts an end byte without the CR and ignores CR/LF between frames', () => {
    const d = new MllpDecoder(100);
    expect(d.push(bytes('\x0bMSH|a\x1c\r\n\x0bMSH|b\x1c\x0bMSH|c\x1c\r')).map(text)).toEqual(['MSH|a', 'MSH|b', 'MSH|c']);
  });

  it('reports noise between frames, a truncated frame and an unterminated frame at the end', () => {
    const d = new MllpDecoder(100);
    const events = [...d.push(bytes('junk\x0bMSH|a\x0bMSH|b\x1c\r\x0bMSH|c')), ...d.end()];
    expect(events.map(text)).toEqual(['<noise:4>', '<truncated:5>', 'MSH|b', '<truncated:5>']);
  });

  it('skips an oversize frame with bounded memory and goes on with the next one', () => {
    const d = new MllpDecoder(10);
    const events = [...d.push(bytes('\x0b' + 'x'.repeat(8))), ...d.push(bytes('y'.repeat(50))), ...d.push(bytes('\x1c\r\x0bMSH|ok\x1c\r'))];
    expect(d.pendingBytes).toBe(0);
    expect(events.map(text)).toEqual(['<oversize:58>', 'MSH|ok']);
  });

  it('frames a message as VT body FS CR', () => {
    expect(Buffer.from(mllpFrame('MSH|')).toString('hex')).toBe('0b4d53487c1c0d');
  });
});
