import { filterList, MessageStatus, queryInstant as instant, ulidTimePrefix, type MessageQuery } from '@hcdl/lake';
import { CatalogIndex } from './catalog-schema';
import { messagesOfPatient, messagesOfSource, messagesOfStatus } from './items';
import type { Filter, Partition } from './ordered-query';

/**
 * Plans a listMessages query: picks the narrowest GSI the filters allow (source, then
 * patient, then status; no filter at all reads every status partition) and turns the other
 * filters into a FilterExpression. All message GSIs sort by messageId, so partitions merge
 * into the port's order (ascending messageId, or descending) and the cursor is a messageId.
 */
export function planMessageQuery(q: MessageQuery, after: string | undefined): { partitions: Partition[]; filter?: Filter } {
  const sources = filterList(q.source);
  const desc = q.order === 'desc';
  const range = idRange(q, desc ? undefined : after);
  if (desc && after !== undefined && range !== undefined && (range.to === undefined || after <= range.to))
    Object.assign(range, { to: after, toExclusive: true });
  const bounds = range !== undefined ? { between: range } : after !== undefined ? (desc ? { before: after } : { after }) : {};
  const on = (index: string, n: 1 | 2 | 3, pk: string): Partition => ({ index, pkName: `gsi${n}pk`, skName: `gsi${n}sk`, pk, ...bounds });
  const conditions: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const where = (attribute: string, op: '=' | '>=' | '<', value: string): void => {
    const n = Object.keys(values).length;
    names[`#f${n}`] = attribute;
    values[`:f${n}`] = value;
    conditions.push(`#f${n} ${op} :f${n}`);
  };

  let partitions: Partition[];
  if (sources !== undefined) {
    partitions = sources.map((s) => on(CatalogIndex.BySource, 1, messagesOfSource(s)));
    if (q.patientId !== undefined) where('patientId', '=', q.patientId);
    if (q.status !== undefined) where('status', '=', q.status);
  } else if (q.patientId !== undefined) {
    partitions = [on(CatalogIndex.ByPatient, 3, messagesOfPatient(q.patientId))];
    if (q.status !== undefined) where('status', '=', q.status);
  } else {
    const statuses = q.status !== undefined ? [q.status] : Object.values(MessageStatus);
    partitions = statuses.map((s) => on(CatalogIndex.ByStatus, 2, messagesOfStatus(s)));
  }
  if (q.messageType !== undefined) where('messageType', '=', q.messageType);
  if (q.controlId !== undefined) where('controlId', '=', q.controlId);
  if (q.since !== undefined) where('receivedAt', '>=', instant(q.since, 'since'));
  if (q.until !== undefined) where('receivedAt', '<', instant(q.until, 'until'));
  return conditions.length === 0 ? { partitions } : { partitions, filter: { expression: conditions.join(' AND '), names, values } };
}

/**
 * How far a message id's time may be from its receivedAt. Ids are ULIDs minted when the
 * message is received (lake ids.ts: the front door mints it, core-writer stamps receivedAt
 * moments later), so a day is a wide margin.
 */
export const ID_TIME_MARGIN_MS = 24 * 3600 * 1000;

/**
 * Sort-key range of a time-bounded listing: since/until widened by ID_TIME_MARGIN_MS and
 * turned into ULID bounds, so the GSI reads only the ids of that period (the receivedAt
 * filter then applies the exact bounds). With a cursor the range starts right after it:
 * `cursor + '0'` is the least 26-character id greater than the cursor.
 */
function idRange(q: MessageQuery, after: string | undefined): { from?: string; to?: string; toExclusive?: boolean } | undefined {
  if (q.since === undefined && q.until === undefined) return undefined;
  let from = q.since !== undefined ? `${ulidTimePrefix(Date.parse(instant(q.since, 'since')) - ID_TIME_MARGIN_MS)}${'0'.repeat(16)}` : undefined;
  const to = q.until !== undefined ? `${ulidTimePrefix(Date.parse(instant(q.until, 'until')) + ID_TIME_MARGIN_MS)}${'Z'.repeat(16)}` : undefined;
  if (after !== undefined && (from === undefined || `${after}0` > from)) from = `${after}0`;
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}
