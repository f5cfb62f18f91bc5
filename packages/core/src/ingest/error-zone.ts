import { errorsFirst, type Diagnostic } from '@hcdl/hl7v2';
import {
  allItems,
  type Catalog,
  CatalogConflictError,
  type ErrorRecord,
  type ErrorStage,
  errorKey,
  errorReportKey,
  type LogPort,
  type MessageRecord,
  MessageStatus,
  type ObjectStore,
} from '@hcdl/lake';
import { boundedDiagnostic } from './bounded';

/** At most this many diagnostics are kept per attempt (errors first). */
export const MAX_DIAGNOSTICS = 100;

export interface ErrorZoneDeps {
  objectStore: ObjectStore;
  catalog: Catalog;
  logger: LogPort;
  now: () => string;
}

/** Where the bytes of the error zone copy come from: in hand (the front door), or the raw object (copied inside the store). */
export type ErrorBytes = { bytes: Uint8Array } | { fromRaw: true };

/**
 * Records one failed attempt of a message: the bytes and a report of the diagnostics in the
 * error zone (tagged with the raw key), the diagnostics in the catalog, status `error`.
 * Safe to run again for the same attempt (a retried step): the catalog keeps one set of rows.
 */
export function createErrorZone(deps: ErrorZoneDeps) {
  /** Whether the catalog already holds diagnostics of this attempt (a retried write). */
  async function hasErrorsOfAttempt(messageId: string, attempt: number): Promise<boolean> {
    for await (const e of allItems((cursor) => deps.catalog.listErrors(cursor === undefined ? { messageId } : { messageId, cursor }))) {
      if (e.attempt === attempt) return true;
    }
    return false;
  }

  return async function recordError(
    record: MessageRecord,
    attempt: number,
    stage: ErrorStage,
    diagnostics: readonly Diagnostic[],
    bytes: ErrorBytes,
  ): Promise<{ record: MessageRecord & { errorKey: string }; kept: Diagnostic[] }> {
    const kept = errorsFirst(diagnostics, MAX_DIAGNOSTICS).map(boundedDiagnostic);
    const at = deps.now();
    const eKey = errorKey(record.source, record.messageId);
    const tags = { data_src: record.rawKey };
    if ('bytes' in bytes) await deps.objectStore.put({ key: eKey, body: bytes.bytes, contentType: 'application/hl7-v2', tags });
    else await deps.objectStore.copy({ from: record.rawKey, to: eKey, tags });
    await deps.objectStore.put({
      key: errorReportKey(record.source, record.messageId),
      body: JSON.stringify({ messageId: record.messageId, source: record.source, attempt, stage, at, data_src: record.rawKey, diagnostics: kept }),
      contentType: 'application/json',
      tags,
    });
    const rows: ErrorRecord[] = kept.map((d) => ({
      messageId: record.messageId,
      attempt,
      stage,
      severity: d.severity,
      code: d.code,
      message: d.message,
      location: d.location,
      line: d.line,
      column: d.column,
      at,
    }));
    // A retry after a crash between these rows and the status update must not add them again.
    if (!(await hasErrorsOfAttempt(record.messageId, attempt))) await deps.catalog.putErrors(rows);
    let updated: MessageRecord;
    try {
      updated = await deps.catalog.updateMessage(
        record.messageId,
        { status: MessageStatus.Error, errorKey: eKey, attempts: attempt, updatedAt: at },
        MessageStatus.Ingested,
      );
    } catch (err) {
      // Another run of this attempt recorded its outcome first: keep what it recorded.
      if (!(err instanceof CatalogConflictError)) throw err;
      const current = await deps.catalog.getMessage(record.messageId);
      if (current === undefined) throw err;
      return { record: { ...current, errorKey: current.errorKey ?? eKey }, kept };
    }
    deps.logger.warn('message kept in the error zone', { messageId: record.messageId, stage, diagnostics: kept.length });
    return { record: { ...updated, errorKey: eKey }, kept };
  };
}

export type RecordError = ReturnType<typeof createErrorZone>;
