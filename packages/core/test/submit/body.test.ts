/**
 * The reference sample's JSON body `{ msg: base64, encoding?, segTerm? }`: the bytes the
 * front door keeps must decode to the sender's text downstream, where MSH-18 (when sent)
 * names the character set.
 */
import { describe, expect, it } from '@jest/globals';
import { normalize } from '@hcdl/hl7v2';
import { decodeBody } from '../../src/submit/body';

const msg = (msh18: string) => `MSH|^~\\&|LAB|H|EHR|H|20240101||ORU^R01|C1|P|2.5||||||${msh18}\rPID|1||1^^^H^MR||Ren\u00e9e^Zo\u00eb\r`;
const json = (bytes: Buffer, extra: Record<string, unknown> = {}) => Buffer.from(JSON.stringify({ msg: bytes.toString('base64'), ...extra }));
const bytesOf = (out: ReturnType<typeof decodeBody>): Uint8Array => {
  if (!out.ok) throw new Error(`expected ok, got ${out.code}`);
  return out.bytes;
};

describe('decodeBody, JSON with an encoding', () => {
  it('keeps latin-1 bytes as sent when MSH-18 declares 8859/1, so they decode once', () => {
    const latin1 = Buffer.from(msg('8859/1'), 'latin1');
    const bytes = bytesOf(decodeBody('application/json', json(latin1, { encoding: 'latin1' })));
    expect(Buffer.from(bytes).equals(latin1)).toBe(true);
    expect(normalize(bytes)).toContain('Ren\u00e9e^Zo\u00eb');
  });

  it('re-encodes as UTF-8 when the message names no character set', () => {
    const latin1 = Buffer.from(msg(''), 'latin1');
    const bytes = bytesOf(decodeBody('application/json', json(latin1, { encoding: 'latin1' })));
    expect(Buffer.from(bytes).toString('utf8')).toBe(msg(''));
    expect(normalize(bytes)).toContain('Ren\u00e9e^Zo\u00eb');
  });

  it('reads MSH-18 after custom segment terminators', () => {
    const latin1 = Buffer.from(msg('8859/1').replace(/\r/g, '~~'), 'latin1');
    const bytes = bytesOf(decodeBody('application/json', json(latin1, { encoding: 'latin1', segTerm: ['~~'] })));
    expect(Buffer.from(bytes).equals(Buffer.from(msg('8859/1'), 'latin1'))).toBe(true);
  });

  it('converts Shift_JIS text without MSH-18 to the same text in UTF-8', () => {
    const text = msg('').replace('Ren\u00e9e^Zo\u00eb', '\u3084\u307e\u3060^\u82b1\u5b50');
    const sjis = Buffer.from(
      new Uint8Array([...Buffer.from(text.slice(0, text.indexOf('\u3084')), 'latin1'), 0x82, 0xe2, 0x82, 0xdc, 0x82, 0xbe, 0x5e, 0x89, 0xd4, 0x8e, 0x71, 0x0d]),
    );
    const bytes = bytesOf(decodeBody('application/json', json(sjis, { encoding: 'shift_jis' })));
    expect(Buffer.from(bytes).toString('utf8')).toBe(text);
  });

  it('refuses bytes that are not valid in the named encoding instead of storing U+FFFD', () => {
    // 0x82 0x20: a Shift_JIS lead byte followed by no valid trail byte.
    const broken = Buffer.concat([Buffer.from(msg('').slice(0, 60), 'latin1'), Buffer.from([0x82, 0x20]), Buffer.from('\r')]);
    const out = decodeBody('application/json', json(broken, { encoding: 'shift_jis' }));
    expect(out).toEqual({ ok: false, status: 400, code: 'INVALID_ENCODING', message: '"msg" is not valid shift_jis' });
  });

  it('refuses an unknown encoding even when MSH-18 is sent', () => {
    const out = decodeBody('application/json', json(Buffer.from(msg('8859/1'), 'latin1'), { encoding: 'no-such-charset' }));
    expect(out).toEqual({ ok: false, status: 400, code: 'UNSUPPORTED_ENCODING', message: 'unknown "encoding"' });
  });
});
