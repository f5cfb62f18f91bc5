/**
 * Writes the checked-in OpenAPI document (docs/openapi.json) and the API reference page
 * rendered from it (docs/api.md) from the route table of @hcdl/core
 * (packages/core/src/http/openapi/). Run after adding or changing a route:
 *   pnpm -s openapi        (root script: tsx tools/openapi.ts)
 * packages/core/test/openapi.test.ts fails while either file differs from what this writes.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { openApiDocument, openApiText, renderApiMarkdown } from '../packages/core/src/index';

const docs = path.join(import.meta.dirname, '..', 'docs');
writeFileSync(path.join(docs, 'openapi.json'), openApiText());
writeFileSync(path.join(docs, 'api.md'), renderApiMarkdown(openApiDocument()));
process.stdout.write('wrote docs/openapi.json and docs/api.md\n');
