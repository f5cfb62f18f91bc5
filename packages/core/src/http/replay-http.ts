import { canRead, canWrite, type Claims } from '@hcdl/lake';
import type { QueryCatalog } from '../read/ports';
import type { Replay } from '../replay/replay';
import { httpError, json, notFound, unauthorized, type HttpRequest, type HttpResult } from './result';

/** `POST /hl7v2/messages/{id}/replay`: staging runs again for one message in error. */
export const REPLAY_PATH = /^\/hl7v2\/messages\/([^/]+)\/replay$/;

export interface ReplayHttpDeps {
  replay: Pick<Replay, 'replay'>;
  catalog: Pick<QueryCatalog, 'getMessage'>;
}

/**
 * The operator's replay over HTTP (the console's error queue), the same use-case as
 * `hcdl replay`. Access: the caller must read the message's source (`custom:read`, else 404
 * as an unknown id, as every read) and write it (`custom:write`, else 403): a replay changes
 * the message's status and makes a new staging attempt, as a resubmission would.
 */
export function createReplayRoute(deps: ReplayHttpDeps) {
  /** The answer to a replay request; undefined when `path` is not the replay route. */
  return async function replayAnswer(req: HttpRequest, path: string): Promise<HttpResult | undefined> {
    const m = REPLAY_PATH.exec(path);
    if (m === null) return undefined;
    let messageId: string;
    try {
      messageId = decodeURIComponent(m[1] as string);
    } catch {
      return notFound('message');
    }
    if (req.method !== 'POST')
      return { ...httpError(405, 'METHOD_NOT_ALLOWED', 'this route answers POST'), headers: { 'content-type': 'application/json', allow: 'POST' } };
    const claims: Claims | undefined = req.claims;
    if (claims === undefined) return unauthorized();
    const record = await deps.catalog.getMessage(messageId);
    if (record === undefined || !canRead(claims, record.source)) return notFound('message');
    if (!canWrite(claims, record.source)) return httpError(403, 'FORBIDDEN', 'replaying a message needs the write claim (custom:write) for its source');
    const result = await deps.replay.replay(messageId);
    switch (result.outcome) {
      case 'replayed':
        return json(202, { messageId, outcome: result.outcome, attempt: result.attempt });
      case 'not-in-error':
        return httpError(
          409,
          'NOT_IN_ERROR',
          'only a message in status error can be replayed',
          result.status !== undefined ? { status: result.status } : undefined,
        );
      default:
        return notFound('message');
    }
  };
}

export type ReplayRoute = ReturnType<typeof createReplayRoute>;
