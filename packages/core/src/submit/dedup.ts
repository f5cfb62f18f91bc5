import { IdempotencyAlreadyInProgressError, IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import { IdempotencyRecordStatus } from '@aws-lambda-powertools/idempotency';

/** What the idempotent ingest stores and returns for a message. */
export interface IngestResult {
  messageId: string;
  controlId?: string;
  messageType?: string;
}

export interface DedupInput {
  /** `source#sha256(normalized)`: the only part of the input the idempotency key is taken from. */
  dedupKey: string;
  candidateId: string;
  /** The key's parts, for the catalog's content claim (the key is taken from `dedupKey` only). */
  source?: string;
  contentHash?: string;
}

/**
 * The catalog's answer for a key (ADR 0014): the message whose row claims the content, if
 * one does. Consulted when the idempotency record is in progress: a record a crash left in
 * progress after its row was committed is answered with that row's id at once.
 */
export type HeldBy = (input: DedupInput) => Promise<IngestResult | undefined>;

export type DedupOutcome = { duplicate: false; result: IngestResult } | { duplicate: true; result: IngestResult };

/**
 * Prefix of every idempotency record's key (`hcdl-dedup#<hash>`). Powertools defaults it to the
 * Lambda function's name: renaming the function, or ingesting the same message through another
 * deployable (front door, landing function, MLLP container, the local lake), would then miss
 * the records of the window. One fixed name makes the window the lake's, not a function's.
 */
export const DEDUP_KEY_PREFIX = 'hcdl-dedup';

/**
 * Long-window deduplication with Powertools idempotency: the first request for a key runs
 * `ingest` and stores its result for `windowSeconds`; a later one gets the stored result
 * (a duplicate: its id differs from the candidate id). A concurrent duplicate finds the
 * record in progress: it waits for the winner's result, so exactly one request wins.
 */
export function createDedup(
  store: BasePersistenceLayer,
  windowSeconds: number,
  options: { waitMs?: number; inProgressBudgetMs?: number; heldBy?: HeldBy } = {},
) {
  const config = new IdempotencyConfig({ eventKeyJmesPath: 'dedupKey', expiresAfterSeconds: windowSeconds, throwOnNoIdempotencyKey: true });
  // Powertools sets the in-progress expiry from the Lambda's remaining time. Give it a fixed
  // budget (longer than any ingest) so a record left in progress by a crash is taken over
  // after that, instead of blocking the message for the whole window.
  const budget = options.inProgressBudgetMs ?? 60000;
  // A waiter waits as long as the winner's record may be in progress: a winner slowed by a busy
  // machine or a throttled table is still the winner, and giving up earlier answers 503 to a
  // request that would have been a plain duplicate a moment later.
  const waitMs = options.waitMs ?? budget;
  config.registerLambdaContext({ getRemainingTimeInMillis: () => budget } as Parameters<IdempotencyConfig['registerLambdaContext']>[0]);
  return async function dedup(input: DedupInput, ingest: () => Promise<IngestResult>): Promise<DedupOutcome> {
    const run = makeIdempotent(async (_i: DedupInput): Promise<IngestResult> => ingest(), { persistenceStore: store, config, keyPrefix: DEDUP_KEY_PREFIX });
    const started = Date.now();
    let consulted = false;
    for (let delay = 20; ; delay = Math.min(delay * 2, 500)) {
      let timedOut: unknown;
      try {
        const result = await run(input);
        return { duplicate: result.messageId !== input.candidateId, result };
      } catch (err) {
        if (!(err instanceof IdempotencyAlreadyInProgressError)) throw err;
        if (Date.now() - started > waitMs) timedOut = err;
      }
      // The record is in progress. A crash may have left it so after the row was committed:
      // the catalog then holds the answer. Asked once at first (a live winner's row is rarely
      // there yet, and 50 waiters asking every round would crowd the winner's own requests)
      // and once more before giving up.
      if (!consulted || timedOut !== undefined) {
        consulted = true;
        const held = await options.heldBy?.(input);
        if (held !== undefined) return { duplicate: held.messageId !== input.candidateId, result: held };
      }
      if (timedOut !== undefined) throw timedOut;
      // The winner is still writing: read its record until it completes.
      await new Promise((r) => setTimeout(r, delay));
      try {
        const record = await store.getRecord(input as unknown as Record<string, string>);
        if (record.getStatus() === IdempotencyRecordStatus.COMPLETED) return { duplicate: true, result: record.getResponse() as unknown as IngestResult };
      } catch {
        // Not found (the winner failed and removed it): the next round tries to win.
      }
    }
  };
}

/**
 * The dedup's options on a writer (ADR 0014): the catalog's content claim answers a record
 * left in progress, and `dedupInProgressSeconds` is how long such a record blocks its key.
 */
export function dedupOptions(
  writer: { heldBy(source: string, hash: string): Promise<{ messageId: string; controlId?: string; messageType?: string } | undefined> },
  config: { dedupInProgressSeconds?: number | undefined },
): { heldBy: HeldBy; inProgressBudgetMs?: number } {
  const heldBy: HeldBy = async (input) => {
    if (input.source === undefined || input.contentHash === undefined) return undefined;
    const row = await writer.heldBy(input.source, input.contentHash);
    if (row === undefined) return undefined;
    const result: IngestResult = { messageId: row.messageId };
    if (row.controlId !== undefined) result.controlId = row.controlId;
    if (row.messageType !== undefined) result.messageType = row.messageType;
    return result;
  };
  return config.dedupInProgressSeconds === undefined ? { heldBy } : { heldBy, inProgressBudgetMs: config.dedupInProgressSeconds * 1000 };
}
