/**
 * One documented route of the HTTP API: its method, its path template (OpenAPI form,
 * `/hl7v2/messages/{id}`) and its OpenAPI operation. The route table of the whole API is the
 * list of these (./routes.ts); the OpenAPI document, the API reference page, the access log's
 * route templates and the audit's classification are all derived from it.
 */
export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  path: string;
  /**
   * What a call does to message or patient data, for the audit trail (`x-hcdl-audit` in the
   * document): `read` one thing, `search` a list, `write`; absent: the route touches no such data.
   */
  audit?: 'read' | 'search' | 'write';
  /** The kind of thing the `{id}` of the path (or the written entity) is, for the audit trail. */
  entity?: 'message' | 'patient' | 'batch' | 'upload' | 'error' | 'audit';
  /** Who serves the route: both deployments, or only one (the local dev issuer, AWS uploads). */
  servedBy?: 'both' | 'local' | 'aws';
  operation: Operation;
}

/** The subset of an OpenAPI 3.1 operation object the lake uses (kept loose: it is JSON). */
export interface Operation {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security?: Record<string, string[]>[];
  parameters?: Record<string, unknown>[];
  requestBody?: Record<string, unknown>;
  responses: Record<string, Record<string, unknown>>;
}
