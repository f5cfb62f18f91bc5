import { BEARER, ERRORS, jsonContent, page, PAGING, queryParam, ref } from './components';
import type { RouteDoc } from './types';

/** Operations routes: health, metrics, this document, the audit trail, the local dev issuer. */
export const OPS_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    operation: {
      operationId: 'health',
      summary: 'Health: checks and staging backlog (503 when a check fails)',
      tags: ['operations'],
      responses: {
        200: {
          description: 'Healthy.',
          content: jsonContent({ type: 'object', required: ['status'], properties: { status: { type: 'string', enum: ['ok'] }, checks: { type: 'object' } } }),
        },
        503: {
          description: 'A check failed (`checks` says which).',
          content: jsonContent({
            type: 'object',
            required: ['status'],
            properties: { status: { type: 'string', enum: ['unhealthy'] }, checks: { type: 'object' } },
          }),
        },
      },
    },
  },
  {
    method: 'get',
    path: '/openapi.json',
    operation: {
      operationId: 'openapi',
      summary: 'This OpenAPI 3.1 document',
      tags: ['operations'],
      responses: { 200: { description: 'The document.', content: jsonContent({ type: 'object' }) } },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    servedBy: 'local',
    operation: {
      operationId: 'metrics',
      summary: 'Prometheus metrics (local lake; on AWS see CloudWatch)',
      tags: ['operations'],
      responses: { 200: { description: 'Prometheus text exposition format.', content: { 'text/plain': { schema: { type: 'string' } } } } },
    },
  },
  {
    method: 'get',
    path: '/audit',
    audit: 'search',
    entity: 'audit',
    operation: {
      operationId: 'listAudit',
      summary: 'The audit trail, oldest first (needs the `custom:audit` claim; itself audited)',
      tags: ['operations'],
      security: BEARER,
      parameters: [
        queryParam('since', 'ISO-8601 instant, inclusive.', { type: 'string', format: 'date-time' }),
        queryParam('until', 'ISO-8601 instant, exclusive.', { type: 'string', format: 'date-time' }),
        queryParam('principal', 'The `sub` of the caller.'),
        queryParam('entity', 'A message, patient or batch id the call touched.'),
        queryParam('action', 'read, search, write or query.', { type: 'string', enum: ['read', 'search', 'write', 'query'] }),
        queryParam('outcome', 'The outcome.', { type: 'string', enum: ['success', 'denied', 'not-found', 'invalid', 'duplicate', 'error'] }),
        ...PAGING,
      ],
      responses: {
        200: { description: 'A page of audit records.', content: jsonContent(page(ref('AuditRecord'))) },
        400: ERRORS[400],
        401: ERRORS[401],
        403: ERRORS[403],
      },
    },
  },
  {
    method: 'get',
    path: '/oidc/.well-known/openid-configuration',
    servedBy: 'local',
    operation: {
      operationId: 'devIssuerConfiguration',
      summary: 'OpenID configuration of the embedded dev issuer (local lake without an external issuer)',
      tags: ['operations'],
      responses: { 200: { description: 'The configuration.', content: jsonContent({ type: 'object' }) } },
    },
  },
  {
    method: 'get',
    path: '/oidc/.well-known/jwks.json',
    servedBy: 'local',
    operation: {
      operationId: 'devIssuerJwks',
      summary: 'Public keys of the embedded dev issuer',
      tags: ['operations'],
      responses: { 200: { description: 'The JWKS.', content: jsonContent({ type: 'object' }) } },
    },
  },
];
