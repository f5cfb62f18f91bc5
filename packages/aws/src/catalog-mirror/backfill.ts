import { allPages, type Catalog, type MessageQuery, MessageStatus, type ObjectStore } from '@hcdl/lake';
import { CatalogMirrorWriter } from './mirror-writer';

export interface BackfillOptions {
  /** Only messages received at or after this instant / from these sources (the whole catalog otherwise). */
  since?: string;
  sources?: readonly string[];
  /** Count what would be written, write nothing. */
  dryRun?: boolean;
  /** Called after each page of messages (for a progress line). */
  onProgress?: (done: BackfillCounts) => void;
}

export interface BackfillCounts {
  messages: number;
  errorFiles: number;
  patients: number;
  identifierFiles: number;
  links: number;
  merges: number;
  /** Files of demographic conflicts (one per conflicting patient and message). */
  conflictFiles: number;
  /** Rows still waiting for staging: left to the mirror, which writes them at their outcome. */
  skippedWaiting: number;
}

const PAGE = 200;

/**
 * Writes the catalog mirror of rows catalogued before the mirror existed (or while it was off):
 * for every message with an outcome, its row and its errors' files; for every patient those
 * messages name, its identifier files, its links, its merge and its conflicts. Every file is written from the
 * catalog's state at its own key, so running it again (or while the lake runs) rewrites the
 * same files with what is true: it is safe to repeat and to interrupt.
 */
export async function backfillCatalogMirror(
  catalog: Pick<
    Catalog,
    'listMessages' | 'listErrors' | 'listIdentifiersOfPatient' | 'listPatientLinks' | 'getPatientMerge' | 'listPatientMerges' | 'listPatientConflicts'
  >,
  objectStore: Pick<ObjectStore, 'put'>,
  options: BackfillOptions = {},
): Promise<BackfillCounts> {
  const counts: BackfillCounts = { messages: 0, errorFiles: 0, patients: 0, identifierFiles: 0, links: 0, merges: 0, conflictFiles: 0, skippedWaiting: 0 };
  const writer = new CatalogMirrorWriter(catalog, options.dryRun === true ? { put: async () => undefined } : objectStore);
  const patients = new Set<string>();
  const query: MessageQuery = {
    ...(options.since !== undefined ? { since: options.since } : {}),
    ...(options.sources !== undefined && options.sources.length > 0 ? { source: [...options.sources] } : {}),
  };
  for await (const rows of allPages((cursor) => catalog.listMessages({ ...query, limit: PAGE, ...(cursor !== undefined ? { cursor } : {}) }))) {
    for (const row of rows) {
      if (row.status === MessageStatus.Ingested) {
        counts.skippedWaiting++;
        continue;
      }
      await writer.message(row);
      counts.messages++;
      if (row.status === MessageStatus.Error || row.attempts > 1) counts.errorFiles += await writer.errors(row);
      if (row.patientId !== undefined && !patients.has(row.patientId)) {
        patients.add(row.patientId);
        counts.patients++;
        counts.identifierFiles += await writer.patient(row.patientId);
        counts.links += await writer.links(row.patientId);
        counts.merges += await writer.merges(row.patientId);
        counts.conflictFiles += await writer.conflicts(row.patientId);
      }
    }
    options.onProgress?.({ ...counts });
  }
  return counts;
}
