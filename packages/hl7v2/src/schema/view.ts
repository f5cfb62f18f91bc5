/**
 * The plain view of a parsed segment that the schema code reads (decoded values, HL7
 * numbering). Built from the core model by from-model.ts.
 */

/** A decoded leaf value; null is the HL7 explicit null `""`. */
export type LeafValue = string | null;
/** A component: a leaf, or its subcomponents when it has two or more. */
export type ComponentValue = LeafValue | readonly LeafValue[];
/** A repetition: its components (at least one). */
export type RepetitionValue = readonly ComponentValue[];
/** A field: its repetitions (at least one). */
export type FieldValue = readonly RepetitionValue[];

export interface SegmentView {
  /** Segment id as sent (`PID`, `ZPI`). */
  readonly id: string;
  /** 1-based line of the segment in the input. */
  readonly line: number;
  /** fields[n] is HL7 field n (MSH: fields[1] field separator, fields[2] encoding characters). */
  readonly fields: readonly (FieldValue | undefined)[];
  /** True when no leaf holds a character JSON text escapes (the parser's Segment.jsonSafe). */
  readonly jsonSafe?: boolean;
}

export interface MessageView {
  readonly segments: readonly SegmentView[];
  /** Component and subcomponent separators, used to keep extra parts of primitive values. */
  readonly componentSeparator: string;
  readonly subcomponentSeparator: string;
}

/** First leaf of a field (repetition 1, component 1, subcomponent 1), '' when absent. */
export function firstLeaf(field: FieldValue | undefined, component = 1): string {
  const c = field?.[0]?.[component - 1];
  if (c === undefined || c === null) return '';
  if (typeof c === 'string') return c;
  return c[0] ?? '';
}

/** True when the field carries no value at all (absent or every leaf empty string). */
export function isEmptyField(field: FieldValue | undefined): boolean {
  if (field === undefined) return true;
  // Most sent fields start with a non-empty leaf: answer without walking them.
  const head = (field[0] as RepetitionValue)[0];
  if (typeof head === 'string' && head !== '') return false;
  for (let r = 0; r < field.length; r++) {
    const rep = field[r] as RepetitionValue;
    for (let k = 0; k < rep.length; k++) {
      const c = rep[k];
      if (c === null) return false;
      if (typeof c === 'string') {
        if (c !== '') return false;
      } else if (c !== undefined) {
        for (let j = 0; j < c.length; j++) if (c[j] !== '') return false;
      }
    }
  }
  return true;
}
