/**
 * Zone keys (Hive-style partitions so Athena and DuckDB prune), see ARCHITECTURE.md:
 *   raw/source=<src>/protocol=hl7v2/format=er7/dt=<yyyy-mm-dd>/<messageId>.hl7
 *   staging/source=<src>/protocol=hl7v2/format=json/type=<structure>/dt=<yyyy-mm-dd>/<messageId>.json
 *   error/source=<src>/protocol=hl7v2/dt=<yyyy-mm-dd>/<messageId>.hl7 (+ <messageId>.error.json)
 * plus raw/.../format=er7-batch/... for whole batch files and work/ for hand-offs between
 * functions (not a zone: only core writes zones).
 */
import { isMessageId, messageIdTime } from './ids';
import { ValidationError } from './errors';

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Source ids are path segments: letters, digits, '.', '_' and '-', 1 to 64 characters. */
export function assertSource(source: string): string {
  if (!SOURCE.test(source)) throw new ValidationError('source ids are 1-64 letters, digits, ".", "_" or "-", starting with a letter or digit');
  return source;
}

/** Message ids are file names in every zone: only a well-formed ULID may become one. */
export function assertMessageId(messageId: string): string {
  if (!isMessageId(messageId)) throw new ValidationError('message ids are 26-character ULIDs');
  return messageId;
}

export const dayOf = (messageId: string): string => new Date(messageIdTime(assertMessageId(messageId))).toISOString().slice(0, 10);

/** Structure names go into a path: keep letters, digits and '_'. */
const structurePart = (structure: string | undefined): string => (structure ?? 'UNKNOWN').replace(/[^A-Za-z0-9_]/g, '_') || 'UNKNOWN';

export function rawKey(source: string, messageId: string): string {
  return `raw/source=${assertSource(source)}/protocol=hl7v2/format=er7/dt=${dayOf(messageId)}/${messageId}.hl7`;
}

export function rawBatchKey(source: string, batchId: string): string {
  return `raw/source=${assertSource(source)}/protocol=hl7v2/format=er7-batch/dt=${dayOf(batchId)}/${batchId}.hl7`;
}

export function stagingKey(source: string, structure: string | undefined, messageId: string): string {
  return `staging/source=${assertSource(source)}/protocol=hl7v2/format=json/type=${structurePart(structure)}/dt=${dayOf(messageId)}/${messageId}.json`;
}

export function errorKey(source: string, messageId: string): string {
  return `error/source=${assertSource(source)}/protocol=hl7v2/dt=${dayOf(messageId)}/${messageId}.hl7`;
}

export function errorReportKey(source: string, messageId: string): string {
  return `error/source=${assertSource(source)}/protocol=hl7v2/dt=${dayOf(messageId)}/${messageId}.error.json`;
}

/** Scratch hand-off from the staging function to core (expired by lifecycle, never queried). */
export function workStagingKey(messageId: string, attempt: number): string {
  if (!Number.isSafeInteger(attempt) || attempt < 1) throw new ValidationError('staging attempts are whole numbers from 1');
  assertMessageId(messageId);
  return `work/staging/${messageId}.${attempt}.json`;
}

export interface ZoneKey {
  zone: string;
  partitions: Record<string, string>;
  file: string;
}

/** Reads a zone key back into its zone, partitions and file name. */
export function parseZoneKey(key: string): ZoneKey {
  const parts = key.split('/');
  const zone = parts[0] ?? '';
  const file = parts[parts.length - 1] ?? '';
  const partitions: Record<string, string> = {};
  for (const p of parts.slice(1, -1)) {
    const eq = p.indexOf('=');
    if (eq > 0) partitions[p.slice(0, eq)] = p.slice(eq + 1);
  }
  return { zone, partitions, file };
}
