import { allPages, type Catalog, type LogPort, MessageStatus } from '@hcdl/lake';
import type { Refine } from './refine';

/** Which staged messages a rebuild runs over (received at or after `since`, from these sources). */
export interface RebuildFilter {
  since?: string;
  source?: string[];
}

export interface RebuildSummary {
  messages: number;
  versions: number;
  unchanged: number;
  stale: number;
  /** Messages whose refine failed (ids only), left for a later run. */
  failed: string[];
}

const PAGE = 500;

/**
 * Rebuilds the refined zone from the staged messages after a mapping change: every staged
 * message (or those the filter keeps) is refined again, in receive order, from its raw bytes.
 * Resources whose new mapping differs get a new version and a change event; identical ones
 * nothing; the out-of-order rule still holds (a resource last written by a newer message is
 * rewritten when that message's turn comes). Nothing is deleted: a resource the new mapping no
 * longer makes stays as it was.
 */
export function createRebuild(deps: { catalog: Pick<Catalog, 'listMessages'>; refine: Refine; logger: LogPort }) {
  return async function rebuild(filter: RebuildFilter = {}): Promise<RebuildSummary> {
    const summary: RebuildSummary = { messages: 0, versions: 0, unchanged: 0, stale: 0, failed: [] };
    const ids: string[] = [];
    for await (const rows of allPages((cursor) =>
      deps.catalog.listMessages({ ...filter, status: MessageStatus.Staged, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) }),
    ))
      ids.push(...rows.map((r) => r.messageId));
    for (const messageId of ids) {
      try {
        const r = await deps.refine({ messageId });
        summary.messages++;
        summary.versions += r.versions.length;
        summary.unchanged += r.unchanged;
        summary.stale += r.stale;
      } catch (err) {
        deps.logger.error('refine failed during a rebuild', { messageId, error: err instanceof Error ? err.name : typeof err });
        summary.failed.push(messageId);
      }
    }
    deps.logger.info('refined zone rebuilt', { messages: summary.messages, versions: summary.versions, failed: summary.failed.length });
    return summary;
  };
}

export type Rebuild = ReturnType<typeof createRebuild>;
