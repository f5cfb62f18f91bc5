/** Re-encodes a segment as ER7 with the standard delimiters (for keeping Z-segments verbatim). */
import type { V2Component, V2Segment } from './v2';

const escape = (s: string): string => s.replace(/\\/g, '\\E\\').replace(/\|/g, '\\F\\').replace(/\^/g, '\\S\\').replace(/~/g, '\\R\\').replace(/&/g, '\\T\\');

function leaf(v: string | null): string {
  return v === null ? '""' : escape(v);
}

function component(c: V2Component): string {
  return c === null || typeof c === 'string' ? leaf(c) : c.map(leaf).join('&');
}

export function segmentToEr7(seg: V2Segment): string {
  const out: string[] = [seg.id];
  for (let f = 1; f < seg.fields.length; f++) {
    const field = seg.fields[f];
    out.push(field === undefined ? '' : field.map((rep) => rep.map(component).join('^')).join('~'));
  }
  while (out.length > 1 && out[out.length - 1] === '') out.pop();
  return out.join('|');
}
