import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  type DynamoDBDocumentClient,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  checkResourceRef,
  checkVersion,
  criteriaMatch,
  decodePageCursor,
  encodePageCursor,
  normalizeSearch,
  type Page,
  pageLimit,
  parseEventId,
  pendingLimit,
  ResourceChange,
  ResourceConflictError,
  type ResourceQuery,
  type ResourceStore,
  type ResourceVersion,
  type SearchFields,
  searchOrderKey,
  ValidationError,
  type VersionWrite,
} from '@hcdl/lake';
import { forEachLimited } from '../dynamodb/conditional';
import { awsErrorName } from '../errors';
import { ResourceIndex } from './resource-schema';

type Item = Record<string, unknown>;

const HEAD = 'HEAD';
const CURRENT = 'current';
const PENDING = 'pending';
const pad = (n: number): string => String(n).padStart(15, '0');
const partition = (resourceType: string, id: string): string => `R#${searchOrderKey(resourceType, id)}`;
const versionSk = (v: number): string => `V#${pad(v)}`;
const outboxSk = (v: number): string => `O#${pad(v)}`;
const sourceSk = (source: string): string => `S#${source}`;
const docOf = (item: Item | undefined): ResourceVersion | undefined => (typeof item?.doc === 'string' ? (JSON.parse(item.doc) as ResourceVersion) : undefined);

/** Reasons DynamoDB gives for a cancelled transaction that mean "another writer got there first". */
const CONFLICT_REASONS = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

function isConflict(err: unknown): boolean {
  if (awsErrorName(err) !== 'TransactionCanceledException') return false;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.some((r) => r.Code !== undefined && CONFLICT_REASONS.has(r.Code));
}

/**
 * ResourceStore on the refined zone's DynamoDB table (layout in resource-schema.ts). A commit
 * is one TransactWriteItems (head conditional on the previous version, version, outbox entry,
 * source), so the outbox can never miss a committed version and two writers of one version
 * cannot both win. Reads of one resource are strongly consistent; search and the outbox read
 * GSIs (eventually consistent on DynamoDB: a version just committed may show a moment later,
 * which the relay's next drain covers). No ChangeFeed: on AWS the EventBridge archive is the
 * replayable feed (ADR 0011).
 */
export class DynamoResourceStore implements ResourceStore {
  private lastMs = 0;
  private counter = 0;

  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  /** Commit order: time, then a counter within one millisecond (exact for one writer), then randomness. */
  private sequence(): string {
    const now = Date.now();
    if (now > this.lastMs) {
      this.lastMs = now;
      this.counter = 0;
    } else this.counter++;
    return `${pad(this.lastMs)}#${String(this.counter).padStart(6, '0')}#${Math.random().toString(36).slice(2, 10)}`;
  }

  private async get(pk: string, sk: string): Promise<Item | undefined> {
    return (await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk, sk }, ConsistentRead: true }))).Item;
  }

  async current(resourceType: string, id: string): Promise<ResourceVersion | undefined> {
    checkResourceRef(resourceType, id);
    return docOf(await this.get(partition(resourceType, id), HEAD));
  }

  async version(resourceType: string, id: string, versionId: number): Promise<ResourceVersion | undefined> {
    checkResourceRef(resourceType, id);
    if (!Number.isSafeInteger(versionId) || versionId < 1) return undefined;
    return docOf(await this.get(partition(resourceType, id), versionSk(versionId)));
  }

  async history(resourceType: string, id: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<ResourceVersion>> {
    checkResourceRef(resourceType, id);
    const before = page.cursor === undefined ? undefined : Number(decodePageCursor(page.cursor));
    if (before !== undefined && (!Number.isSafeInteger(before) || before < 1)) throw new ValidationError('cursor is not a cursor of this listing');
    const limit = pageLimit(page.limit);
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: before === undefined ? 'pk = :pk AND begins_with(sk, :v)' : 'pk = :pk AND sk BETWEEN :v AND :hi',
        ExpressionAttributeValues: { ':pk': partition(resourceType, id), ':v': 'V#', ...(before === undefined ? {} : { ':hi': versionSk(before - 1) }) },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: limit + 1,
      }),
    );
    const rows = (out.Items ?? []).map(docOf).filter((v): v is ResourceVersion => v !== undefined);
    const items = rows.slice(0, limit);
    const last = items.at(-1);
    return rows.length > limit && last !== undefined ? { items, cursor: encodePageCursor(String(last.versionId)) } : { items };
  }

  async commit(write: VersionWrite): Promise<void> {
    const v = write.version;
    checkVersion(v);
    const pk = partition(v.resourceType, v.id);
    const doc = JSON.stringify(v);
    const deleted = v.change === ResourceChange.Delete;
    const head: Item = { pk, sk: HEAD, v: v.versionId, doc, search: JSON.stringify(deleted ? {} : normalizeSearch(write.search)) };
    if (!deleted) Object.assign(head, { cur: CURRENT, ck: searchOrderKey(v.resourceType, v.id) });
    const follows =
      v.previousVersionId === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#v = :prev', ExpressionAttributeNames: { '#v': 'v' }, ExpressionAttributeValues: { ':prev': v.previousVersionId } };
    try {
      await this.doc.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: this.table, Item: head, ...follows } },
            { Put: { TableName: this.table, Item: { pk, sk: versionSk(v.versionId), doc }, ConditionExpression: 'attribute_not_exists(pk)' } },
            { Put: { TableName: this.table, Item: { pk, sk: outboxSk(v.versionId), ob: PENDING, os: this.sequence(), doc } } },
            { Put: { TableName: this.table, Item: { pk, sk: sourceSk(v.source), source: v.source } } },
          ],
        }),
      );
    } catch (err) {
      if (isConflict(err)) {
        throw new ResourceConflictError(`${v.resourceType}/${v.id} is not at version ${String(v.previousVersionId ?? 0)}`, { cause: err });
      }
      throw err;
    }
  }

  async addSource(resourceType: string, id: string, contribution: { source: string; messageId: string }): Promise<void> {
    checkResourceRef(resourceType, id);
    if (contribution.source === '') throw new ValidationError('a contribution names its source');
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: partition(resourceType, id), sk: sourceSk(contribution.source), source: contribution.source } }),
    );
  }

  async sourcesOf(resourceType: string, id: string): Promise<string[]> {
    checkResourceRef(resourceType, id);
    const sources: string[] = [];
    for await (const item of this.query({
      TableName: this.table,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :s)',
      ExpressionAttributeValues: { ':pk': partition(resourceType, id), ':s': 'S#' },
      ConsistentRead: true,
    })) {
      if (typeof item.source === 'string') sources.push(item.source);
    }
    return sources.sort();
  }

  async search(query: ResourceQuery): Promise<Page<ResourceVersion>> {
    if (query.resourceType !== undefined) checkResourceRef(query.resourceType, 'x');
    const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
    const prefix = query.resourceType === undefined ? '' : `${query.resourceType}/`;
    const limit = pageLimit(query.limit);
    // Starts after the cursor, else at the type's first key; the type's keys are contiguous.
    const from = after !== undefined && after >= prefix ? after : prefix;
    const items: ResourceVersion[] = [];
    let more = false;
    for await (const head of this.query({
      TableName: this.table,
      IndexName: ResourceIndex.ByCurrent,
      KeyConditionExpression: from === '' ? 'cur = :c' : after !== undefined && after >= prefix ? 'cur = :c AND ck > :from' : 'cur = :c AND ck >= :from',
      ExpressionAttributeValues: { ':c': CURRENT, ...(from === '' ? {} : { ':from': from }) },
    })) {
      const ck = String(head.ck);
      if (!ck.startsWith(prefix)) break;
      const version = docOf(head);
      if (version === undefined || version.change === ResourceChange.Delete) continue;
      if (!criteriaMatch(JSON.parse(String(head.search ?? '{}')) as SearchFields, query.criteria)) continue;
      if (query.sources !== undefined) {
        const sources = await this.sourcesOf(version.resourceType, version.id);
        if (!query.sources.some((s) => sources.includes(s))) continue;
      }
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push(version);
    }
    const last = items.at(-1);
    return more && last !== undefined ? { items, cursor: encodePageCursor(searchOrderKey(last.resourceType, last.id)) } : { items };
  }

  async pending(limit?: number): Promise<ResourceVersion[]> {
    const out = await this.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: ResourceIndex.ByOutbox,
        KeyConditionExpression: 'ob = :p',
        ExpressionAttributeValues: { ':p': PENDING },
        Limit: pendingLimit(limit),
      }),
    );
    return (out.Items ?? []).map(docOf).filter((v): v is ResourceVersion => v !== undefined);
  }

  async markPublished(eventIds: readonly string[]): Promise<void> {
    const refs = [...new Set(eventIds)].map(parseEventId).filter((r) => r !== undefined);
    await forEachLimited(refs, 8, async (r) => {
      await this.doc.send(new DeleteCommand({ TableName: this.table, Key: { pk: partition(r.resourceType, r.id), sk: outboxSk(r.versionId) } }));
    });
  }

  /** Every item of a query, page after page. */
  private async *query(input: QueryCommandInput): AsyncGenerator<Item> {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await this.doc.send(new QueryCommand({ ...input, ...(start === undefined ? {} : { ExclusiveStartKey: start }) }));
      for (const item of out.Items ?? []) yield item;
      start = out.LastEvaluatedKey;
    } while (start !== undefined);
  }
}
