import middy from '@middy/core';
import { hubEventFromSns, HubEventName, ValidationError, type HubEvent, type MessageRecord, type SnsRecordLike } from '@hcdl/lake';
import { StagingInputMissingError } from './errors';
import { createOutcomePublisher, type LogPort, type StagingDeps, type StagingOutcome } from './stage';
import { normalizeStep, parseStep } from './steps';

/**
 * The staging workflow as separate steps (AWS: an SNS-triggered Lambda starts a Step
 * Functions Express execution; normalize and parse are its Lambda tasks). The states carry
 * pointers only: a message with embedded documents exceeds the 256 KB state limit, so the
 * normalized text travels through the work/ area.
 */

/** Execution input, written by the trigger from the `ingested` event. */
export interface StagingExecutionInput {
  messageId: string;
  source: string;
  rawKey: string;
  attempt: number;
}

/** Output of normalize = input of parse. */
export interface NormalizedState extends StagingExecutionInput {
  normalizedKey: string;
}

/** Output of parse = output of the execution. */
export type ParsedState = { messageId: string; source: string; attempt: number } & StagingOutcome;

/** Starts one staging execution (AWS adapter: Step Functions StartExecution). */
export interface WorkflowStarter {
  start(name: string, input: StagingExecutionInput): Promise<void>;
}

/** Scratch key of the normalized text between the two steps (work/ is not a zone). */
export function workNormalizedKey(messageId: string, attempt: number): string {
  return `work/normalized/${messageId}.${attempt}.hl7`;
}

/** Execution names are unique per message and attempt (letters, digits, '-', <= 80). */
export const executionName = (input: Pick<StagingExecutionInput, 'messageId' | 'attempt'>): string => `${input.messageId}-${input.attempt}`;

export function executionInputOf(event: HubEvent): StagingExecutionInput {
  const { messageId, source, rawKey } = event.body;
  const attempt = Number(event.body.attempt ?? 1);
  return checkInput({ messageId, source, rawKey, attempt });
}

function checkInput(state: Partial<Record<keyof StagingExecutionInput, unknown>>): StagingExecutionInput {
  const { messageId, source, rawKey, attempt } = state;
  if (typeof messageId !== 'string' || !/^[0-9A-Za-z-]{1,64}$/.test(messageId)) throw new ValidationError('staging state: messageId is missing or malformed');
  if (typeof source !== 'string' || source === '') throw new ValidationError('staging state: source is missing');
  if (typeof rawKey !== 'string' || !rawKey.startsWith('raw/')) throw new ValidationError('staging state: rawKey must be a raw zone key');
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1)
    throw new ValidationError('staging state: attempt must be a positive integer');
  return { messageId, source, rawKey, attempt };
}

/** SNS trigger (staging filter policy): one execution per `ingested` event. */
export function createTrigger(deps: { starter: WorkflowStarter; logger: LogPort }) {
  return middy(async (event: { Records: SnsRecordLike[] }): Promise<void> => {
    for (const record of event.Records) {
      const hubEvent = hubEventFromSns(record);
      if (hubEvent.attributes.event !== HubEventName.Ingested) {
        deps.logger.warn('staging trigger ignored an event it does not handle', { event: hubEvent.attributes.event });
        continue;
      }
      const input = executionInputOf(hubEvent);
      await deps.starter.start(executionName(input), input);
      deps.logger.info('staging execution started', { messageId: input.messageId, attempt: input.attempt });
    }
  });
}

/** Step 1: decode and normalize the raw bytes; the text goes to the work/ area. */
export function createNormalizeTask(deps: Pick<StagingDeps, 'objectStore' | 'logger'>) {
  return middy(async (state: StagingExecutionInput): Promise<NormalizedState> => {
    const input = checkInput(state);
    const raw = await deps.objectStore.get(input.rawKey);
    if (raw === undefined) throw new StagingInputMissingError('raw object', input.messageId);
    const { text } = normalizeStep(raw.body);
    const normalizedKey = workNormalizedKey(input.messageId, input.attempt);
    await deps.objectStore.put({ key: normalizedKey, body: text, contentType: 'application/hl7-v2; charset=utf-8' });
    deps.logger.info('normalized', { messageId: input.messageId, size: raw.size });
    return { ...input, normalizedKey };
  });
}

/**
 * Step 2: parse once, then publish `staged` (staging JSON via work/) or `failed`.
 *
 * Safe to retry: Step Functions may run it again after it already published (a Lambda
 * service error on the way back, a timeout). It never deletes the normalized copy (the
 * bucket's lifecycle expires work/ after a day), and if the copy is gone all the same it
 * normalizes the raw bytes again, which gives the same text. A retry publishes the same
 * outcome with the same work/ key again; core-writer applies a repeated outcome once.
 */
export function createParseTask(deps: StagingDeps) {
  const publishOutcome = createOutcomePublisher(deps);
  return middy(async (state: NormalizedState): Promise<ParsedState> => {
    const input = checkInput(state);
    const normalizedKey = workNormalizedKey(input.messageId, input.attempt);
    if (state.normalizedKey !== normalizedKey) throw new ValidationError('staging state: normalizedKey does not match the message and attempt');
    const record = await deps.catalog.getMessage(input.messageId);
    if (record === undefined) throw new StagingInputMissingError('catalog row', input.messageId);
    const outcome = await publishOutcome(record, input.attempt, parseStep(await normalizedText(deps, normalizedKey, record)));
    return { messageId: input.messageId, source: input.source, attempt: input.attempt, ...outcome };
  });
}

/** The normalized text normalize left in work/, or the raw bytes normalized again when it is gone. */
async function normalizedText(deps: Pick<StagingDeps, 'objectStore' | 'logger'>, normalizedKey: string, record: MessageRecord): Promise<string> {
  const normalized = await deps.objectStore.get(normalizedKey);
  if (normalized !== undefined) return Buffer.from(normalized.body).toString('utf8');
  const raw = await deps.objectStore.get(record.rawKey);
  if (raw === undefined) throw new StagingInputMissingError('raw object', record.messageId);
  deps.logger.warn('normalized copy missing; normalizing the raw bytes again', { messageId: record.messageId });
  return normalizeStep(raw.body).text;
}
