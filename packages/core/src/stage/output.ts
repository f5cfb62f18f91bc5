import { type Diagnostic, errorsFirst } from '@hcdl/hl7v2';
import { assertMessageId, isPatientFacts, type PatientFacts } from '@hcdl/lake';
import { StepInputError } from '../errors';
import type { StagedHeader } from './steps';

/** The message and attempt a staging run is about (from the `ingested` event). */
export interface StageTarget {
  messageId: string;
  source: string;
  rawKey: string;
  attempt: number;
  /** MSH-9 as the catalog recorded it (what an older parser may choose by). */
  messageType?: string;
}

/** Diagnostics handed from staging to the outcome step (errors first); the error zone keeps as many. */
export const MAX_HANDED_DIAGNOSTICS = 100;

/**
 * The hand-off from the staging step to the outcome step (in memory locally; the Step
 * Functions state between two Lambda tasks on AWS, so plain JSON). The staging JSON travels
 * inline when small, else through the work/ area (the state is limited to 256 KB).
 */
export type StageOutput =
  | {
      outcome: 'staged';
      target: StageTarget;
      structure?: string;
      staging: { json: string } | { workKey: string };
      patient: PatientFacts;
      warnings: number;
      /** MSH fields the outcome fills in when the row lacks them (a replayed door rejection). */
      header?: StagedHeader;
    }
  | { outcome: 'failed'; target: StageTarget; stage: 'normalize' | 'parse'; diagnostics: Diagnostic[] };

export function failedOutput(target: StageTarget, stage: 'normalize' | 'parse', diagnostics: readonly Diagnostic[]): StageOutput {
  return { outcome: 'failed', target, stage, diagnostics: errorsFirst(diagnostics, MAX_HANDED_DIAGNOSTICS) };
}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Checks a target that crossed a boundary. */
export function parseStageTarget(value: unknown): StageTarget {
  if (!isObject(value)) throw new StepInputError('staging target is not an object');
  const { messageId, source, rawKey, attempt, messageType } = value;
  if (typeof messageId !== 'string') throw new StepInputError('staging target: messageId is missing');
  try {
    assertMessageId(messageId);
  } catch (err) {
    throw new StepInputError('staging target: messageId is not a message id', { cause: err });
  }
  if (typeof source !== 'string' || source === '') throw new StepInputError('staging target: source is missing');
  if (typeof rawKey !== 'string' || !rawKey.startsWith('raw/')) throw new StepInputError('staging target: rawKey must be a raw zone key');
  if (typeof attempt !== 'number' || !Number.isSafeInteger(attempt) || attempt < 1)
    throw new StepInputError('staging target: attempt must be a positive integer');
  const target: StageTarget = { messageId, source, rawKey, attempt };
  if (typeof messageType === 'string') target.messageType = messageType;
  return target;
}

/** Checks a stage output that crossed a boundary (the outcome step's input on AWS). */
export function parseStageOutput(value: unknown): StageOutput {
  if (!isObject(value)) throw new StepInputError('stage output is not an object');
  const target = parseStageTarget(value.target);
  if (value.outcome === 'failed') {
    const { stage, diagnostics } = value;
    if (stage !== 'normalize' && stage !== 'parse') throw new StepInputError('stage output: stage must be normalize or parse');
    if (
      !Array.isArray(diagnostics) ||
      !diagnostics.every((d) => isObject(d) && typeof d.code === 'string' && (d.severity === 'error' || d.severity === 'warning'))
    ) {
      throw new StepInputError('stage output: diagnostics must be a list of diagnostics');
    }
    return { outcome: 'failed', target, stage, diagnostics: diagnostics as unknown as Diagnostic[] };
  }
  if (value.outcome !== 'staged') throw new StepInputError('stage output: outcome must be staged or failed');
  const { staging, patient, warnings, structure, header } = value;
  if (!isObject(staging) || !(typeof staging.json === 'string' || (typeof staging.workKey === 'string' && staging.workKey.startsWith('work/')))) {
    throw new StepInputError('stage output: staging must hold the JSON or a work/ key');
  }
  if (!isPatientFacts(patient)) throw new StepInputError('stage output: patient facts are malformed');
  if (typeof warnings !== 'number') throw new StepInputError('stage output: warnings must be a count');
  if (structure !== undefined && typeof structure !== 'string') throw new StepInputError('stage output: structure must be text');
  const out: StageOutput = {
    outcome: 'staged',
    target,
    staging: typeof staging.json === 'string' ? { json: staging.json } : { workKey: staging.workKey as string },
    patient,
    warnings,
  };
  if (structure !== undefined) out.structure = structure;
  if (header !== undefined) {
    if (!isObject(header) || !Object.values(header).every((v) => typeof v === 'string')) throw new StepInputError('stage output: header must hold text fields');
    out.header = header as StagedHeader;
  }
  return out;
}
