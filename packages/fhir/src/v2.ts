/**
 * The parsed HL7 v2 message as this package reads it: a small structural interface, so the
 * mapping depends on no parser of ours. `@hcdl/hl7v2`'s `Message` and `Segment` satisfy it as
 * they are. Numbering is HL7's: fields, repetitions, components and subcomponents are 1-based,
 * and for MSH `fields[1]` is the field separator, so MSH-9 is `fields[9]`.
 */

/** A decoded leaf; `null` is HL7's explicit null `""`. */
export type V2Leaf = string | null;
/** A component: a leaf, or its subcomponents when it has two or more. */
export type V2Component = V2Leaf | readonly V2Leaf[];
/** One repetition of a field: its components (index 0 is component 1). */
export type V2Repetition = readonly V2Component[];
/** A field: its repetitions (index 0 is repetition 1). */
export type V2Field = readonly V2Repetition[];

export interface V2Segment {
  readonly id: string;
  /** `fields[n]` is field n (index 0 unused); an absent field is `undefined`. */
  readonly fields: readonly (V2Field | undefined)[];
}

export interface V2Message {
  /** Every segment in the order sent, MSH first. */
  readonly segments: readonly V2Segment[];
}
