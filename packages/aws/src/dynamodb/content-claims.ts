import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { catalogErrors, type ContentClaim, ContentClaimedError, type MessageRecord } from '@hcdl/lake';
import { awsErrorName } from '../errors';
import { getItem } from './conditional';
import { ItemKind, type Key, messageItem } from './items';

/**
 * Content claims on the catalog table (ADR 0014): one item per (source, content hash),
 * `pk = CLAIM#<source>#<hash>`, `sk = CLAIM`, holding the claiming message's id and the end
 * of the window (`expiresAt`, epoch seconds). It holds no patient data: our source id and a
 * digest. Expired claims stay until overwritten (the table has no TTL) and count as absent.
 */
export const claimKey = (source: string, contentHash: string): Key => ({ pk: `CLAIM#${source}#${contentHash}`, sk: 'CLAIM' });

/** Strongly consistent read of a claim, expired or not. */
export async function getClaim(doc: DynamoDBDocumentClient, table: string, source: string, contentHash: string): Promise<ContentClaim | undefined> {
  const item = await getItem(doc, table, claimKey(source, contentHash));
  if (item === undefined) return undefined;
  return { source, contentHash, messageId: String(item.messageId), expiresAt: Number(item.expiresAt) };
}

/** Why each item of a cancelled transaction failed (`ConditionalCheckFailed`, `None`, ...), in item order. */
function cancellationCodes(err: unknown): (string | undefined)[] | undefined {
  if (awsErrorName(err) !== 'TransactionCanceledException') return undefined;
  const reasons = (err as { CancellationReasons?: { Code?: string }[] }).CancellationReasons;
  return Array.isArray(reasons) ? reasons.map((r) => r.Code) : undefined;
}

/**
 * The message row and its content claim in ONE TransactWriteItems: the row only if its id
 * is new, the claim only if absent or expired. Either both are written or neither, so no
 * crash can leave a row without its claim, and a second row for the same content within the
 * window is refused by the catalog itself (ContentClaimedError with the holder's id).
 */
export async function putMessageClaiming(doc: DynamoDBDocumentClient, table: string, record: MessageRecord, until: number): Promise<void> {
  const claim = { ...claimKey(record.source, record.contentHash), kind: ItemKind.ContentClaim, messageId: record.messageId, expiresAt: until };
  try {
    await doc.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: table, Item: messageItem(record), ConditionExpression: 'attribute_not_exists(pk)' } },
          {
            Put: {
              TableName: table,
              Item: claim,
              ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
              ExpressionAttributeValues: { ':now': Math.floor(Date.now() / 1000) },
            },
          },
        ],
      }),
    );
  } catch (err) {
    const codes = cancellationCodes(err);
    if (codes === undefined) throw err;
    if (codes[0] === 'ConditionalCheckFailed') throw catalogErrors.exists(record.messageId, err);
    if (codes[1] === 'ConditionalCheckFailed') {
      const held = await getClaim(doc, table, record.source, record.contentHash);
      throw new ContentClaimedError(held?.messageId ?? 'unknown', { cause: err });
    }
    throw err;
  }
}
