/**
 * Places the segments of a message into the groups of its dictionary message structure
 * (so that OBX belong to their OBR), greedily and in order:
 * - at each level the next segment goes to the first node, at or after the current one,
 *   that accepts it (a segment node with that id, or a group whose possible first segments
 *   include it: its children up to and including the first required one);
 * - a repeating node stays current, so the same segment/group can follow again;
 * - a segment no node of this level accepts ends the group when an enclosing level accepts
 *   it, otherwise it is kept here, marked `unexpected` (Z-segments, misplaced segments).
 * Nothing is dropped: every segment index appears exactly once in the result.
 */
import type { GroupNode, StructureNode } from '../dictionary/types';

export interface MatchedSegment {
  readonly kind: 'segment';
  readonly id: string;
  /** Index in the message's segment list. */
  readonly index: number;
  /** True when the structure has no place for it here. */
  readonly unexpected: boolean;
}

export interface MatchedGroup {
  readonly kind: 'group';
  /** Group id, e.g. `ORU_R01_ORDER_OBSERVATION`. */
  readonly id: string;
  /** Lower-case id, e.g. `oru_r01_order_observation`. */
  readonly name: string;
  readonly children: MatchedNode[];
}

export type MatchedNode = MatchedSegment | MatchedGroup;

const firstSets = new WeakMap<GroupNode, ReadonlySet<string>>();

function firstSet(g: GroupNode): ReadonlySet<string> {
  let set = firstSets.get(g);
  if (set === undefined) {
    const s = new Set<string>();
    for (const c of g.children) {
      if (c.kind === 'segment') s.add(c.id);
      else for (const id of firstSet(c)) s.add(id);
      if (c.min >= 1 && !g.choice) break;
    }
    set = s;
    firstSets.set(g, set);
  }
  return set;
}

function accepts(node: StructureNode, id: string): boolean {
  if (node.kind === 'segment') return node.id === id || node.id === 'ANYHL7SEGMENT';
  const fs = firstSet(node);
  return fs.has(id) || fs.has('ANYHL7SEGMENT');
}

interface Cursor {
  pos: number;
}

function matchLevel(
  nodes: readonly StructureNode[],
  ids: readonly string[],
  cur: Cursor,
  out: MatchedNode[],
  outerAccepts: (id: string) => boolean,
  isGroup: boolean,
): void {
  let i = 0;
  while (cur.pos < ids.length) {
    const id = ids[cur.pos] as string;
    let j = -1;
    for (let k = i; k < nodes.length; k++) {
      if (accepts(nodes[k] as StructureNode, id)) {
        j = k;
        break;
      }
    }
    if (j < 0) {
      if (isGroup && outerAccepts(id)) return;
      out.push({ kind: 'segment', id, index: cur.pos, unexpected: true });
      cur.pos++;
      continue;
    }
    const node = nodes[j] as StructureNode;
    i = node.max !== 1 ? j : j + 1;
    if (node.kind === 'segment') {
      out.push({ kind: 'segment', id, index: cur.pos, unexpected: false });
      cur.pos++;
      continue;
    }
    const group: MatchedGroup = { kind: 'group', id: node.id, name: node.name, children: [] };
    out.push(group);
    const resume = i;
    const inner = (x: string): boolean => {
      for (let k = resume; k < nodes.length; k++) if (accepts(nodes[k] as StructureNode, x)) return true;
      return outerAccepts(x);
    };
    // The group's first segment is consumed inside it, so the group cannot be empty.
    matchLevel(node.children, ids, cur, group.children, inner, true);
  }
}

/** Matches segment ids (in message order) against a structure's top-level nodes. */
export function matchStructure(children: readonly StructureNode[], ids: readonly string[]): MatchedNode[] {
  const out: MatchedNode[] = [];
  matchLevel(children, ids, { pos: 0 }, out, () => false, false);
  return out;
}
