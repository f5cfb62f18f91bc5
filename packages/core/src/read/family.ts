import { MAX_MERGE_CHAIN, type MessageQuery, type MessageRecord, type Page } from '@hcdl/lake';
import { type CursorState, withInnerCursor } from './cursor';
import type { QueryCatalog } from './ports';

/** Most patients a merged family may hold (a survivor and everything merged into it). */
export const MAX_FAMILY = 10 * MAX_MERGE_CHAIN;

/**
 * The patient and every patient merged into it, directly or through a chain (B merged into
 * A, then C into B), the patient first, then in merge order. Messages keep the patient id
 * they were indexed with, so the messages of a survivor are those of its whole family.
 */
export async function familyOf(catalog: Pick<QueryCatalog, 'listPatientMerges'>, patientId: string): Promise<string[]> {
  const out = [patientId];
  for (let i = 0; i < out.length && out.length < MAX_FAMILY; i++) {
    const current = out[i] as string;
    for (const m of await catalog.listPatientMerges(current)) {
      if (m.survivorPatientId === current && !out.includes(m.mergedPatientId)) out.push(m.mergedPatientId);
    }
  }
  return out;
}

export interface MessagesPage {
  items: MessageRecord[];
  /** Where the next page starts; undefined at the end. */
  next?: CursorState;
}

/**
 * One page of messages matching `query`, over the given patients one after the other (or
 * the whole catalog when `patients` is undefined), filled up to `limit` across patients.
 * The end is when no next position is returned.
 */
export async function pageMessages(
  catalog: Pick<QueryCatalog, 'listMessages'>,
  query: Omit<MessageQuery, 'patientId' | 'cursor' | 'limit'>,
  patients: readonly string[] | undefined,
  limit: number,
  start: CursorState,
): Promise<MessagesPage> {
  const slots = patients === undefined ? 1 : patients.length;
  const items: MessageRecord[] = [];
  let at: CursorState | undefined = start;
  while (at !== undefined && at.p < slots && items.length < limit) {
    const q: MessageQuery = { ...query, limit: limit - items.length };
    if (patients !== undefined) q.patientId = patients[at.p] as string;
    if (at.c !== undefined) q.cursor = at.c;
    const page: Page<MessageRecord> = await withInnerCursor(q.cursor !== undefined, () => catalog.listMessages(q));
    items.push(...page.items);
    at = page.cursor !== undefined ? { p: at.p, c: page.cursor } : at.p + 1 < slots ? { p: at.p + 1 } : undefined;
  }
  return at === undefined || at.p >= slots ? { items } : { items, next: at };
}
