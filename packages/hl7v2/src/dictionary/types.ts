/** Run-time view of one HL7 v2 dictionary version (decoded from ./generated). */

/**
 * The texts that start an object member in staging JSON text, as flat strings: `{"key":` and
 * `,"key":` (first or next member), the same followed by the `"` that opens a string value,
 * and the next-member texts preceded by the `"` that closes the previous member's string
 * value (the writer leaves a string open until it knows what follows: one piece less).
 */
export interface MemberTexts {
  readonly jsonOpen: string;
  readonly jsonNext: string;
  readonly jsonOpenQ: string;
  readonly jsonNextQ: string;
  /** `","key":` */
  readonly closeNext: string;
  /** `","key":"` */
  readonly closeNextQ: string;
}

/** A field or component. */
export interface ElementDef {
  /** The texts that start its member in staging JSON text, made on first use (see element.ts). */
  texts(): MemberTexts;
  /** HL7 position (1-based). */
  readonly seq: number;
  /** hl7apy's lower-case long name, as in the source data. */
  readonly name: string;
  /** JSON key used in staging JSON: `name` made safe and unique within its parent (see keys.ts). */
  readonly key: string;
  /** `key` as JSON text followed by `:`. */
  readonly jsonKey: string;
  /** Datatype id (`XPN`, `ST`, `varies`); `''` when the source gives none. */
  readonly datatype: string;
  /** Resolved datatype, undefined when the source gives none. */
  readonly type: DatatypeDef | undefined;
  readonly min: number;
  /** -1 unbounded, 0 not to be valued (withdrawn), otherwise the bound. */
  readonly max: number;
  /** True when the element may repeat (max -1 or > 1). */
  readonly repeats: boolean;
  readonly table: string | undefined;
}

export interface DatatypeDef {
  readonly id: string;
  /** 'composite' has components; 'varies' is typed at run time (OBX-5 by OBX-2). */
  readonly kind: 'composite' | 'primitive' | 'varies';
  /** Components by position: components[seq - 1]; holes for positions the source skips. */
  readonly components: readonly (ElementDef | undefined)[];
}

export interface SegmentDef {
  readonly id: string;
  /** Fields by position: fields[seq]; fields[0] unused. */
  readonly fields: readonly (ElementDef | undefined)[];
}

export interface SegmentNode {
  readonly kind: 'segment';
  /** Segment id, or `ANYHL7SEGMENT` for "any segment". */
  readonly id: string;
  readonly min: number;
  readonly max: number;
}

export interface GroupNode {
  readonly kind: 'group';
  /** Group id, e.g. `ORU_R01_ORDER_OBSERVATION`. */
  readonly id: string;
  /** Lower-case id, e.g. `oru_r01_order_observation`. */
  readonly name: string;
  readonly choice: boolean;
  readonly min: number;
  readonly max: number;
  readonly children: readonly StructureNode[];
}

export type StructureNode = SegmentNode | GroupNode;

export interface MessageStructure {
  readonly id: string;
  readonly children: readonly StructureNode[];
}

export interface Dictionary {
  readonly version: string;
  segment(id: string): SegmentDef | undefined;
  datatype(id: string): DatatypeDef | undefined;
  structure(id: string): MessageStructure | undefined;
  hasStructure(id: string): boolean;
  /** Values of an HL7 table, undefined when the version has no values for it. */
  table(id: string): ReadonlySet<string> | undefined;
  segmentIds(): readonly string[];
  datatypeIds(): readonly string[];
  structureIds(): readonly string[];
}
