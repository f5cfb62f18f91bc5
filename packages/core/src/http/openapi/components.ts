/** Shared parts of the OpenAPI document: the error shape, common parameters and answers. */

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

export const jsonContent = (schema: Record<string, unknown>) => ({ 'application/json': { schema } });

/** An error answer with the contract's `{ "error": { "code", "message", "details"? } }` body. */
export const errorAnswer = (description: string) => ({ description, content: jsonContent(ref('Error')) });

export const ERRORS = {
  400: errorAnswer('A parameter or the body is wrong (`details.parameter` names a wrong parameter).'),
  401: errorAnswer('No or invalid bearer token (`details.reason` says why, locally).'),
  403: errorAnswer('The token does not grant this (ABAC on the `custom:*` claims).'),
  404: errorAnswer('No such thing, or not readable by the caller (never 403 for reads: no oracle).'),
  405: errorAnswer('Method not allowed on this route (`Allow` says which are).'),
  413: errorAnswer('The body is larger than the limit (`details.limit`).'),
  415: errorAnswer('The body has a content type the route does not take.'),
  500: errorAnswer('Anything else (logged by error name, never with content).'),
} as const;

export const BEARER = [{ bearer: [] }];

export const pathId = (description: string) => ({ name: 'id', in: 'path', required: true, description, schema: { type: 'string' } });

export const queryParam = (name: string, description: string, schema: Record<string, unknown> = { type: 'string' }) => ({
  name,
  in: 'query',
  required: false,
  description,
  schema,
});

export const PAGING = [
  queryParam('limit', 'Page size, 1..1000 (default 100).', { type: 'integer', minimum: 1, maximum: 1000 }),
  queryParam('cursor', 'The `cursor` of the previous page, with the same filters.'),
];

/** A page of items: `{ items, cursor? }` (no cursor: the last page). */
export const page = (item: Record<string, unknown>) => ({
  type: 'object',
  required: ['items'],
  properties: { items: { type: 'array', items: item }, cursor: { type: 'string' } },
});

export const SCHEMAS: Record<string, Record<string, unknown>> = {
  Error: {
    type: 'object',
    required: ['error'],
    properties: {
      error: {
        type: 'object',
        required: ['code', 'message'],
        properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
      },
    },
  },
  Message: {
    type: 'object',
    description: 'The catalog entry of a message: status, zone keys, MSH fields, patient; never content.',
    required: ['messageId', 'source', 'status', 'receivedAt', 'rawKey'],
    properties: {
      messageId: { type: 'string' },
      source: { type: 'string' },
      protocol: { type: 'string' },
      format: { type: 'string' },
      status: { type: 'string', enum: ['ingested', 'staged', 'error'] },
      receivedAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      contentHash: { type: 'string' },
      size: { type: 'integer' },
      rawKey: { type: 'string' },
      stagingKey: { type: 'string' },
      controlId: { type: 'string' },
      messageType: { type: 'string' },
      structure: { type: 'string' },
      version: { type: 'string' },
      sendingApplication: { type: 'string' },
      sendingFacility: { type: 'string' },
      patientId: { type: 'string' },
      submittedBy: { type: 'string' },
      attempts: { type: 'integer' },
    },
  },
  Ingested: {
    type: 'object',
    required: ['messageId', 'status'],
    properties: {
      messageId: { type: 'string' },
      status: { type: 'string', enum: ['ingested'] },
      controlId: { type: 'string' },
      messageType: { type: 'string' },
    },
  },
  Duplicate: {
    type: 'object',
    required: ['status', 'messageId'],
    properties: { status: { type: 'string', enum: ['duplicate'] }, messageId: { type: 'string', description: 'The original message id.' } },
  },
  BatchAnswer: {
    type: 'object',
    required: ['batchId', 'messages'],
    properties: {
      batchId: { type: 'string' },
      messages: {
        type: 'array',
        items: { type: 'object', properties: { messageId: { type: 'string' }, status: { type: 'string', enum: ['ingested', 'duplicate'] } } },
      },
    },
  },
  AuditRecord: {
    type: 'object',
    description: 'One audited call: who, what, when, outcome, from where (docs/adr/0016).',
    required: ['auditId', 'at', 'principal', 'action', 'method', 'route', 'entityType', 'entityIds', 'outcome', 'status'],
    properties: {
      auditId: { type: 'string' },
      at: { type: 'string', format: 'date-time' },
      principal: { type: 'string' },
      client: { type: 'string' },
      action: { type: 'string', enum: ['read', 'search', 'write', 'query'] },
      method: { type: 'string' },
      route: { type: 'string' },
      entityType: { type: 'string' },
      entityIds: { type: 'array', items: { type: 'string' } },
      source: { type: 'string' },
      patientId: { type: 'string' },
      outcome: { type: 'string', enum: ['success', 'denied', 'not-found', 'invalid', 'duplicate', 'error'] },
      status: { type: 'integer', description: 'The HTTP status; 0 for an MLLP frame or an `hcdl query` run.' },
      count: { type: 'integer' },
      sqlSha256: { type: 'string', description: 'SHA-256 (hex) of the SQL text of an `hcdl query` run (the text itself is not kept).' },
    },
  },
};
