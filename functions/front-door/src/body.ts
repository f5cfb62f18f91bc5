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
    // The sample names the text encoding of the decoded bytes; re-encode them as UTF-8.
    try {
      bytes = Buffer.from(new TextDecoder(encoding).decode(bytes), 'utf8');
    } catch {
      return { ok: false, status: 400, code: 'UNSUPPORTED_ENCODING', message: 'unknown "encoding"' };
    }
  }
  const segTerm = (parsed as { segTerm?: unknown }).segTerm;
  if (Array.isArray(segTerm) && segTerm.every((t) => typeof t === 'string' && t !== '')) {
    // Custom segment terminators (the sample's option): turn each into CR.
    let text = Buffer.from(bytes).toString('latin1');
    for (const t of segTerm as string[]) text = text.split(t).join('\r');
    bytes = Buffer.from(text, 'latin1');
  }
  return { ok: true, bytes };
}
