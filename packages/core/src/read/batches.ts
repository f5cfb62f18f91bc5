import { type Claims, isMessageId, READ_CLAIM, sourcesOf } from '@hcdl/lake';
import { batchReportKey } from '../ingest/writer';
import { httpError, json, notFound, type HttpResult } from '../http/result';
import { canRead } from './access';
import { onlyParams, type QueryParams } from './params';
import type { QueryApiPorts } from './ports';

/**
 * GET /hl7v2/batches/{id}?source=<src>: the report of a batch (a batch file posted, an upload,
 * a file drop): what became of each message, in file order. The report is written once the
 * whole batch is durable; until then (an upload still being ingested) the answer is 404
 * NO_REPORT. `source` may be left out by a caller who reads exactly one source.
 */
export function createBatchRoute(ports: QueryApiPorts) {
  return async function getBatch(claims: Claims, batchId: string, query: QueryParams): Promise<HttpResult> {
    onlyParams(query, ['source']);
    if (!isMessageId(batchId)) return notFound('batch');
    const readable = sourcesOf(claims, READ_CLAIM).filter((s) => s !== '*');
    const source = query.source ?? (readable.length === 1 && !sourcesOf(claims, READ_CLAIM).includes('*') ? readable[0] : undefined);
    if (source === undefined) return httpError(400, 'SOURCE_REQUIRED', 'name the batch source with ?source=<id>');
    if (!canRead(claims, source)) return notFound('batch');
    let key: string;
    try {
      key = batchReportKey(source, batchId);
    } catch {
      return notFound('batch');
    }
    const stored = await ports.objectStore.get(key);
    if (stored === undefined) return httpError(404, 'NO_REPORT', 'no report for this batch: it is still being ingested, or there is no such batch');
    return json(200, JSON.parse(Buffer.from(stored.body).toString('utf8')) as unknown);
  };
}
