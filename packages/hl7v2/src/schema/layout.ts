/**
 * Segment layout of a message structure for staging JSON: which segment keys are arrays.
 * Groups are flattened: a segment is an array when it can occur more than once anywhere in
 * the structure (it or one of its enclosing groups repeats, or it is listed at several
 * places, e.g. NTE or OBX in ORU_R01). Segments the structure does not list (Z-segments,
 * segments of other structures) are always arrays. Without a structure (generic layout)
 * every segment but MSH is an array. So a given structure always gives the same JSON shape.
 */
import type { Dictionary, StructureNode } from '../dictionary/types';

export interface SegmentLayout {
  /** Segment id -> true when its staging key is an array. */
  readonly repeats: ReadonlyMap<string, boolean>;
  /** Ids listed by the structure (ANYHL7SEGMENT excluded). */
  readonly listed: ReadonlySet<string>;
  /** The structure accepts any segment (hl7apy's ANYHL7SEGMENT). */
  readonly anySegment: boolean;
}

const GENERIC: SegmentLayout = { repeats: new Map([['MSH', false]]), listed: new Set(['MSH']), anySegment: true };
const cache = new WeakMap<Dictionary, Map<string, SegmentLayout>>();

export function segmentLayout(dict: Dictionary, structureId: string | undefined): SegmentLayout {
  if (structureId === undefined) return GENERIC;
  let perDict = cache.get(dict);
  if (perDict === undefined) {
    perDict = new Map();
    cache.set(dict, perDict);
  }
  let layout = perDict.get(structureId);
  if (layout === undefined) {
    const structure = dict.structure(structureId);
    layout = structure === undefined ? GENERIC : build(structure.children);
    perDict.set(structureId, layout);
  }
  return layout;
}

function build(children: readonly StructureNode[]): SegmentLayout {
  const count = new Map<string, number>();
  const repeats = new Map<string, boolean>();
  let anySegment = false;
  const walk = (nodes: readonly StructureNode[], insideRepeat: boolean): void => {
    for (const n of nodes) {
      const rep = insideRepeat || n.max !== 1;
      if (n.kind === 'group') {
        walk(n.children, rep);
        continue;
      }
      if (n.id === 'ANYHL7SEGMENT') {
        anySegment = true;
        continue;
      }
      count.set(n.id, (count.get(n.id) ?? 0) + 1);
      repeats.set(n.id, (repeats.get(n.id) ?? false) || rep);
    }
  };
  walk(children, false);
  for (const [id, c] of count) if (c > 1) repeats.set(id, true);
  return { repeats, listed: new Set(count.keys()), anySegment };
}

/**
 * Staging key of a segment: its id in lower case; an all-digit id (only in broken input)
 * becomes `segment_<id>` so that JSON key order stays the message order.
 */
export function segmentKey(id: string): string {
  const key = id.toLowerCase();
  return /^\d+$/.test(key) ? `segment_${key}` : key;
}
