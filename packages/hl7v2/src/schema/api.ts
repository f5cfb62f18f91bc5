/**
 * The schema layer's entry points over a parsed Message: dictionary validation and the
 * staging JSON text. See docs/hl7v2-staging-json.md.
 */
import { getDictionary } from '../dictionary/load';
import { appendDiagnostics, copyDiagnostics, finishDiagnostics } from '../diagnostic-list';
import type { Diagnostic } from '../diagnostics';
import type { Message } from '../model';
import { SegmentRepetitions } from '../repetitions';
import { matchStructure, type MatchedNode } from './group-match';
import { locateColumns } from './columns';
import { writeStagingText } from './staging-write';
import { resolveStructure, type StructureResolution } from './structure';
import { checkEncodingCharacters, checkFields, checkMessageShape, checkStructure } from './validate-rules';

/** The dictionary structure resolution of a parsed message (MSH-9, MSH-12). */
export function structureOf(message: Message): StructureResolution {
  return resolveStructure(message.header);
}

/**
 * Every diagnostic of a message: the envelope segments found inside it, the parser's
 * structural findings, then the dictionary's (encoding characters, message shape, structure,
 * required fields, table values), at most MAX_DIAGNOSTICS of them (the others counted in a
 * closing DIAGNOSTICS_TRUNCATED). A message is stageable when none has severity 'error'
 * (`isStageable`).
 */
export function validateMessage(message: Message, resolution: StructureResolution = structureOf(message)): Diagnostic[] {
  const parsed = message.diagnostics;
  const out: Diagnostic[] = [];
  const shape: Diagnostic[] = [];
  const dict = getDictionary(resolution.dictionaryVersion);
  const msh = message.segments[0];
  checkMessageShape(message, message.nonSegmentLines, shape, out);
  appendDiagnostics(out, parsed);
  const rulesFrom = out.length;
  // The parser already reports an empty MSH-2 (ENCODING_CHARACTERS_MISSING): not twice.
  if (msh !== undefined && !hasCode(parsed, 'ENCODING_CHARACTERS_MISSING')) checkEncodingCharacters(msh, out);
  appendDiagnostics(out, shape);
  checkStructure(message, dict, resolution, out);
  checkFields(message, dict, out, new SegmentRepetitions(message.segments));
  finishDiagnostics(out);
  // The rules locate by path; give their findings the column of that place in the line.
  if (out.length > rulesFrom) locateColumns(message, out, rulesFrom);
  return out;
}

function hasCode(diagnostics: readonly Diagnostic[], code: string): boolean {
  for (let i = 0; i < diagnostics.length; i++) if ((diagnostics[i] as Diagnostic).code === code) return true;
  return false;
}

/**
 * The message's segments placed in the groups of its dictionary structure (OBX under their
 * OBR), by index into `message.segments`; nothing is dropped. With no known structure every
 * segment stays at the top level.
 */
export function groupMessage(message: Message, resolution: StructureResolution = structureOf(message)): MatchedNode[] {
  const ids = message.segments.map((s) => s.id);
  const structure = resolution.structure === undefined ? undefined : getDictionary(resolution.dictionaryVersion).structure(resolution.structure);
  if (structure === undefined) return ids.map((id, index) => ({ kind: 'segment', id, index, unexpected: false }));
  return matchStructure(structure.children, ids);
}

/**
 * What a caller that validated the message first already has: the structure resolution and
 * `validateMessage(message, resolution)`. Passing it to toStaging / toStagingJsonText spares
 * a second validation (the diagnostics are copied, never changed).
 */
export interface ValidatedMessage {
  readonly resolution: StructureResolution;
  readonly diagnostics: readonly Diagnostic[];
}

function prepared(message: Message, validated: ValidatedMessage | undefined): { resolution: StructureResolution; warnings: Diagnostic[] } {
  if (validated !== undefined) return { resolution: validated.resolution, warnings: copyDiagnostics(validated.diagnostics) };
  const resolution = structureOf(message);
  return { resolution, warnings: validateMessage(message, resolution) };
}

/** A staging document as JSON text, and the diagnostics its `_meta.warnings` holds. */
export interface StagingOutput {
  readonly text: string;
  readonly warnings: readonly Diagnostic[];
}

/**
 * The schema-named staging document of a message as JSON text (`JSON.parse` gives a
 * StagingDocument), with every diagnostic of the message: the validation's and those raised
 * while writing (FIELD_REPEATED, SEGMENT_REPEATED), also found in `_meta.warnings`.
 */
export function toStaging(message: Message, validated?: ValidatedMessage): StagingOutput {
  const { resolution, warnings } = prepared(message, validated);
  const text = writeStagingText(message, getDictionary(resolution.dictionaryVersion), resolution, warnings);
  return { text, warnings };
}

/** The staging document of a message as JSON text (see toStaging). */
export function toStagingJsonText(message: Message, validated?: ValidatedMessage): string {
  return toStaging(message, validated).text;
}
