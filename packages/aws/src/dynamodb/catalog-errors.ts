import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  filterList,
  decodePageCursor as decodeCursor,
  encodePageCursor as encodeCursor,
  pageLimit,
  queryInstant as instant,
  type ErrorQuery,
  type ErrorRecord,
  type MessageRecord,
  type Page,
} from '@hcdl/lake';
import { AwsAdapterError } from '../errors';
import { CatalogIndex } from './catalog-schema';
import { ALL_ERRORS, ERROR_SK_PREFIX, errorItem, errorsOfSource, ItemKind, messageKey, recordOf, type Item } from './items';
import { orderedQuery, type Filter, type Partition } from './ordered-query';

/** BatchWriteItem takes at most 25 puts. */
const BATCH = 25;
const MAX_BATCH_ROUNDS = 8;

/**
 * Sequence of one error within its message: milliseconds, a per-process counter and a
 * random tail, all fixed width, so sort-key order is put order (within a process; across
 * processes, time order) and two writers never collide.
 */
export class ErrorSequence {
  private lastMs = 0;
  private counter = 0;

  next(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.counter = 0;
    } else {
      this.counter++;
    }
    return `${this.lastMs.toString().padStart(15, '0')}-${this.counter.toString(36).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
  }
}

/** Diagnostics of the catalog: items in their message's partition, listed through the GSIs. */
export class CatalogErrors {
  private readonly sequence = new ErrorSequence();

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async putErrors(records: ErrorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const sources = new Map<string, string | undefined>();
    await Promise.all([...new Set(records.map((r) => r.messageId))].map(async (id) => sources.set(id, await this.sourceOf(id))));
    // Sequence numbers are taken in array order before any write: the batch keeps its order.
    const items = records.map((r) => errorItem(r, this.sequence.next(), sources.get(r.messageId)));
    for (let i = 0; i < items.length; i += BATCH) await this.writeBatch(items.slice(i, i + BATCH));
  }

  async listErrors(q: ErrorQuery): Promise<Page<ErrorRecord>> {
    const limit = pageLimit(q.limit);
    const after = q.cursor === undefined ? undefined : decodeCursor(q.cursor);
    const desc = q.order === 'desc';
    const conditions: string[] = [];
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = {};
    const where = (attribute: string, op: '=' | '>=', value: string): void => {
      const n = Object.keys(values).length;
      names[`#f${n}`] = attribute;
      values[`:f${n}`] = value;
      conditions.push(`#f${n} ${op} :f${n}`);
    };
    const sources = filterList(q.source);
    // A reader allowed no source sees nothing.
    if (sources !== undefined && sources.length === 0) return { items: [] };
    let partitions: Partition[];
    let accept: ((item: Item) => boolean) | undefined;
    if (q.messageId !== undefined) {
      // The message's own partition (strongly consistent); the GSI order key is rebuilt from sk.
      const pk = messageKey(q.messageId).pk;
      const base = { pkName: 'pk', skName: 'sk', pk };
      const cursorSk = after === undefined ? undefined : desc ? beforeInMessage(after, q.messageId) : afterInMessage(after, q.messageId);
      partitions = [cursorSk === undefined ? { ...base, beginsWith: ERROR_SK_PREFIX } : desc ? { ...base, before: cursorSk } : { ...base, after: cursorSk }];
      accept = (item) => item.kind === ItemKind.Error;
      if (sources !== undefined) {
        const n = conditions.length;
        conditions.push(`#src IN (${sources.map((_, i) => `:src${n}_${i}`).join(', ')})`);
        names['#src'] = 'messageSource';
        sources.forEach((s, i) => (values[`:src${n}_${i}`] = s));
      }
    } else {
      const on = (pk: string): Partition => ({
        index: sources !== undefined ? CatalogIndex.BySource : CatalogIndex.ByStatus,
        pkName: sources !== undefined ? 'gsi1pk' : 'gsi2pk',
        skName: sources !== undefined ? 'gsi1sk' : 'gsi2sk',
        pk,
        ...(after !== undefined ? (desc ? { before: after } : { after }) : {}),
      });
      partitions = sources !== undefined ? sources.map((s) => on(errorsOfSource(s))) : [on(ALL_ERRORS)];
    }
    if (q.code !== undefined) where('code', '=', q.code);
    if (q.since !== undefined) where('at', '>=', instant(q.since, 'since'));
    const filter: Filter | undefined = conditions.length === 0 ? undefined : { expression: conditions.join(' AND '), names, values };
    const page = await orderedQuery(this.doc, this.table, {
      partitions,
      ...(filter !== undefined ? { filter } : {}),
      ...(accept !== undefined ? { accept } : {}),
      orderKey: (item) => `${String(item.messageId)}#${String(item.sk).slice(ERROR_SK_PREFIX.length)}`,
      limit,
      descending: desc,
    });
    const result: Page<ErrorRecord> = { items: page.items.map((i) => recordOf<ErrorRecord>(i)) };
    if (page.next !== undefined) result.cursor = encodeCursor(page.next);
    return result;
  }

  private async sourceOf(messageId: string): Promise<string | undefined> {
    const out = await this.doc.send(
      new GetCommand({
        TableName: this.table,
        Key: messageKey(messageId),
        ConsistentRead: true,
        ProjectionExpression: '#s',
        ExpressionAttributeNames: { '#s': 'source' },
      }),
    );
    return (out.Item as Pick<MessageRecord, 'source'> | undefined)?.source;
  }

  /** One BatchWriteItem round, retrying what DynamoDB left unprocessed (throttling) with backoff. */
  private async writeBatch(items: Item[]): Promise<void> {
    let requests = items.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; requests.length > 0; round++) {
      if (round >= MAX_BATCH_ROUNDS) throw new AwsAdapterError(`catalog: ${requests.length} error rows left unprocessed after ${MAX_BATCH_ROUNDS} rounds`);
      if (round > 0) await new Promise((r) => setTimeout(r, 25 * 2 ** round));
      const out = await this.doc.send(new BatchWriteCommand({ RequestItems: { [this.table]: requests } }));
      requests = (out.UnprocessedItems?.[this.table] ?? []).flatMap((w) =>
        w.PutRequest?.Item !== undefined ? [{ PutRequest: { Item: w.PutRequest.Item } }] : [],
      );
    }
  }
}

/**
 * The base-table sort key before a GSI-style cursor `<messageId>#<seq>` of this message (a
 * cursor of another message: the error prefix itself, below every error row of it).
 */
function beforeInMessage(before: string, messageId: string): string {
  if (!before.startsWith(`${messageId}#`)) return ERROR_SK_PREFIX;
  return `${ERROR_SK_PREFIX}${before.slice(messageId.length + 1)}`;
}

/** The base-table sort key after a GSI-style cursor `<messageId>#<seq>` of this message. */
function afterInMessage(after: string, messageId: string): string {
  if (!after.startsWith(`${messageId}#`)) return `${ERROR_SK_PREFIX}\uffff`;
  return `${ERROR_SK_PREFIX}${after.slice(messageId.length + 1)}`;
}
