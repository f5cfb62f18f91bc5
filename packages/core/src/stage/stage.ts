import { type IngestedEvent, type LogPort, type ObjectStore, workStagingKey } from '@hcdl/lake';
import { MissingLakeObjectError } from '../errors';
import { failedOutput, type StageOutput, type StageTarget } from './output';
import { policyFor, type ValidationPolicies } from '../policy/validation-policy';
import { defaultStager, type Stager } from './steps';

/** Staging JSON up to this size (UTF-8 bytes) travels inline in the hand-off; larger goes through work/. */
export const INLINE_STAGING_BYTES = 128 * 1024;

export interface StageDeps {
  /** Read access to the raw zone; write access to work/ only (hand-off of large outputs). */
  objectStore: Pick<ObjectStore, 'get' | 'put'>;
  logger: LogPort;
  stager?: Stager;
  /** Largest staging JSON handed inline (default INLINE_STAGING_BYTES; Infinity in one process). */
  inlineBytes?: number;
  /** The validation policy of each source (default: standard everywhere). */
  policies?: ValidationPolicies;
  /** The heap staging may use, in bytes (default: the thread's V8 heap limit; a Lambda passes a share of its memory): see StagerContext. */
  heapBytes?: number;
}

/** The staging target of an `ingested` event. */
export function targetOf(event: IngestedEvent): StageTarget {
  const { messageId, source, rawKey, attempt } = event.body;
  const target: StageTarget = { messageId, source, rawKey, attempt };
  if (event.attributes.messageType !== '' && event.attributes.messageType !== 'UNKNOWN') target.messageType = event.attributes.messageType;
  return target;
}

/**
 * The stage use-case: reads the raw bytes once and stages them (stageMessage: one
 * normalization, one parse), handing the result to the outcome step. It writes no zone and
 * no catalog row: on AWS it runs with read access to raw/ and write access to work/ only,
 * so the code that reads hostile input holds no right to change the lake.
 */
export function createStage(deps: StageDeps) {
  const stager = deps.stager ?? defaultStager;
  const inline = deps.inlineBytes ?? INLINE_STAGING_BYTES;
  return async function stage(target: StageTarget): Promise<StageOutput> {
    const raw = await deps.objectStore.get(target.rawKey);
    if (raw === undefined) throw new MissingLakeObjectError('raw object', target.messageId);
    const result = await stager(raw.body, { messageType: target.messageType, policy: policyFor(deps.policies, target.source), heapBytes: deps.heapBytes });
    if (!result.ok) {
      deps.logger.warn('staging failed', { messageId: target.messageId, diagnostics: result.diagnostics.length });
      return failedOutput(target, result.stage, result.diagnostics);
    }
    const out: StageOutput = { outcome: 'staged', target, staging: { json: result.stagingJson }, patient: result.patient, warnings: result.warnings };
    if (result.structure !== undefined) out.structure = result.structure;
    if (result.header !== undefined) out.header = result.header;
    if (inline !== Number.POSITIVE_INFINITY && Buffer.byteLength(result.stagingJson, 'utf8') > inline) {
      const workKey = workStagingKey(target.messageId, target.attempt);
      await deps.objectStore.put({ key: workKey, body: result.stagingJson, contentType: 'application/json' });
      out.staging = { workKey };
    }
    // DEBUG: the outcome's `message staged` line (INFO) says it with the warnings, once per message.
    deps.logger.debug('staging done', { messageId: target.messageId, warnings: result.warnings });
    return out;
  };
}

export type Stage = ReturnType<typeof createStage>;
