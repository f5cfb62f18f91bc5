/**
 * The SQL shape of a staging JSON segment across dictionary versions, for typed columns that
 * every engine declares the same way (DuckDB locally, Glue/Athena in the cloud): a segment is
 * a struct of its fields, a field a struct of its components (a component a struct of its
 * subcomponents), leaves are text. Staging JSON names elements with the dictionary of each
 * message's own version (docs/hl7v2-staging-json.md), so one shape for all versions is the
 * union of theirs:
 *
 * - a field is a list when it may repeat in any version (a value sent where it does not
 *   repeat reads as a one-element list);
 * - an element that is primitive in some versions and composite in others (TS -> DTM in 2.6,
 *   IS -> CWE in 2.7) is text: the value as sent, or the JSON text of its components. Text is
 *   the one type both a string and an object can be read as by DuckDB's json_transform and by
 *   Athena's OpenX JSON SerDe alike;
 * - components and fields are matched by name; names that differ between versions
 *   (`accept_acknowledgement_type` in 2.3, `accept_acknowledgment_type` later) are both kept.
 */
import { DICTIONARY_VERSIONS, getDictionary } from '../dictionary/load';
import type { ElementDef } from '../dictionary/types';

export type SqlShape =
  | { readonly kind: 'text' }
  /** Only for numbers the lake writes itself (warning locations), never for HL7 values. */
  | { readonly kind: 'integer' }
  | { readonly kind: 'struct'; readonly fields: readonly SqlField[] }
  | { readonly kind: 'list'; readonly element: SqlShape };

export interface SqlField {
  readonly name: string;
  readonly shape: SqlShape;
}

const TEXT: SqlShape = { kind: 'text' };
const INTEGER: SqlShape = { kind: 'integer' };

/** Mutable while versions are merged. */
interface Node {
  list: boolean;
  /** Undefined for text. */
  children: Map<string, Node> | undefined;
}

/** Staging JSON expands fields, components and subcomponents (depth 0, 1, 2); deeper is text. */
function elementNode(e: ElementDef, depth: number): Node {
  const t = e.type;
  const node: Node = { list: depth === 0 && e.repeats, children: undefined };
  if (t !== undefined && t.kind === 'composite' && depth < 2 && t.components.some((c) => c !== undefined)) {
    node.children = new Map();
    for (const c of t.components) if (c !== undefined) node.children.set(c.key, elementNode(c, depth + 1));
  }
  return node;
}

function merge(into: Node, other: Node): void {
  into.list ||= other.list;
  if (into.children === undefined) return;
  if (other.children === undefined) {
    into.children = undefined;
    return;
  }
  for (const [k, v] of other.children) {
    const mine = into.children.get(k);
    if (mine === undefined) into.children.set(k, v);
    else merge(mine, v);
  }
}

function toShape(n: Node): SqlShape {
  const inner: SqlShape = n.children === undefined ? TEXT : { kind: 'struct', fields: [...n.children].map(([name, c]) => ({ name, shape: toShape(c) })) };
  return n.list ? { kind: 'list', element: inner } : inner;
}

const cache = new Map<string, SqlShape | undefined>();

/**
 * The shape of one segment (`MSH`) over every dictionary version that defines it, fields in
 * the order they first appear from the oldest version on; undefined when no version does.
 * Fields the dictionary does not define (`field_<n>`) are not part of it.
 */
export function segmentSqlShape(segmentId: string): SqlShape | undefined {
  if (cache.has(segmentId)) return cache.get(segmentId);
  let root: Node | undefined;
  for (const v of DICTIONARY_VERSIONS) {
    const def = getDictionary(v).segment(segmentId);
    if (def === undefined) continue;
    const node: Node = { list: false, children: new Map() };
    for (const f of def.fields) if (f !== undefined) node.children?.set(f.key, elementNode(f, 0));
    if (root === undefined) root = node;
    else merge(root, node);
  }
  const shape = root === undefined ? undefined : toShape(root);
  cache.set(segmentId, shape);
  return shape;
}

/** `_meta` of every staging document (StagingMeta), warnings with their location. */
export const META_SQL_SHAPE: SqlShape = {
  kind: 'struct',
  fields: [
    { name: 'version', shape: TEXT },
    { name: 'dictionaryVersion', shape: TEXT },
    { name: 'structure', shape: TEXT },
    {
      name: 'warnings',
      shape: {
        kind: 'list',
        element: {
          kind: 'struct',
          fields: [
            ...['code', 'severity', 'message', 'location'].map((name) => ({ name, shape: TEXT })),
            ...['line', 'column'].map((name) => ({ name, shape: INTEGER })),
            { name: 'segment', shape: TEXT },
            ...['segmentRepetition', 'field', 'repetition', 'component', 'subcomponent'].map((name) => ({ name, shape: INTEGER })),
          ],
        },
      },
    },
  ],
};

/** Leaves of a shape (text values a row holds at most, lists counted once). */
export function shapeLeaves(shape: SqlShape): number {
  if (shape.kind === 'text' || shape.kind === 'integer') return 1;
  if (shape.kind === 'list') return shapeLeaves(shape.element);
  return shape.fields.reduce((n, f) => n + shapeLeaves(f.shape), 0);
}
