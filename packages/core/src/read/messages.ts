import type { Claims, MessageQuery, MessageRecord } from '@hcdl/lake';
import { canRead, readableSources } from './access';
import { decodeCursor, encodeCursor, fingerprint } from './cursor';
import { familyOf, pageMessages } from './family';
import { httpError, json, notFound, type HttpResult } from '../http/result';
import { controlIdOf, instantOf, limitOf, onlyParams, patientOf, sortOf, sourcesOfParam, statusOf, textOf, typeOf, type QueryParams } from './params';
import type { QueryApiPorts } from './ports';

/** The catalog entry as the API shows it (status, zone keys, header fields; no message content). */
export function messageView(r: MessageRecord): Record<string, unknown> {
  return { ...r };
}

export const LIST_MESSAGE_PARAMS = ['source', 'type', 'controlId', 'status', 'since', 'until', 'patient', 'sort', 'limit', 'cursor'] as const;

/** A raw object's content type: as stored, HL7 v2 for messages stored without one. */
const rawContentType = (stored: string | undefined): string => stored ?? 'application/hl7-v2';

/**
 * Message reads. Every route is ABAC-checked on `custom:read`: a message whose source the
 * caller may not read answers 404 exactly like one that does not exist (no oracle).
 */
export function createMessageRoutes(ports: QueryApiPorts) {
  /** The catalog row when it exists and the caller may read its source. */
  async function readable(claims: Claims, messageId: string): Promise<MessageRecord | undefined> {
    const record = await ports.catalog.getMessage(messageId);
    return record !== undefined && canRead(claims, record.source) ? record : undefined;
  }

  /** GET /hl7v2/messages/{id}: the catalog entry and status. */
  async function getMessage(claims: Claims, messageId: string): Promise<HttpResult> {
    const record = await readable(claims, messageId);
    return record === undefined ? notFound('message') : json(200, messageView(record));
  }

  /** A redirect to a presigned GET of an object too large to answer inline (undefined: answer inline). */
  async function redirectIfLarge(key: string, size: number, messageId: string): Promise<HttpResult | undefined> {
    const large = ports.largeObjects;
    if (large === undefined || size <= large.thresholdBytes) return undefined;
    const expiresSeconds = large.expiresSeconds ?? 300;
    const url = await large.signer.presignDownload(key, expiresSeconds);
    return {
      ...json(307, { messageId, size, url, expiresInSeconds: expiresSeconds }),
      headers: { 'content-type': 'application/json', location: url, 'x-hcdl-message-id': messageId },
    };
  }

  /** GET /hl7v2/messages/{id}/raw: the original bytes as received, with their content type (a redirect when too large to answer inline). */
  async function getRaw(claims: Claims, messageId: string): Promise<HttpResult> {
    const record = await readable(claims, messageId);
    if (record === undefined) return notFound('message');
    const redirect = await redirectIfLarge(record.rawKey, record.size, record.messageId);
    if (redirect !== undefined) return redirect;
    const raw = await ports.objectStore.get(record.rawKey);
    if (raw === undefined) return httpError(404, 'RAW_MISSING', 'the raw object of this message is missing');
    return { status: 200, headers: { 'content-type': rawContentType(raw.contentType), 'x-hcdl-message-id': record.messageId }, body: raw.body };
  }

  /** GET /hl7v2/messages/{id}/staging: the staging JSON (404 NOT_STAGED while there is none). */
  async function getStaging(claims: Claims, messageId: string): Promise<HttpResult> {
    const record = await readable(claims, messageId);
    if (record === undefined) return notFound('message');
    if (record.stagingKey === undefined)
      return httpError(404, 'NOT_STAGED', `the message has no staging JSON (status ${record.status})`, { status: record.status });
    const doc = await ports.objectStore.get(record.stagingKey);
    if (doc === undefined) return httpError(404, 'NOT_STAGED', 'the staging object of this message is missing', { status: record.status });
    const redirect = await redirectIfLarge(record.stagingKey, doc.body.byteLength, record.messageId);
    if (redirect !== undefined) return redirect;
    return {
      status: 200,
      headers: { 'content-type': 'application/json', 'x-hcdl-message-id': record.messageId },
      body: Buffer.from(doc.body).toString('utf8'),
    };
  }

  /**
   * GET /hl7v2/messages?source=&type=&controlId=&status=&since=&until=&patient=&sort=&limit=&cursor=,
   * over the sources the caller may read, newest first unless `sort=asc`. `patient` covers that
   * patient and every patient merged into it (one patient after the other).
   */
  async function listMessages(claims: Claims, query: QueryParams): Promise<HttpResult> {
    onlyParams(query, LIST_MESSAGE_PARAMS);
    const requested = sourcesOfParam(query);
    const filters = {
      source: requested,
      type: typeOf(query),
      controlId: controlIdOf(query),
      status: statusOf(query),
      since: instantOf(query, 'since'),
      until: instantOf(query, 'until'),
      patient: patientOf(query),
      sort: sortOf(query),
    };
    const limit = limitOf(query);
    const at = decodeCursor(fingerprint(filters), textOf(query, 'cursor'));
    const sources = readableSources(claims, requested);
    if (sources !== undefined && sources.length === 0) return json(200, { items: [] });
    const q: Omit<MessageQuery, 'patientId' | 'cursor' | 'limit'> = { order: filters.sort };
    if (sources !== undefined) q.source = sources;
    if (filters.type !== undefined) q.messageType = filters.type;
    if (filters.controlId !== undefined) q.controlId = filters.controlId;
    if (filters.status !== undefined) q.status = filters.status;
    if (filters.since !== undefined) q.since = filters.since;
    if (filters.until !== undefined) q.until = filters.until;
    const patients = filters.patient === undefined ? undefined : await familyOf(ports.catalog, filters.patient);
    const page = await pageMessages(ports.catalog, q, patients, limit, at);
    const items = page.items.map(messageView);
    return json(200, page.next === undefined ? { items } : { items, cursor: encodeCursor(fingerprint(filters), page.next) });
  }

  return { readable, getMessage, getRaw, getStaging, listMessages };
}

export type MessageRoutes = ReturnType<typeof createMessageRoutes>;
