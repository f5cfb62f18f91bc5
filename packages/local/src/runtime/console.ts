import { createConsoleAssets } from '@hcdl/console';
import type { Env, Hono } from 'hono';

/** The console's mount point on the local lake. */
export const CONSOLE_PATH = '/console';

/**
 * Serves the web console (packages/console) at /console: static files only; the console then
 * calls the lake's API from the browser with the token the user signs in with. No token is
 * needed to load the page (it holds no data).
 */
export function mountConsole<E extends Env>(app: Hono<E>): void {
  const assets = createConsoleAssets();
  // Relative asset URLs in the page resolve under /console/ only with the trailing slash.
  app.get(CONSOLE_PATH, (c) => c.redirect(`${CONSOLE_PATH}/`, 308));
  app.get(`${CONSOLE_PATH}/*`, async (c) => {
    const a = await assets.answer(c.req.path.slice(CONSOLE_PATH.length + 1), c.req.header('accept-encoding'));
    return new Response(a.body, { status: a.status, headers: a.headers });
  });
}
