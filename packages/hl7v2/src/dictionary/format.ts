/**
 * The compact encoding written by tools/generate-dictionary.ts into ./generated.
 *
 * `POOL` (pool.ts) is JSON text of `{ e, l, g, m, t }`, shared by all versions:
 * - `e`: distinct elements (fields and components), each
 *   `[seq, name, datatype, min, max, table?, leaf?]` (table `''` when absent but `leaf` follows;
 *   `leaf: 1` marks hl7apy's "leaf with a composite datatype", PV1-52 in 2.7/2.8.2).
 * - `l`: element lists, each an array of indexes into `e` (a segment's fields or a
 *   datatype's components, sorted by seq).
 * - `g`: message-structure groups, each `[id, choice, min, max, children]` where `choice` is
 *   1 for a choice group and `children` are node refs.
 * - `m`: message structures, each an array of node refs.
 * - `t`: table value lists.
 * A node ref is `"SEG:min:max"` for a segment (`ANYHL7SEGMENT` stands for any segment) or
 * a number, the index of a group in `g`.
 *
 * `Vx_y` (vx_y.ts) is JSON text of `{ version, s, d, m, t }`: segment id -> `l` index,
 * datatype id -> `l` index or `'p'` (primitive) / `'v'` (varies), message structure id ->
 * `m` index, table id -> `t` index. `max: -1` is unbounded, `max: 0` "not to be valued".
 */
export type EncodedElement = [number, string, string, number, number, string?, number?];
export type EncodedNodeRef = string | number;
export type EncodedGroup = [string, number, number, number, EncodedNodeRef[]];

export interface EncodedPool {
  e: EncodedElement[];
  l: number[][];
  g: EncodedGroup[];
  m: EncodedNodeRef[][];
  t: string[][];
}

export interface EncodedVersion {
  version: string;
  s: Record<string, number>;
  d: Record<string, number | 'p' | 'v'>;
  m: Record<string, number>;
  t: Record<string, number>;
}
