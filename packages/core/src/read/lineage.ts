import { collectItems, errorReportKey, type Claims, type ErrorRecord, type MessageRecord } from '@hcdl/lake';
import { json, notFound, type HttpResult } from '../http/result';
import type { QueryApiPorts } from './ports';

/** One staging attempt as lineage shows it: its outcome, when, and (for errors) the diagnostics. */
export interface AttemptView {
  attempt: number;
  outcome: 'error' | 'staged';
  at: string;
  stage?: string;
  errors?: Omit<ErrorRecord, 'messageId' | 'attempt' | 'stage' | 'at'>[];
}

/** A zone object of the message: its key and when it was written. */
export interface ZoneObjectView {
  zone: 'raw' | 'staging' | 'error' | 'error-report';
  key: string;
  at?: string;
  size?: number;
}

const allErrors = (ports: QueryApiPorts, messageId: string): Promise<ErrorRecord[]> =>
  collectItems((cursor) => ports.catalog.listErrors({ messageId, limit: 1000, ...(cursor !== undefined ? { cursor } : {}) }));

/** Error attempts from the catalog's error rows (one group per attempt), then the staged one. */
export function attemptsOf(record: MessageRecord, errors: readonly ErrorRecord[], stagedAt?: string): AttemptView[] {
  const byAttempt = new Map<number, AttemptView>();
  // Warnings of the staged attempt (a refused merge, docs/identity.md) belong to that attempt.
  const stagedAttempt = record.status === 'staged' ? record.attempts : undefined;
  const notes: AttemptView['errors'] = [];
  for (const e of errors) {
    if (e.attempt === stagedAttempt) {
      const { messageId: _m, attempt: _a, stage: _s, at: _t, ...rest } = e;
      notes.push(rest);
      continue;
    }
    let a = byAttempt.get(e.attempt);
    if (a === undefined) {
      a = { attempt: e.attempt, outcome: 'error', at: e.at, stage: e.stage, errors: [] };
      byAttempt.set(e.attempt, a);
    }
    const { messageId: _m, attempt: _a, stage: _s, at: _t, ...rest } = e;
    a.errors?.push(rest);
  }
  const out = [...byAttempt.values()].sort((x, y) => x.attempt - y.attempt);
  if (record.status === 'staged')
    out.push({ attempt: record.attempts, outcome: 'staged', at: stagedAt ?? record.updatedAt, ...(notes.length > 0 ? { errors: notes } : {}) });
  return out;
}

/**
 * GET /hl7v2/messages/{id}/lineage: where the message went, zone by zone (raw, then staging
 * or error), with every staging attempt and its diagnostics. Later zones (refined FHIR)
 * append their own objects here.
 */
export function createLineageRoute(ports: QueryApiPorts, readable: (claims: Claims, id: string) => Promise<MessageRecord | undefined>) {
  async function objectView(zone: ZoneObjectView['zone'], key: string | undefined): Promise<ZoneObjectView | undefined> {
    if (key === undefined) return undefined;
    const info = await ports.objectStore.head(key);
    if (info === undefined) return undefined;
    return { zone, key, at: info.lastModified.toISOString(), size: info.size };
  }

  return async function getLineage(claims: Claims, messageId: string): Promise<HttpResult> {
    const record = await readable(claims, messageId);
    if (record === undefined) return notFound('message');
    const errors = await allErrors(ports, messageId);
    const objects: ZoneObjectView[] = [];
    const raw = await objectView('raw', record.rawKey);
    objects.push(raw ?? { zone: 'raw', key: record.rawKey, at: record.receivedAt, size: record.size });
    const error = await objectView('error', record.errorKey);
    if (error !== undefined) objects.push(error);
    const report = record.errorKey === undefined ? undefined : await objectView('error-report', errorReportKey(record.source, record.messageId));
    if (report !== undefined) objects.push(report);
    const staging = await objectView('staging', record.stagingKey);
    if (staging !== undefined) objects.push(staging);
    return json(200, {
      messageId: record.messageId,
      source: record.source,
      status: record.status,
      receivedAt: record.receivedAt,
      attempts: record.attempts,
      objects,
      history: attemptsOf(record, errors, staging?.at),
    });
  };
}
