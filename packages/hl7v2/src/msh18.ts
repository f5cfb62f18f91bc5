/** MSH-18 read from the text of a message before the message is decoded and parsed. */
import { Charset } from './charset';
import { encodingRoles } from './delimiters';
import { decodeEscapes } from './escape';
import { scanLines } from './lines';

const MSH_AFTER = /[\r\n\u000b\ufeff]MSH/g;
const MSH_AFTER_LINE_END = /[\r\n\u000b]MSH/g;

/**
 * Finds MSH-18 (first repetition, first component) in text; undefined when not sent. An MSH
 * counts at the start of the text or after CR, LF, 0x0B, and, unless `afterBom` is false,
 * after a BOM character.
 */
export function findMsh18(text: string, afterBom = true): { value: string | undefined; line: number } {
  let at = text.startsWith('MSH') ? 0 : -1;
  if (at < 0) {
    const re = afterBom ? MSH_AFTER : MSH_AFTER_LINE_END;
    re.lastIndex = 0;
    const m = re.exec(text);
    if (m === null) return { value: undefined, line: 1 };
    at = m.index + 1;
  }
  // The MSH's line as the parser numbers lines (lines.ts: blank lines are not counted).
  const lineStart = Math.max(text.lastIndexOf('\r', at - 1), text.lastIndexOf('\n', at - 1)) + 1;
  const line = lineStart === 0 ? 1 : scanLines(text.slice(0, lineStart)).count + 1;
  const fs = text.charAt(at + 3);
  if (fs === '') return { value: undefined, line };
  // One pass to the end of the MSH line (the first CR or LF; the rest of the text may be
  // long), noting where the parts split at the field separator start and end: part 0 is
  // 'MSH', part 1 MSH-2, so MSH-n is part n - 1 and MSH-18 is part 17.
  const fsCode = fs.charCodeAt(0);
  const len = text.length;
  let parts = 1;
  let encFrom = -1;
  let encTo = -1;
  let from17 = -1;
  let to17 = -1;
  let end = at;
  for (; end < len; end++) {
    const c = text.charCodeAt(end);
    if (c === 13 || c === 10) break;
    if (c !== fsCode) continue;
    if (parts === 1) encFrom = end + 1;
    else if (parts === 2) encTo = end;
    else if (parts === 17) from17 = end + 1;
    else if (parts === 18) to17 = end;
    parts++;
  }
  if (from17 < 0) return { value: undefined, line };
  const v = text.slice(from17, to17 < 0 ? end : to17);
  const enc = text.slice(encFrom, encTo < 0 ? end : encTo);
  let first = v;
  if (enc !== '') {
    const roles = encodingRoles(enc);
    for (const sep of [roles.repetition, roles.component]) if (sep !== '' && first.includes(sep)) first = first.slice(0, first.indexOf(sep));
    // A name holding one of the message's separators (8859/1 with '/' as a separator) is sent escaped.
    if (roles.escape !== '' && first.includes(roles.escape))
      first = decodeEscapes(first, { field: fs, ...roles, encodingCharacters: enc }, Charset.Ascii).value;
  }
  return { value: first === '' ? undefined : first, line };
}
