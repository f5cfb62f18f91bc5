import { BEARER, ERRORS, jsonContent, page, PAGING, pathId, queryParam, ref } from './components';
import type { RouteDoc } from './types';

const READ_ERRORS = { 400: ERRORS[400], 401: ERRORS[401], 404: ERRORS[404] };
const messageId = pathId('A message id.');

const messageRead = (path: string, operationId: string, summary: string, content: Record<string, unknown>): RouteDoc => ({
  method: 'get',
  path,
  audit: 'read',
  entity: 'message',
  operation: {
    operationId,
    summary,
    tags: ['messages'],
    security: BEARER,
    parameters: [messageId],
    responses: { 200: { description: summary, content }, ...READ_ERRORS },
  },
});

/** The read routes (docs/read-api.md): access per source on `custom:read`. */
export const READ_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/hl7v2/messages',
    audit: 'search',
    entity: 'message',
    operation: {
      operationId: 'listMessages',
      summary: 'List messages of the readable sources, newest first',
      tags: ['messages'],
      security: BEARER,
      parameters: [
        queryParam('source', 'Source ids, comma separated (unreadable ones are ignored).'),
        queryParam('type', 'MSH-9 as CODE^EVENT.'),
        queryParam('controlId', 'MSH-10, exactly.'),
        queryParam('status', 'Message status.', { type: 'string', enum: ['ingested', 'staged', 'error'] }),
        queryParam('since', 'ISO-8601 instant, inclusive.', { type: 'string', format: 'date-time' }),
        queryParam('until', 'ISO-8601 instant, exclusive.', { type: 'string', format: 'date-time' }),
        queryParam('patient', 'A patient id: its messages and those of patients merged into it.'),
        queryParam('sort', 'Order by receive time: `desc` (default, newest first) or `asc`.', { type: 'string', enum: ['desc', 'asc'] }),
        ...PAGING,
      ],
      responses: { 200: { description: 'A page of catalog entries.', content: jsonContent(page(ref('Message'))) }, ...READ_ERRORS },
    },
  },
  messageRead('/hl7v2/messages/{id}', 'getMessage', 'The catalog entry of a message', jsonContent(ref('Message'))),
  messageRead('/hl7v2/messages/{id}/raw', 'getMessageRaw', 'The bytes exactly as received', {
    'application/hl7-v2': { schema: { type: 'string' } },
    'application/octet-stream': { schema: { type: 'string' } },
  }),
  messageRead('/hl7v2/messages/{id}/staging', 'getMessageStaging', 'The staging JSON of a message', jsonContent({ type: 'object' })),
  {
    method: 'post',
    path: '/hl7v2/messages/{id}/replay',
    audit: 'write',
    entity: 'message',
    servedBy: 'local',
    operation: {
      operationId: 'replayMessage',
      summary: 'Re-run staging of a message in error from its raw bytes',
      description: 'Needs the message source in `custom:read` (else 404) and in `custom:write` (else 403).',
      tags: ['messages'],
      security: BEARER,
      parameters: [messageId],
      responses: {
        202: { description: 'Replayed: `{ messageId, outcome, attempt }`.', content: jsonContent({ type: 'object' }) },
        409: { description: 'The message is not in error (`NOT_IN_ERROR`).', content: jsonContent(ref('Error')) },
        ...READ_ERRORS,
        403: ERRORS[403],
      },
    },
  },
  messageRead('/hl7v2/messages/{id}/lineage', 'getMessageLineage', 'Where a message went: zone objects and staging attempts', jsonContent({ type: 'object' })),
  {
    method: 'get',
    path: '/hl7v2/errors',
    audit: 'search',
    entity: 'error',
    operation: {
      operationId: 'listErrors',
      summary: 'List staging errors with their diagnostics',
      tags: ['messages'],
      security: BEARER,
      parameters: [
        queryParam('source', 'Source ids, comma separated.'),
        queryParam('since', 'ISO-8601 instant, inclusive.', { type: 'string', format: 'date-time' }),
        queryParam('code', 'A diagnostic code.'),
        queryParam('sort', 'Order by receive time: `desc` (default, newest first) or `asc`.', { type: 'string', enum: ['desc', 'asc'] }),
        ...PAGING,
      ],
      responses: { 200: { description: 'A page of errors.', content: jsonContent(page({ type: 'object' })) }, ...READ_ERRORS },
    },
  },
  {
    method: 'get',
    path: '/hl7v2/batches/{id}',
    audit: 'read',
    entity: 'batch',
    servedBy: 'aws',
    operation: {
      operationId: 'getBatch',
      summary: 'The report of an uploaded batch (AWS)',
      tags: ['messages'],
      security: BEARER,
      parameters: [pathId('A batch (upload) id.'), queryParam('source', 'The source the batch was uploaded for.'), ...PAGING],
      responses: { 200: { description: 'The batch report.', content: jsonContent({ type: 'object' }) }, ...READ_ERRORS },
    },
  },
  {
    method: 'get',
    path: '/patients',
    audit: 'search',
    entity: 'patient',
    operation: {
      operationId: 'findPatients',
      summary: 'Find the patient of an identifier',
      tags: ['patients'],
      security: BEARER,
      parameters: [{ ...queryParam('identifier', 'authority#type#value (encode # as %23).'), required: true }],
      responses: { 200: { description: 'The matching patients.', content: jsonContent(page({ type: 'object' })) }, ...READ_ERRORS },
    },
  },
  {
    method: 'get',
    path: '/patients/{id}',
    audit: 'read',
    entity: 'patient',
    operation: {
      operationId: 'getPatient',
      summary: 'A patient: identifiers, links, merges and messages of the readable sources',
      tags: ['patients'],
      security: BEARER,
      parameters: [pathId('A patient id (pat_…).'), ...PAGING],
      responses: { 200: { description: 'The patient.', content: jsonContent({ type: 'object' }) }, ...READ_ERRORS },
    },
  },
];
