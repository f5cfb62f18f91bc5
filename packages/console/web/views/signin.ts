import { ApiError, session } from '../api';
import { h, replace } from '../dom';
import type { ViewContext } from '../main';
import type { Route } from '../router';

/** Sign in by pasting a bearer token (`hcdl token`, or a Cognito ID token); checked against the API before it is kept. */
export async function renderSignIn(ctx: ViewContext, route: Route): Promise<void> {
  const error = h('p', { id: 'signin-error', role: 'alert', class: 'error' });
  if (route.query.get('expired') === '1') error.textContent = 'Your token was refused or has expired: sign in again.';
  const input = h('textarea', {
    id: 'token',
    name: 'token',
    rows: 4,
    required: true,
    autocomplete: 'off',
    spellcheck: 'false',
    'aria-describedby': 'token-help signin-error',
  });
  const form = h(
    'form',
    {
      id: 'signin',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const token = input.value.trim().replace(/^Bearer\s+/i, '');
        if (token === '') return;
        session.signIn(token);
        try {
          await ctx.api.json('/hl7v2/messages', { limit: 1 });
          location.hash = '#/messages';
        } catch (err) {
          session.signOut();
          const reason = err instanceof ApiError && typeof err.details?.reason === 'string' ? ` (${err.details.reason})` : '';
          error.textContent = err instanceof ApiError ? `The lake refused this token: ${err.message}${reason}` : 'The lake could not be reached.';
          input.focus();
        }
      },
    },
    h('label', { for: 'token' }, 'Access token'),
    h(
      'p',
      { id: 'token-help', class: 'help' },
      'Paste a bearer token (for the local lake: pnpm -s hcdl token --read <sources> --write <sources>). It is kept in this tab only.',
    ),
    input,
    h('button', { type: 'submit' }, 'Sign in'),
    error,
  );
  replace(ctx.main, h('h1', {}, 'Sign in'), form);
}
