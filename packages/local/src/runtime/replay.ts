import type { ApplicationOptions, ReplayResult } from '@hcdl/core';
import { collectItems, MessageStatus, type Catalog } from '@hcdl/lake';
import type { LocalConfig } from './env';
import { localLogger, openLocalApplication } from './lake';

/** Which error messages to replay: given ids, or every message in error (optionally filtered). */
export type ReplayRequest = { messageIds: string[] } | { errors: { since?: string; source?: string[] } };

/** Where one message ended after its replay (ids and codes only: no content). */
export interface ReplayedMessage {
  messageId: string;
  /** staged / error after the new attempt; ingested if staging did not finish (the lake's resume retries it). */
  status: string;
  attempt: number;
  /** Diagnostic codes of the new attempt when it failed again. */
  codes?: string[];
  /** A door rejection the door's split now reads as several messages: their ids (each staged on its own). */
  split?: string[];
}

export interface ReplaySummary {
  replayed: ReplayedMessage[];
  notFound: string[];
  /** Messages not in status error (nothing to replay), with their status. */
  skipped: { messageId: string; status?: string }[];
}

async function codesOf(catalog: Pick<Catalog, 'listErrors'>, messageId: string, attempt: number): Promise<string[]> {
  const errors = await collectItems((cursor) => catalog.listErrors({ messageId, limit: 500, ...(cursor !== undefined ? { cursor } : {}) }));
  return [...new Set(errors.filter((e) => e.attempt === attempt && e.severity === 'error').map((e) => e.code))];
}

/**
 * Replays error messages of a local lake's data folder in this process: each message goes
 * back to `ingested` (a conditional update, so a replay racing another one runs once),
 * staging runs again from the raw bytes with the next attempt number, and core records the
 * outcome. Nothing is re-ingested: no new id, no dedup entry; earlier attempts' diagnostics
 * stay in the catalog. Safe while `hcdl serve` runs on the same folder (SQLite WAL with a
 * busy timeout): the server sees the new status on its next read.
 */
export async function replayLocal(config: LocalConfig, request: ReplayRequest, options: ApplicationOptions = {}): Promise<ReplaySummary> {
  const logger = localLogger(config, 'hcdl-replay');
  const local = await openLocalApplication(config, logger, options);
  const { adapters, app } = local;
  const core = app.replay;
  try {
    let results: ReplayResult[];
    if ('messageIds' in request) {
      results = [];
      for (const id of request.messageIds) results.push(await core.replay(id));
    } else {
      const filter: { since?: string; source?: string[] } = {};
      if (request.errors.since !== undefined) filter.since = request.errors.since;
      if (request.errors.source !== undefined) filter.source = request.errors.source;
      results = await core.replayErrors(filter);
    }
    await local.idle();
    const summary: ReplaySummary = { replayed: [], notFound: [], skipped: [] };
    for (const r of results) {
      if (r.outcome === 'not-found') summary.notFound.push(r.messageId);
      else if (r.outcome === 'not-in-error')
        summary.skipped.push(r.status === undefined ? { messageId: r.messageId } : { messageId: r.messageId, status: r.status });
      else {
        const row = await adapters.catalog.getMessage(r.messageId);
        const status = row?.status ?? 'unknown';
        const attempt = r.attempt ?? row?.attempts ?? 0;
        const out: ReplayedMessage = { messageId: r.messageId, status, attempt };
        if (r.split !== undefined) out.split = r.split.messageIds;
        else if (status === MessageStatus.Error) out.codes = await codesOf(adapters.catalog, r.messageId, attempt);
        summary.replayed.push(out);
      }
    }
    logger.info('replay done', { replayed: summary.replayed.length, notFound: summary.notFound.length, skipped: summary.skipped.length });
    return summary;
  } finally {
    await local.close();
  }
}
