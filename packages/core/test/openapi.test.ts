/**
 * The OpenAPI document: valid OpenAPI 3.1 (checked by @apidevtools/swagger-parser, a
 * validator of its own, not ours), checked in up to date with the route table, rendered into
 * docs/api.md, served at /openapi.json, and the route matcher the access log and audit use.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import SwaggerParser from '@apidevtools/swagger-parser';
import { API_ROUTES_DOC, createHttpApi, createRouteMatcher, openApiDocument, openApiText, renderApiMarkdown } from '../src/index';

const docs = path.join(import.meta.dirname, '..', '..', '..', 'docs');
const REGENERATE = 'run `pnpm -s openapi` and commit docs/openapi.json and docs/api.md';

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for the validator', async () => {
    const doc = openApiDocument();
    // validate() dereferences in place: give it a copy.
    const api = (await SwaggerParser.validate(structuredClone(doc) as never)) as unknown as { openapi: string; paths: Record<string, unknown> };
    expect(api.openapi).toBe('3.1.0');
    expect(Object.keys(api.paths).length).toBe(new Set(API_ROUTES_DOC.map((r) => r.path)).size);
  });

  it('refuses a broken document (the validator is really run)', async () => {
    const broken = structuredClone(openApiDocument()) as { paths: Record<string, Record<string, { responses?: unknown }>> };
    (broken.paths['/health'] as Record<string, { responses?: unknown }>).get = {
      responses: { 200: { content: { 'application/json': { schema: { $ref: '#/nope' } } } } },
    };
    await expect(SwaggerParser.validate(broken as never)).rejects.toThrow();
  });

  it(`is checked in as docs/openapi.json, up to date (else ${REGENERATE})`, () => {
    expect(readFileSync(path.join(docs, 'openapi.json'), 'utf8')).toBe(openApiText());
  });

  it(`is rendered as docs/api.md, up to date (else ${REGENERATE})`, () => {
    const page = readFileSync(path.join(docs, 'api.md'), 'utf8');
    expect(page).toBe(renderApiMarkdown(JSON.parse(readFileSync(path.join(docs, 'openapi.json'), 'utf8'))));
    for (const r of API_ROUTES_DOC) expect(page).toContain(`### \`${r.method.toUpperCase()} ${r.path}\``);
  });

  it('has one operationId per operation, each unique', () => {
    const ids = API_ROUTES_DOC.map((r) => r.operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('is served at /openapi.json without a token', async () => {
    const r = await createHttpApi({}).handle({ method: 'GET', path: '/openapi.json', headers: {}, query: {}, claims: undefined });
    expect(r.status).toBe(200);
    expect(JSON.parse(String(r.body))).toEqual(openApiDocument());
  });
});

describe('the route matcher (access log route templates, audit classification)', () => {
  const match = createRouteMatcher();
  it.each([
    ['GET', '/hl7v2/messages/01J2Z6V9S3M7Q1K4T8R5X0B2C6', '/hl7v2/messages/{id}'],
    ['HEAD', '/hl7v2/messages/01J2Z6V9S3M7Q1K4T8R5X0B2C6/raw', '/hl7v2/messages/{id}/raw'],
    ['GET', '/hl7v2/messages/', '/hl7v2/messages'],
    ['GET', '/patients/pat_01J2Z6V9S3M7Q1K4T8R5X0B2C6', '/patients/{id}'],
    ['POST', '/hl7v2/er7', '/hl7v2/er7'],
  ])('%s %s is %s', (method, p, template) => {
    expect(match(method, p)?.path).toBe(template);
  });
  it('matches nothing undocumented', () => {
    expect(match('POST', '/hl7v2/messages')).toBeUndefined();
    expect(match('GET', '/hl7v2/messages/a/b/c')).toBeUndefined();
    expect(match('GET', '/nope')).toBeUndefined();
  });
});
