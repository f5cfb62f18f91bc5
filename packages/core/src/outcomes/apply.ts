import {
  type Catalog,
  CatalogConflictError,
  createPatientIndex,
  ErrorStage,
  failedEvent,
  type Hub,
  type IdentityPolicy,
  type IndexOutcome,
  type LogPort,
  type MessageRecord,
  MessageStatus,
  type ObjectStore,
  stagedEvent,
  stagingKey,
} from '@hcdl/lake';
import { diagnostic } from '@hcdl/hl7v2';
import { MissingLakeObjectError } from '../errors';
import { PolicyCode } from '../policy/judge';
import type { RecordError } from '../ingest/error-zone';
import type { StageOutput } from '../stage/output';

export interface OutcomeDeps {
  objectStore: ObjectStore;
  catalog: Catalog;
  hub: Hub;
  logger: LogPort;
  now: () => string;
  recordError: RecordError;
  /** Which patient identifiers link, per source (default: the shipped policy, docs/identity.md). */
  identityPolicy?: IdentityPolicy;
}

/**
 * Keeps each merge the patient index refused as a warning diagnostic of the merge message:
 * the message's reads are ABAC-checked on its source, so only the sender's readers see why.
 * A retry of the same attempt finds them there and adds none.
 */
async function keepRejectedMerges(catalog: Catalog, record: MessageRecord, attempt: number, indexed: IndexOutcome, at: string): Promise<void> {
  if (indexed.rejectedMerges.length === 0) return;
  const kept = await catalog.listErrors({ messageId: record.messageId, limit: 1000 });
  const fresh = indexed.rejectedMerges.filter(
    (r) => !kept.items.some((e) => e.attempt === attempt && e.stage === ErrorStage.Core && e.code === r.code && e.location === `MRG[${r.mrg}]`),
  );
  await catalog.putErrors(
    fresh.map((r) => ({
      messageId: record.messageId,
      attempt,
      stage: ErrorStage.Core,
      severity: 'warning',
      code: r.code,
      message: r.reason,
      location: `MRG[${r.mrg}]`,
      at,
    })),
  );
}

/** Whether a row already holds the outcome of this attempt (a redelivered or retried outcome). */
const applied = (record: MessageRecord, status: MessageStatus, attempt: number): boolean => record.status === status && record.attempts >= attempt;

/**
 * Whether the row waits for another attempt than this one: after a replay it waits for
 * attempt n+1, and a late run of an earlier attempt must not take its place.
 */
const stale = (record: MessageRecord, attempt: number): boolean => record.status === MessageStatus.Ingested && record.attempts !== attempt - 1;

/**
 * The outcomes use-case: records what staging made of a message. `staged`: the staging JSON
 * goes to the staging zone (tagged with its raw key), the patient facts to the patient index,
 * the row to `staged`; `failed`: the raw bytes (copied inside the store) and the diagnostics
 * go to the error zone, the row to `error`. Then `staged` or `failed` is published, pointing
 * at the zone objects. An outcome applied already is not applied again, but its event is
 * published again (at least once: a crash may have come between the update and the publish).
 */
export function createOutcomes(deps: OutcomeDeps) {
  const patientIndex = createPatientIndex(deps.catalog, deps.identityPolicy !== undefined ? { policy: deps.identityPolicy } : {});

  async function rowOf(messageId: string): Promise<MessageRecord> {
    const record = await deps.catalog.getMessage(messageId);
    if (record === undefined) throw new MissingLakeObjectError('catalog row', messageId);
    return record;
  }

  async function stagingJsonOf(output: Extract<StageOutput, { outcome: 'staged' }>): Promise<string | Uint8Array | undefined> {
    if ('json' in output.staging) return output.staging.json;
    return (await deps.objectStore.get(output.staging.workKey))?.body;
  }

  async function applyStaged(output: Extract<StageOutput, { outcome: 'staged' }>): Promise<MessageRecord> {
    const { target } = output;
    const record = await rowOf(target.messageId);
    if (applied(record, MessageStatus.Staged, target.attempt) && record.stagingKey !== undefined) {
      await deps.hub.publish(stagedEvent({ ...record, stagingKey: record.stagingKey }, deps.now()));
      return record;
    }
    if (stale(record, target.attempt)) {
      deps.logger.warn('outcome of an earlier attempt ignored', { messageId: record.messageId, attempt: target.attempt, awaited: record.attempts + 1 });
      return record;
    }
    // A row made from a door rejection has no MSH fields yet: the staged message gives them.
    const filled: Partial<MessageRecord> = {};
    for (const k of ['controlId', 'messageType', 'version', 'sendingApplication', 'sendingFacility'] as const) {
      const v = output.header?.[k];
      if (record[k] === undefined && v !== undefined) filled[k] = v;
    }
    const messageType = record.messageType ?? filled.messageType;
    if (messageType === undefined || (record.controlId ?? filled.controlId) === undefined) {
      // Never a `staged` row without a type and a control id (docs/adr/0013), whatever staged it.
      const at = { line: 1, segment: 'MSH', segmentRepetition: 1 };
      const missing = [
        ...(messageType === undefined ? [diagnostic(PolicyCode.MessageTypeMissing, 'error', 'MSH-9 message type is empty', { ...at, field: 9 })] : []),
        ...((record.controlId ?? filled.controlId) === undefined
          ? [diagnostic(PolicyCode.ControlIdMissing, 'error', 'MSH-10 message control id is empty', { ...at, field: 10 })]
          : []),
      ];
      return applyFailed({ outcome: 'failed', target, stage: 'parse', diagnostics: missing });
    }
    const body = await stagingJsonOf(output);
    if (body === undefined) throw new MissingLakeObjectError('staging output', record.messageId);
    const key = stagingKey(record.source, output.structure, record.messageId);
    await deps.objectStore.put({ key, body, contentType: 'application/json', tags: { data_src: record.rawKey }, metadata: { 'message-id': record.messageId } });
    const at = deps.now();
    const indexed = await patientIndex.indexFacts(output.patient, {
      messageId: record.messageId,
      source: record.source,
      at,
      messageType,
      facility: record.sendingFacility ?? filled.sendingFacility ?? '',
    });
    await keepRejectedMerges(deps.catalog, record, target.attempt, indexed, at);
    if (indexed.links.length > 0 || indexed.merges.length > 0 || indexed.conflicts.length > 0 || indexed.rejectedMerges.length > 0) {
      // Counts only: identifiers and demographics are PHI and never logged. New links are
      // routine (every new patient): DEBUG; a merge or a conflict is worth an operator's eye.
      const notable = indexed.merges.length > 0 || indexed.conflicts.length > 0 || indexed.rejectedMerges.length > 0;
      deps.logger[notable ? 'info' : 'debug']('patient index updated', {
        messageId: record.messageId,
        links: indexed.links.length,
        merges: indexed.merges.length,
        conflicts: indexed.conflicts.length,
        rejectedMerges: indexed.rejectedMerges.length,
      });
    }
    const patch: Partial<MessageRecord> = { ...filled, status: MessageStatus.Staged, stagingKey: key, attempts: target.attempt, updatedAt: at };
    if (output.structure !== undefined) patch.structure = output.structure;
    if (indexed.patientId !== undefined) patch.patientId = indexed.patientId;
    let updated: MessageRecord;
    try {
      updated = await deps.catalog.updateMessage(record.messageId, patch, MessageStatus.Ingested);
    } catch (err) {
      // Another run of this attempt got there first (Express workflows may run twice).
      if (!(err instanceof CatalogConflictError)) throw err;
      deps.logger.info('staged outcome already applied', { messageId: record.messageId, attempt: target.attempt });
      return rowOf(record.messageId);
    }
    if ('workKey' in output.staging) await deps.objectStore.delete(output.staging.workKey);
    deps.logger.info('message staged', { messageId: record.messageId, warnings: output.warnings });
    await deps.hub.publish(stagedEvent({ ...updated, stagingKey: key }, deps.now()));
    return updated;
  }

  async function applyFailed(output: Extract<StageOutput, { outcome: 'failed' }>): Promise<MessageRecord> {
    const { target } = output;
    const record = await rowOf(target.messageId);
    if (applied(record, MessageStatus.Error, target.attempt) && record.errorKey !== undefined) {
      deps.logger.info('failed outcome already applied', { messageId: record.messageId, attempt: target.attempt });
      await deps.hub.publish(failedEvent({ ...record, errorKey: record.errorKey }, { stage: output.stage, diagnostics: output.diagnostics }, deps.now()));
      return record;
    }
    if (stale(record, target.attempt)) {
      deps.logger.warn('outcome of an earlier attempt ignored', { messageId: record.messageId, attempt: target.attempt, awaited: record.attempts + 1 });
      return record;
    }
    const stage = output.stage === 'normalize' ? ErrorStage.Normalize : ErrorStage.Parse;
    const { record: updated, kept } = await deps.recordError(record, target.attempt, stage, output.diagnostics, { fromRaw: true });
    await deps.hub.publish(failedEvent(updated, { stage, diagnostics: kept }, deps.now()));
    return updated;
  }

  return {
    /** Applies one staging outcome (see the use-case above). */
    apply(output: StageOutput): Promise<MessageRecord> {
      return output.outcome === 'staged' ? applyStaged(output) : applyFailed(output);
    },
  };
}

export type Outcomes = ReturnType<typeof createOutcomes>;
