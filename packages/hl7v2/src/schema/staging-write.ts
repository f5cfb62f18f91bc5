/**
 * The staging JSON document (docs/hl7v2-staging-json.md): `_meta`, then one member per
 * segment id in the order ids first occur, each segment's object written by staging-text.ts.
 * What the writer needs per segment id (its JSON key, its dictionary definition, whether it
 * repeats, its place in the document being written) is kept on one entry per id, so a
 * segment costs one lookup.
 */
import { finishDiagnostics } from '../diagnostic-list';
import type { Dictionary, SegmentDef } from '../dictionary/types';
import { flat } from '../flat';
import { reportExtraSegment, type Diagnostic } from './diagnostics';
import { segmentKey, segmentLayout, type SegmentLayout } from './layout';
import { segmentText, str, type Findings, type Separators } from './staging-text';
import type { StructureResolution } from './structure';
import { atChunk, closeChunks, cutList } from './text-chunks';
import type { MessageView, SegmentView } from './view';

interface Slot {
  /** The member's key as JSON text (`"pid"`, `"pv1_extra"`). */
  readonly key: string;
  readonly array: boolean;
  /** The segment objects so far, comma-separated (a rope: flattened once, with the document). */
  text: string;
  /** Segments with this id so far (the repetition of the last one). */
  count: number;
  /** Earlier segment objects, cut off in flat chunks when there are many (see text-chunks.ts). */
  parts: string[] | undefined;
}

/** Adds a segment object's text to a slot. */
function append(slot: Slot, text: string): void {
  if (atChunk(slot.count, slot.text)) {
    cutList((slot.parts ??= []), slot.text);
    slot.text = '';
  }
  slot.text += `,${text}`;
}

function slotText(slot: Slot): string {
  const list = slot.parts === undefined ? slot.text : closeChunks(slot.parts, slot.text, '');
  return slot.array ? `[${list}]` : list;
}

/** What the writer keeps per segment id, across documents. */
interface Entry {
  /** JSON key text (`"pid"`), flat. */
  readonly key: string;
  /** The dictionary `def` was looked up in, and the definition. */
  dict: Dictionary | undefined;
  def: SegmentDef | undefined;
  /** The layout `repeats` was read from, and whether the id's member is an array there. */
  layout: SegmentLayout | undefined;
  repeats: boolean;
  /** The document `slot` belongs to (a number from `documents`). */
  document: number;
  slot: Slot | undefined;
}

/** Entries by segment id: at most one per possible id (26 x 36 x 36), and a few odd ones. */
const entries = new Map<string, Entry>();
const MAX_ENTRIES = 50_000;
let documents = 0;

function entryOf(id: string): Entry {
  let e = entries.get(id);
  if (e === undefined) {
    e = { key: flat(str(segmentKey(id))), dict: undefined, def: undefined, layout: undefined, repeats: true, document: 0, slot: undefined };
    entries.set(id, e);
  }
  return e;
}

/**
 * Staging JSON text. `_meta` is written first but built last, so warnings raised while
 * writing the segments are included.
 */
export function writeStagingText(view: MessageView, dict: Dictionary, resolution: StructureResolution, warnings: Diagnostic[]): string {
  const seps: Separators = { component: view.componentSeparator, subcomponent: view.subcomponentSeparator };
  const layout = segmentLayout(dict, resolution.structure);
  // Only between documents: an entry must keep its slot for the whole of one.
  if (entries.size > MAX_ENTRIES) entries.clear();
  const document = ++documents;
  const order: Slot[] = [];
  let extras: Map<string, Slot> | undefined;
  const segments = view.segments;
  const findings: Findings = { warnings, segments, reported: undefined, repetitions: undefined };
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] as SegmentView;
    const e = entryOf(seg.id);
    if (e.dict !== dict) {
      e.dict = dict;
      e.def = dict.segment(seg.id);
    }
    if (e.layout !== layout) {
      e.layout = layout;
      e.repeats = layout.repeats.get(seg.id) ?? true;
    }
    const text = segmentText(segments, i, e.def, dict, seps, findings);
    const slot = e.document === document ? e.slot : undefined;
    if (slot === undefined) {
      e.document = document;
      e.slot = { key: e.key, array: e.repeats, text, count: 1, parts: undefined };
      order.push(e.slot);
      continue;
    }
    if (e.repeats) {
      append(slot, text);
      slot.count++;
      continue;
    }
    const n = ++slot.count;
    const extraKey = `${segmentKey(seg.id)}_extra`;
    const extraJsonKey = str(extraKey);
    extras ??= new Map();
    const extraSlot = extras.get(extraJsonKey);
    if (extraSlot === undefined) {
      const created: Slot = { key: extraJsonKey, array: true, text, count: 1, parts: undefined };
      extras.set(extraJsonKey, created);
      order.push(created);
    } else {
      append(extraSlot, text);
      extraSlot.count++;
    }
    reportExtraSegment(warnings, seg, n, resolution.structure, extraKey);
  }
  finishDiagnostics(warnings);
  const meta = {
    version: resolution.version.sent ?? null,
    dictionaryVersion: resolution.dictionaryVersion,
    structure: resolution.structure ?? null,
    warnings,
  };
  let out = `{"_meta":${JSON.stringify(meta)}`;
  for (const slot of order) out += `,${slot.key}:${slotText(slot)}`;
  return `${out}}`;
}
