import { failedEvent, stagedEvent, workStagingKey, type Catalog, type Hub, type HubEvent, type MessageRecord, type ObjectStore } from '@hcdl/lake';
import { errorsFirst } from '@hcdl/hl7v2';
import { StagingInputMissingError } from './errors';
import { normalizeStep, parseStep, type ParseOutcome } from './steps';

/** Diagnostics carried by a `failed` event (errors first), well under SNS's 256 KB. */
export const MAX_EVENT_DIAGNOSTICS = 100;

/** The logging the function needs (Powertools Logger satisfies it). Never pass message content. */
export interface LogPort {
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

/** What a staging run ended with (the pointers are those of the `staged` event). */
export type StagingOutcome = { outcome: 'failed' } | { outcome: 'staged'; workKey: string; attempt: number; structure?: string };

export interface StagingDeps {
  /** Read access to the raw zone and write access to the work/ hand-off area only. */
  objectStore: ObjectStore;
  /** Read access, to put the catalog row into the outcome events. */
  catalog: Pick<Catalog, 'getMessage'>;
  hub: Hub;
  logger: LogPort;
}

/**
 * The end of a staging run: hands the staging JSON to core through the work/ area (core
 * alone writes the zones) and publishes `staged`, or publishes `failed` with the
 * diagnostics. Shared by the in-process run below and the AWS parse step.
 */
export function createOutcomePublisher(deps: StagingDeps) {
  return async function publishOutcome(record: MessageRecord, attempt: number, outcome: ParseOutcome): Promise<StagingOutcome> {
    const { messageId } = record;
    if (!outcome.ok) {
      await deps.hub.publish(failedEvent(record, { attempt, stage: 'parse', diagnostics: errorsFirst(outcome.diagnostics, MAX_EVENT_DIAGNOSTICS) }));
      deps.logger.info('staging failed', { messageId, diagnostics: outcome.diagnostics.length });
      return { outcome: 'failed' };
    }
    const workKey = workStagingKey(messageId, attempt);
    await deps.objectStore.put({ key: workKey, body: outcome.stagingJson, contentType: 'application/json' });
    const pointers: { workKey: string; attempt: number; structure?: string } = { workKey, attempt };
    if (outcome.structure !== undefined) pointers.structure = outcome.structure;
    await deps.hub.publish(stagedEvent(record, pointers));
    deps.logger.info('staging done', { messageId, warnings: outcome.warnings });
    return { outcome: 'staged', ...pointers };
  };
}

/**
 * Runs normalize then parse on one `ingested` event and publishes `staged` (the staging
 * JSON handed to core through the work/ area: core alone writes the zones) or `failed`
 * with the diagnostics.
 */
export function createStaging(deps: StagingDeps) {
  const publishOutcome = createOutcomePublisher(deps);
  return async function stage(event: HubEvent): Promise<'staged' | 'failed'> {
    const { messageId } = event.body;
    const record = await deps.catalog.getMessage(messageId);
    if (record === undefined) throw new StagingInputMissingError('catalog row', messageId);
    const attempt = Number(event.body.attempt ?? record.attempts + 1);
    const raw = await deps.objectStore.get(record.rawKey);
    if (raw === undefined) throw new StagingInputMissingError('raw object', messageId);
    const { text } = normalizeStep(raw.body);
    return (await publishOutcome(record, attempt, parseStep(text))).outcome;
  };
}
