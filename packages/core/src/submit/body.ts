import { TextDecoder } from 'node:util';
import { findMsh18 } from '@hcdl/hl7v2';

/**
 * Request body decoding: raw ER7 (`application/hl7-v2`, `x-application/hl7-v2+er7`,
 * `text/plain`) or the reference AWS sample's JSON `{ "msg": base64, "encoding"?, "segTerm"? }`.
 */
export const ER7_TYPES = ['application/hl7-v2', 'x-application/hl7-v2+er7', 'text/plain'] as const;

export type BodyOutcome = { ok: true; bytes: Uint8Array } | { ok: false; status: 400 | 415; code: string; message: string };

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

export function decodeBody(contentType: string | undefined, body: Uint8Array): BodyOutcome {
  const type = mediaType(contentType);
  if ((ER7_TYPES as readonly string[]).includes(type)) return { ok: true, bytes: body };
  if (type !== 'application/json') {
    return { ok: false, status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `send ${ER7_TYPES.join(', ')} or application/json {"msg": base64}` };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    return { ok: false, status: 400, code: 'INVALID_JSON', message: 'the body is not valid JSON' };
  }
  const msg = (parsed as { msg?: unknown } | null)?.msg;
  if (typeof msg !== 'string' || msg === '' || !/^[A-Za-z0-9+/=\s_-]*$/.test(msg)) {
    return { ok: false, status: 400, code: 'INVALID_JSON', message: 'the JSON body needs "msg": the message as base64' };
  }
  let bytes: Uint8Array = Buffer.from(msg, 'base64');
  const encoding = (parsed as { encoding?: unknown }).encoding;
  if (typeof encoding === 'string' && encoding.toLowerCase() !== 'utf-8' && encoding.toLowerCase() !== 'utf8') {
    let decoder: TextDecoder;
    try {
      // fatal: bytes that are not valid in the named encoding are refused, never replaced
      // by U+FFFD, so the conversion below loses nothing and can be undone.
      decoder = new TextDecoder(encoding, { fatal: true });
    } catch {
      return { ok: false, status: 400, code: 'UNSUPPORTED_ENCODING', message: 'unknown "encoding"' };
    }
    // The sample names the text encoding of the decoded bytes. A message that declares its
    // character set (MSH-18) is decoded by it downstream, so its bytes are kept as sent.
    // Otherwise they are re-encoded as UTF-8, the character set of a message without MSH-18:
    // the raw zone then holds the sender's text in UTF-8, not the envelope's bytes. Keeping
    // those bytes instead would need the declared encoding stored beside the raw object and
    // read by every reader of the bytes (front-door split and dedup key, core ingest, staging
    // normalize, replay, GET /raw), or the raw zone would hold bytes nothing decodes right.
    if (!declaresCharset(withSegTerm(bytes, parsed))) {
      try {
        bytes = Buffer.from(decoder.decode(bytes), 'utf8');
      } catch {
        return { ok: false, status: 400, code: 'INVALID_ENCODING', message: `"msg" is not valid ${decoder.encoding}` };
      }
    }
  }
  return { ok: true, bytes: withSegTerm(bytes, parsed) };
}

/** Whether the message names its character set in MSH-18 (read on the ASCII-compatible bytes). */
function declaresCharset(bytes: Uint8Array): boolean {
  return findMsh18(Buffer.from(bytes).toString('latin1')).value !== undefined;
}

/** Custom segment terminators (the sample's `segTerm` option), each turned into CR. */
function withSegTerm(bytes: Uint8Array, parsed: unknown): Uint8Array {
  const segTerm = (parsed as { segTerm?: unknown }).segTerm;
  if (!Array.isArray(segTerm) || !segTerm.every((t) => typeof t === 'string' && t !== '')) return bytes;
  let text = Buffer.from(bytes).toString('latin1');
  for (const t of segTerm as string[]) text = text.split(t).join('\r');
  return Buffer.from(text, 'latin1');
}
