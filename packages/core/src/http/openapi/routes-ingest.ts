import { BEARER, ERRORS, jsonContent, ref } from './components';
import type { RouteDoc } from './types';

const sourceParams = [
  { name: 'source', in: 'query', required: false, description: 'The source to record (needed when `custom:write` names several).', schema: { type: 'string' } },
  { name: 'x-hcdl-source', in: 'header', required: false, description: 'Same as `source`.', schema: { type: 'string' } },
];

/** The write routes: submission and (on AWS) presigned uploads. */
export const INGEST_ROUTES: readonly RouteDoc[] = [
  {
    method: 'post',
    path: '/hl7v2/er7',
    audit: 'write',
    entity: 'message',
    operation: {
      operationId: 'submitEr7',
      summary: 'Submit HL7 v2 messages (ER7, one message or a batch)',
      description:
        'Stores the bytes durably before answering. `Accept: application/hl7-v2` answers an HL7 ACK instead of JSON, with one meaning on HTTP and MLLP (original and enhanced mode, docs/ack.md). Needs a non-empty `custom:write` claim.',
      tags: ['ingest'],
      security: BEARER,
      parameters: [
        ...sourceParams,
        {
          name: 'ack',
          in: 'query',
          required: false,
          description:
            '`application`: the answer waits for staging and carries the application ACK (201 staged, 422 error zone, 202 still waiting; docs/ack.md).',
          schema: { type: 'string', enum: ['application'] },
        },
      ],
      requestBody: {
        required: true,
        content: {
          'application/hl7-v2': { schema: { type: 'string' } },
          'x-application/hl7-v2+er7': { schema: { type: 'string' } },
          'text/plain': { schema: { type: 'string' } },
          'application/json': {
            schema: {
              type: 'object',
              required: ['msg'],
              properties: {
                msg: { type: 'string', contentEncoding: 'base64' },
                encoding: { type: 'string' },
                segTerm: { type: 'array', items: { type: 'string' } },
              },
            },
          },
        },
      },
      responses: {
        201: { description: 'Stored (a batch answers one entry per message).', content: jsonContent({ oneOf: [ref('Ingested'), ref('BatchAnswer')] }) },
        400: errorAnswerNotHl7(),
        401: ERRORS[401],
        403: ERRORS[403],
        409: {
          description: 'Already received in the dedup window: the original message id.',
          content: jsonContent({ oneOf: [ref('Duplicate'), ref('BatchAnswer')] }),
        },
        413: ERRORS[413],
        415: ERRORS[415],
      },
    },
  },
  {
    method: 'post',
    path: '/hl7v2/uploads',
    audit: 'write',
    entity: 'upload',
    servedBy: 'aws',
    operation: {
      operationId: 'createUpload',
      summary: 'Start a presigned upload of a large file or batch (AWS)',
      description: 'Answers a presigned S3 POST; the file is ingested asynchronously and reported at `/hl7v2/batches/{id}`.',
      tags: ['ingest'],
      security: BEARER,
      parameters: sourceParams,
      responses: {
        201: {
          description: 'The presigned POST and where the report will be.',
          content: jsonContent({
            type: 'object',
            required: ['uploadId', 'url', 'fields'],
            properties: {
              uploadId: { type: 'string' },
              batchId: { type: 'string' },
              source: { type: 'string' },
              method: { type: 'string' },
              url: { type: 'string' },
              fields: { type: 'object', additionalProperties: { type: 'string' } },
              maxBytes: { type: 'integer' },
              expiresAt: { type: 'string', format: 'date-time' },
              report: { type: 'string' },
            },
          }),
        },
        400: ERRORS[400],
        401: ERRORS[401],
        403: ERRORS[403],
      },
    },
  },
];

function errorAnswerNotHl7() {
  return { ...ERRORS[400], description: 'Not HL7 (the bytes are kept in the error zone, `details.messageId`), or an empty batch.' };
}
