import type { Delimiters } from './delimiters';
import { encodeEscapes } from './escape';
import type { ComponentValue, FieldValue, LeafValue, Message, Segment } from './model';

const leaf = (v: LeafValue, d: Delimiters): string => (v === null ? '""' : encodeEscapes(v, d));

function component(c: ComponentValue, d: Delimiters): string {
  if (c === null || typeof c === 'string') return leaf(c, d);
  // c[0] may be null (the explicit null): only an empty array (built in code) writes nothing.
  let s = c.length === 0 ? '' : leaf(c[0] as LeafValue, d);
  for (let i = 1; i < c.length; i++) s += d.subcomponent + leaf(c[i] as LeafValue, d);
  return s;
}

/** Encodes one field value with the message's separators, escaping every leaf. */
export function encodeField(f: FieldValue | undefined, d: Delimiters): string {
  if (f === undefined) return '';
  let s = '';
  for (let r = 0; r < f.length; r++) {
    const rep = f[r] as readonly ComponentValue[];
    if (r > 0) s += d.repetition;
    for (let c = 0; c < rep.length; c++) {
      if (c > 0) s += d.component;
      s += component(rep[c] as ComponentValue, d);
    }
  }
  return s;
}

const isHeader = (id: string): boolean => id === 'MSH' || id === 'FHS' || id === 'BHS';

/** One segment as ER7 text (no terminator). Fields kept in `originals` are written as sent. */
export function serializeSegment(seg: Segment, d: Delimiters): string {
  let s = seg.id;
  let n = 1;
  if (isHeader(seg.id) && seg.fields.length > 1) {
    const enc = seg.fields[2]?.[0]?.[0];
    s += d.field + (typeof enc === 'string' ? enc : '');
    n = 3;
  }
  const fields = seg.fields;
  for (; n < fields.length; n++) {
    const orig = seg.originals?.[n];
    s += d.field + (orig ?? encodeField(fields[n], d));
  }
  return s;
}

/**
 * Serializes a message: segments (and lines that were not segments, where they stood)
 * each followed by CR. `serialize(parseMessage(x)) === normalize(x)`.
 */
export function serialize(message: Message): string {
  const d = message.delimiters;
  const extra = message.extraLines;
  let x = 0;
  let out = '';
  const segs = message.segments;
  for (let i = 0; i <= segs.length; i++) {
    while (x < extra.length && (extra[x] as { afterSegments: number }).afterSegments === i) out += `${(extra[x++] as { text: string }).text}\r`;
    if (i < segs.length) out += `${serializeSegment(segs[i] as Segment, d)}\r`;
  }
  return out;
}
