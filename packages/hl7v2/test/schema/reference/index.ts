/**
 * The reference writer's entry point (tests only), used the way the removed
 * `toStagingJson(message, validated?)` was: the document as objects, validation included.
 */
import { getDictionary } from '../../../src/dictionary/load';
import type { Message } from '../../../src/model';
import { structureOf, validateMessage, type ValidatedMessage } from '../../../src/schema/api';
import type { StagingDocument } from '../../../src/schema/staging-document';
import { buildStaging } from './staging-build';

export function referenceStaging(message: Message, validated?: ValidatedMessage): StagingDocument {
  const resolution = validated?.resolution ?? structureOf(message);
  const warnings = validated !== undefined ? [...validated.diagnostics] : validateMessage(message, resolution);
  return buildStaging(message, getDictionary(resolution.dictionaryVersion), resolution, warnings);
}

/** `JSON.stringify` of the reference document: the text the package's writer must give. */
export function referenceStagingText(message: Message, validated?: ValidatedMessage): string {
  return JSON.stringify(referenceStaging(message, validated));
}
