import { diagnostic, type Diagnostic, Hl7FatalError, splitMessages } from '@hcdl/hl7v2';
import { allItems, type Catalog, ErrorStage, type LogPort, type MessageRecord, type ObjectStore } from '@hcdl/lake';
import { CoreError, MissingLakeObjectError } from '../errors';
import type { RecordError } from '../ingest/error-zone';
import type { MessageIngest } from '../submit/messages';

/** What the door's split made of a replayed door rejection. */
export type DoorReplay =
  /** Still not HL7 as the door reads it: a new failed attempt, with the door's diagnostics. */
  | { kind: 'rejected'; record: MessageRecord }
  /** One message: staged under the row's own id, as any message is. */
  | { kind: 'one-message' }
  /** Several messages: each ingested as a message of its own (dedup included); the row points at them. */
  | { kind: 'split'; record: MessageRecord; batchId: string | undefined; messageIds: string[] };

export interface DoorReplayDeps {
  catalog: Pick<Catalog, 'listErrors'>;
  objectStore: Pick<ObjectStore, 'get'>;
  recordError: RecordError;
  ingestMessages: MessageIngest;
  logger: LogPort;
}

/** Code of the note a split door rejection keeps on its own row (a warning: nothing is wrong any more). */
export const REPLAYED_AS_MESSAGES = 'REPLAYED_AS_MESSAGES';

/**
 * Replay of input the front door refused (NOT_HL7): it goes through the door's split again,
 * never straight to the parser, which would stage the first message of a blob and drop the
 * rest (docs/adr/0013). Still refused: a new attempt with the split's diagnostics. One
 * message: the row is staged as any other (its MSH fields filled by the outcome). Several:
 * each is ingested as a message of its own, deduplicated as at the door, in a batch whose
 * file is the rejected input; the rejected row keeps a note naming the batch.
 */
export function createDoorReplay(deps: DoorReplayDeps) {
  /** Whether the row's last attempt was refused at the front door. */
  async function refusedAtDoor(record: MessageRecord): Promise<boolean> {
    let last: string | undefined;
    for await (const e of allItems((cursor) => deps.catalog.listErrors({ messageId: record.messageId, ...(cursor !== undefined ? { cursor } : {}) }))) {
      if (e.attempt === record.attempts) last = e.stage;
    }
    return last === ErrorStage.FrontDoor;
  }

  /** Runs the door on a row already put back to `ingested` for `attempt`. */
  async function run(record: MessageRecord, attempt: number): Promise<DoorReplay> {
    const raw = await deps.objectStore.get(record.rawKey);
    if (raw === undefined) throw new MissingLakeObjectError('raw object', record.messageId);
    let diagnostics: Diagnostic[] | undefined;
    let count = 0;
    try {
      const split = splitMessages(raw.body);
      if (split.diagnostics.some((d) => d.severity === 'error')) diagnostics = split.diagnostics;
      count = split.messages.length;
    } catch (err) {
      if (!(err instanceof Hl7FatalError)) throw err;
      diagnostics = [...err.diagnostics];
    }
    if (diagnostics !== undefined || count === 0) {
      const found = diagnostics ?? [diagnostic('EMPTY_BATCH', 'error', 'the input holds no message', { line: 1 })];
      const { record: updated } = await deps.recordError(record, attempt, ErrorStage.FrontDoor, found, { fromRaw: true });
      return { kind: 'rejected', record: updated };
    }
    if (count === 1) return { kind: 'one-message' };
    const outcome = await deps.ingestMessages({
      source: record.source,
      bytes: raw.body,
      ...(record.submittedBy !== undefined ? { submittedBy: record.submittedBy } : {}),
    });
    if (outcome.kind !== 'accepted') throw new CoreError(`replay of message ${record.messageId}: the split input was not accepted (${outcome.kind})`);
    const messageIds = outcome.messages.map((m) => m.messageId);
    const note = diagnostic(
      REPLAYED_AS_MESSAGES,
      'warning',
      `split into ${messageIds.length} messages${outcome.batchId !== undefined ? ` (batch ${outcome.batchId})` : ''}; each is staged under its own id`,
      { line: 1 },
    );
    const { record: updated } = await deps.recordError(record, attempt, ErrorStage.FrontDoor, [note], { fromRaw: true });
    deps.logger.info('door rejection replayed as messages', { messageId: record.messageId, messages: messageIds.length });
    return { kind: 'split', record: updated, batchId: outcome.batchId, messageIds };
  }

  return { refusedAtDoor, run };
}

export type DoorReplayer = ReturnType<typeof createDoorReplay>;
