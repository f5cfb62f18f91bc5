import type { DuckDBConnection } from '@duckdb/node-api';
import { MAX_MERGE_CHAIN } from '@hcdl/lake';

/**
 * `patient_survivors`: every patient the catalog knows, with the patient it survives as after
 * the recorded merges (itself when never merged) and how many merges lead there. The chain is
 * followed as survivorOf of @hcdl/lake does: at most MAX_MERGE_CHAIN steps, stopping before a
 * patient already met (a circular chain ends where it would loop).
 */
const SURVIVORS = `
WITH RECURSIVE known AS (
  SELECT patient_id FROM catalog_patient_identifiers
  UNION SELECT merged_patient_id FROM catalog_patient_merges
  UNION SELECT survivor_patient_id FROM catalog_patient_merges
  UNION SELECT patient_id FROM catalog_messages WHERE patient_id IS NOT NULL
), chain(patient_id, survivor_patient_id, merges, seen) AS (
  SELECT patient_id, patient_id, 0, [patient_id] FROM known
  UNION ALL
  SELECT c.patient_id, m.survivor_patient_id, c.merges + 1, list_append(c.seen, m.survivor_patient_id)
  FROM chain c JOIN catalog_patient_merges m ON m.merged_patient_id = c.survivor_patient_id
  WHERE c.merges < ${MAX_MERGE_CHAIN} AND NOT list_contains(c.seen, m.survivor_patient_id)
)
SELECT patient_id, arg_max(survivor_patient_id, merges) AS survivor_patient_id, max(merges)::INTEGER AS merges
FROM chain GROUP BY patient_id`;

/**
 * `patient_messages`: every message recorded for a patient, under the patient it survives as:
 * `WHERE patient_id = 'pat_…'` gives the messages of that patient and of every patient merged
 * into it, before or after the merge. `recorded_patient_id` is the patient the message was
 * attached to when it was staged; the other columns are those of `messages`.
 */
const PATIENT_MESSAGES = `
SELECT s.survivor_patient_id AS patient_id, m.patient_id AS recorded_patient_id, m.* EXCLUDE (patient_id)
FROM catalog_messages m JOIN patient_survivors s ON s.patient_id = m.patient_id`;

/** Defines both views over the catalog relations (`catalog_*`), which must exist. */
export async function definePatientViews(con: DuckDBConnection): Promise<void> {
  await con.run(`CREATE VIEW patient_survivors AS ${SURVIVORS}`);
  await con.run(`CREATE VIEW patient_messages AS ${PATIENT_MESSAGES}`);
}
