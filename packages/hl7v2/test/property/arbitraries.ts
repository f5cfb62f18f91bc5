/**
 * fast-check arbitraries of VALID HL7 v2 messages, built as a model (decoded values) plus the
 * ER7 text the model must give. The ER7 is written by `encodeModel` below, independently of
 * the package's serializer, so the round-trip properties check the parser against a second
 * implementation of the encoding rules:
 * - separators: MSH-1 and MSH-2 drawn from the legal characters (not a letter, digit, blank,
 *   CR/LF, DEL or the quote that marks the explicit null), 4 or 5 encoding characters;
 * - a value holding a separator or the escape character is written with \F\ \S\ \T\ \R\ \E\,
 *   a line break with \X0D\ / \X0A\;
 * - the explicit null `""` is the model's `null`; an empty field is `undefined`;
 * - values are decoded text as the parser gives it: a backslash that is data is written
 *   doubled where it would read as the start of a formatting command or of a doubled
 *   backslash (docs/hl7v2-parsing.md); `canonicalText` and `rawText` below are the test's own
 *   implementation of that rule.
 */
import fc from 'fast-check';
import type { ComponentValue, Delimiters, FieldValue, LeafValue, RepetitionValue } from '../../src/index';

/** Characters a sender may use as separators (ASCII punctuation except the quote). */
export const SEPARATOR_POOL = [..."|^~\\&#!$%*+,-./:;<=>?@[]_`{}'"];

export interface ModelSegment {
  id: string;
  /** fields[n] is field n; index 0 unused. For MSH, fields 1 and 2 are not in the model. */
  fields: (FieldValue | undefined)[];
}

export interface ModelMessage {
  delimiters: Delimiters;
  segments: ModelSegment[];
}

export const delimitersArb: fc.Arbitrary<Delimiters> = fc
  .tuple(fc.shuffledSubarray(SEPARATOR_POOL, { minLength: 6, maxLength: 6 }), fc.boolean(), fc.integer({ min: 0, max: 3 }))
  .map(([chars, truncation, classic]) => {
    // One message in four uses the usual |^~\& so the common case is always well covered.
    const c = classic === 0 ? ['|', '^', '~', '\\', '&', '#'] : chars;
    const [field, component, repetition, escape, subcomponent, trunc] = c as [string, string, string, string, string, string];
    const encodingCharacters = component + repetition + escape + subcomponent + (truncation ? trunc : '');
    return { field, component, repetition, escape, subcomponent, truncation: truncation ? trunc : '', encodingCharacters };
  });

/** Characters of values: plain text, every separator candidate, quotes, accents and emoji. */
const valueChar = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...'abcXYZ019 .'.split('')) },
  { weight: 3, arbitrary: fc.constantFrom(...SEPARATOR_POOL) },
  { weight: 1, arbitrary: fc.constantFrom('"', 'é', 'ß', 'Ω', '中', '😀', '\t', '\u00a0', '\r', '\n') },
  // Any code point but line breaks and the framing characters normalization strips.
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((s) => !/[\r\n\u000b\u001c\ufeff]/.test(s)) },
);

const COMMAND = /^(?:\.(?:br|sp|in|ti|sk|ce|fi|nf)[+-]?\d*|H|N|Z[^\\]*|C[0-9A-Fa-f]{4}|M[0-9A-Fa-f]{4,6})$/;

/** Text whose characters are all data, as a decoded value (backslashes doubled where they must be). */
export function canonicalText(raw: string): string {
  let out = '';
  let run = '';
  let before = false;
  for (let i = raw.length - 1; i >= 0; i--) {
    const ch = raw.charAt(i);
    if (ch === '\\') {
      out = (before && (run === '' || COMMAND.test(run)) ? '\\\\' : '\\') + out;
      run = '';
      before = true;
    } else {
      out = ch + out;
      run = ch + run;
    }
  }
  return out;
}

/** The data characters of a decoded value that holds no command (a doubled backslash is one). */
export function rawText(value: string): string {
  return value.replace(/\\\\/g, '\\');
}

/** A decoded leaf: text (never exactly `""`, which is the explicit null) or null. */
export const leafArb: fc.Arbitrary<LeafValue> = fc.oneof(
  {
    weight: 12,
    arbitrary: fc
      .array(valueChar, { maxLength: 8 })
      .map((a) => canonicalText(a.join('')))
      .filter((s) => s !== '""'),
  },
  { weight: 1, arbitrary: fc.constant(null) },
);

const componentArb: fc.Arbitrary<ComponentValue> = fc.oneof(
  { weight: 4, arbitrary: leafArb },
  { weight: 1, arbitrary: fc.array(leafArb, { minLength: 2, maxLength: 3 }) },
);
const repetitionArb: fc.Arbitrary<RepetitionValue> = fc.array(componentArb, { minLength: 1, maxLength: 4 });

/** A field value; one that would be written as nothing is the empty field (undefined). */
export const fieldArb: fc.Arbitrary<FieldValue | undefined> = fc
  .oneof({ weight: 1, arbitrary: fc.constant(undefined) }, { weight: 4, arbitrary: fc.array(repetitionArb, { minLength: 1, maxLength: 3 }) })
  .map((f) => (f === undefined || isEmptyField(f) ? undefined : f));

function isEmptyField(f: FieldValue): boolean {
  return f.length === 1 && (f[0] as RepetitionValue).length === 1 && (f[0] as RepetitionValue)[0] === '';
}

const SEGMENT_IDS = ['PID', 'PV1', 'NK1', 'OBR', 'OBX', 'NTE', 'AL1', 'DG1', 'IN1', 'EVN', 'ORC', 'SPM', 'ZPI', 'ZZ1', 'ZX9'];
const segmentIdArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SEGMENT_IDS) },
  // Random Z-segments and unknown ids (never MSH or a batch envelope id).
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.constantFrom(...'ABCDEGIJKLNOPQRUVWXYZ'), fc.constantFrom(...'ABCZ0123456789'), fc.constantFrom(...'ABCZ0123456789'))
      .map((t) => t.join('')),
  },
);

const segmentArb: fc.Arbitrary<ModelSegment> = fc.record({
  id: segmentIdArb,
  fields: fc.array(fieldArb, { maxLength: 12 }).map((fs) => [undefined, ...fs]),
});

/** MSH-3.. as random values; MSH-9 (type), MSH-12 (version) and MSH-18 kept plausible. */
const mshArb = fc
  .tuple(
    fc.array(fieldArb, { minLength: 4, maxLength: 4 }),
    fc.constantFrom('ADT', 'ORU', 'ORM', 'SIU', 'ZZZ'),
    fc.constantFrom('A01', 'A08', 'R01', 'O01', ''),
    fc.constantFrom('2.1', '2.3', '2.4', '2.5', '2.5.1', '2.6.1', '2.8', '9.9', ''),
    fc.array(fieldArb, { maxLength: 5 }),
    fc.constantFrom(undefined, 'UNICODE UTF-8', '8859/1', 'ASCII'),
  )
  .map(([apps, code, event, version, rest, charset]): ModelSegment => {
    const type: FieldValue = [event === '' ? [code] : [code, event]];
    const fields: (FieldValue | undefined)[] = [undefined, undefined, undefined, ...apps, [['20240102030405']], undefined, type, [['CTRL']], [['P']]];
    fields.push(version === '' ? undefined : [[version]]);
    // MSH-13..17 free, MSH-18 a known character set when sent (an unknown one is a warning).
    fields.push(...rest);
    if (charset !== undefined) {
      while (fields.length < 18) fields.push(undefined);
      fields.push([[charset]]);
    }
    return { id: 'MSH', fields };
  });

export const messageArb: fc.Arbitrary<ModelMessage> = fc
  .tuple(delimitersArb, mshArb, fc.array(segmentArb, { minLength: 1, maxLength: 8 }))
  .map(([delimiters, msh, segments]) => ({ delimiters, segments: [msh, ...segments] }));

/** The test's own ER7 writer (escaping included), independent of src/serialize.ts. */
export function encodeLeaf(v: LeafValue, d: Delimiters): string {
  if (v === null) return '""';
  const codes: Record<string, string> = {
    [d.escape]: 'E',
    [d.field]: 'F',
    [d.component]: 'S',
    [d.subcomponent]: 'T',
    [d.repetition]: 'R',
    '\r': 'X0D',
    '\n': 'X0A',
  };
  return [...rawText(v)].map((ch) => (codes[ch] !== undefined ? `${d.escape}${codes[ch]}${d.escape}` : ch)).join('');
}

export function encodeFieldValue(f: FieldValue | undefined, d: Delimiters): string {
  if (f === undefined) return '';
  return f
    .map((rep) =>
      rep.map((c) => (c === null || typeof c === 'string' ? encodeLeaf(c, d) : c.map((s) => encodeLeaf(s, d)).join(d.subcomponent))).join(d.component),
    )
    .join(d.repetition);
}

export function encodeModel(m: ModelMessage): string {
  const d = m.delimiters;
  return m.segments
    .map((s) => {
      const from = s.id === 'MSH' ? 3 : 1;
      let line = s.id === 'MSH' ? `MSH${d.field}${d.encodingCharacters}` : s.id;
      for (let n = from; n < s.fields.length; n++) line += d.field + encodeFieldValue(s.fields[n], d);
      return `${line}\r`;
    })
    .join('');
}
