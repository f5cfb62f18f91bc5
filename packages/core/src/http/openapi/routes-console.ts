import type { RouteDoc } from './types';

/**
 * The web console (docs/console.md): static files served by the local lake; on AWS they are
 * deployed as static assets beside the API, which then serves no such route.
 */
export const CONSOLE_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/console',
    servedBy: 'local',
    operation: {
      operationId: 'consoleRedirect',
      summary: 'Redirects to /console/ (the web console)',
      tags: ['console'],
      responses: { 308: { description: 'To `/console/`.' } },
    },
  },
  {
    method: 'get',
    path: '/console/{file}',
    servedBy: 'local',
    operation: {
      operationId: 'consoleFile',
      summary: 'A file of the web console (index.html, console.js, console.css, dictionary names)',
      tags: ['console'],
      parameters: [{ name: 'file', in: 'path', required: true, description: 'The file; empty for index.html.', schema: { type: 'string' } }],
      responses: {
        200: { description: 'The file, with a strict Content-Security-Policy.', content: { 'text/html': { schema: { type: 'string' } } } },
        404: { description: 'No such file.' },
      },
    },
  },
];
