/**
 * The shape of a staging JSON document (see docs/hl7v2-staging-json.md), for callers that
 * read back the text `toStagingJsonText` writes (`JSON.parse(text) as StagingDocument`).
 */
import type { Diagnostic } from '../diagnostics';

export type JsonValue = string | null | JsonObject | JsonValue[];
export interface JsonObject {
  [key: string]: JsonValue;
}

export interface StagingMeta {
  /** MSH-12 as sent (first component), null when absent. */
  version: string | null;
  /** Dictionary version used for the names. */
  dictionaryVersion: string;
  /** Message structure used for the layout, null for the generic layout. */
  structure: string | null;
  warnings: Diagnostic[];
}

export interface StagingDocument {
  _meta: StagingMeta;
  [segment: string]: JsonObject | JsonObject[] | StagingMeta;
}
