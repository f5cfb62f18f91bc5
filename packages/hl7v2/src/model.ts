import type { Delimiters } from './delimiters';
import type { Diagnostic } from './diagnostics';
import type { MessageHeader } from './header';
import { parsePath, type ValuePath } from './path';

/**
 * The parsed tree, with HL7's 1-based numbering kept:
 * - a LeafValue is a decoded string, or `null` for the HL7 explicit null `""`;
 * - a ComponentValue is a leaf, or its subcomponents (array) when it has two or more;
 * - a RepetitionValue is the array of its components (at least one);
 * - a FieldValue is the array of its repetitions (at least one);
 * - `Segment.fields[n]` is field n (index 0 unused); an empty field is `undefined`.
 *   For MSH/FHS/BHS, `fields[1]` holds the field separator and `fields[2]` MSH-2 verbatim.
 * Every value is materialized at parse time; nothing is re-scanned on access.
 */
export type LeafValue = string | null;
export type ComponentValue = LeafValue | readonly LeafValue[];
export type RepetitionValue = readonly ComponentValue[];
export type FieldValue = readonly RepetitionValue[];

export class Segment {
  readonly id: string;
  /** 1-based line of the segment in the input it was parsed from. */
  readonly line: number;
  readonly column = 1;
  readonly fields: (FieldValue | undefined)[];
  /**
   * Original escaped text of the fields whose canonical re-escaping would differ from what was
   * sent (hex escapes, formatting commands, malformed escapes); used by serialize while the
   * field is unchanged, so the round trip is exact.
   */
  readonly originals: (string | undefined)[] | undefined;
  /** The text the segment was parsed from and where its line is in it (see sourceText). */
  #source: string | undefined;
  #from: number;
  #to: number;
  #jsonSafe: boolean;

  /**
   * `source`, `from` and `to` (given by the parser) say where the segment's line is in the text
   * it was parsed from, so that the line can be read back without serializing the segment.
   * `jsonSafe` (given by the parser) says that no leaf holds a character JSON text escapes.
   */
  constructor(
    id: string,
    line: number,
    fields: (FieldValue | undefined)[],
    originals?: (string | undefined)[],
    source?: string,
    from = 0,
    to = source?.length ?? 0,
    jsonSafe = false,
  ) {
    this.id = id;
    this.line = line;
    this.fields = fields;
    this.originals = originals;
    this.#source = source;
    this.#from = from;
    this.#to = to;
    this.#jsonSafe = jsonSafe;
  }

  /**
   * True when the parser found no character in any leaf that JSON text must escape (`"`,
   * `\`, control characters, lone surrogate halves), so the staging writer can copy the
   * values as they are; false for a segment built in code or changed with setField.
   */
  get jsonSafe(): boolean {
    return this.#jsonSafe;
  }

  /**
   * The segment's line as it was parsed (normalized: no terminator, framing bytes removed),
   * which is what serializing the segment gives back while no field was replaced; undefined
   * for a segment built in code or changed with setField.
   */
  sourceText(): string | undefined {
    return this.#source?.slice(this.#from, this.#to);
  }

  /** Highest field number present (trailing empty fields sent with separators count). */
  get fieldCount(): number {
    return this.fields.length - 1;
  }

  field(n: number): FieldValue | undefined {
    return this.fields[n];
  }

  /** Replaces field n (the serializer re-escapes it from now on). */
  setField(n: number, value: FieldValue | string | null | undefined): void {
    const v: FieldValue | undefined = value === undefined || value === '' ? undefined : typeof value === 'string' || value === null ? [[value]] : value;
    while (this.fields.length <= n) this.fields.push(undefined);
    this.fields[n] = v;
    if (this.originals) this.originals[n] = undefined;
    this.#source = undefined;
    this.#jsonSafe = false;
  }

  /** Decoded leaf at field/repetition/component/subcomponent (all 1-based); undefined if absent. */
  leaf(field: number, repetition = 1, component = 1, subcomponent = 1): LeafValue | undefined {
    const c = this.fields[field]?.[repetition - 1]?.[component - 1];
    if (c === undefined) return undefined;
    if (c === null || typeof c === 'string') return subcomponent === 1 ? c : undefined;
    return c[subcomponent - 1];
  }
}

export class Message {
  readonly segments: Segment[];
  readonly delimiters: Delimiters;
  readonly diagnostics: Diagnostic[];
  readonly header: MessageHeader;
  /** Lines that are not segments, kept verbatim with their position (after segment index). */
  readonly extraLines: readonly ExtraLine[];

  constructor(segments: Segment[], delimiters: Delimiters, header: MessageHeader, diagnostics: Diagnostic[], extraLines: ExtraLine[]) {
    this.segments = segments;
    this.delimiters = delimiters;
    this.header = header;
    this.diagnostics = diagnostics;
    this.extraLines = extraLines;
  }

  /** The separators as the schema layer reads them. */
  get componentSeparator(): string {
    return this.delimiters.component;
  }
  get subcomponentSeparator(): string {
    return this.delimiters.subcomponent;
  }
  /** 1-based input lines that are not segments (continuations, free text). */
  get nonSegmentLines(): number[] {
    return this.extraLines.map((l) => l.line);
  }

  segmentsById(id: string): Segment[] {
    return this.segments.filter((s) => s.id === id);
  }

  /**
   * Decoded value at an HL7 path: `PID-3`, `PID-3[2].4.2`, `OBX[2]-5`, `MSH-9.1`.
   * Omitted repetition, component and subcomponent default to 1; `null` is the explicit null.
   */
  get(path: string): LeafValue | undefined {
    const p = parsePath(path);
    const seg = this.segmentAt(p);
    return seg?.leaf(p.field, p.repetition ?? 1, p.component ?? 1, p.subcomponent ?? 1);
  }

  /** The value at the path in every repetition of the field (or the one repetition given). */
  getAll(path: string): LeafValue[] {
    const p = parsePath(path);
    const seg = this.segmentAt(p);
    const f = seg?.fields[p.field];
    if (seg === undefined || f === undefined) return [];
    const reps = p.repetition === undefined ? f.map((_, i) => i + 1) : [p.repetition];
    const out: LeafValue[] = [];
    for (const r of reps) {
      const v = seg.leaf(p.field, r, p.component ?? 1, p.subcomponent ?? 1);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  private segmentAt(p: ValuePath): Segment | undefined {
    let n = 0;
    for (const s of this.segments) if (s.id === p.segment && ++n === p.segmentRepetition) return s;
    return undefined;
  }
}

export interface ExtraLine {
  /** 1-based line in the input. */
  line: number;
  text: string;
  /** Number of segments that precede it in the message. */
  afterSegments: number;
}
