import { ApiError } from '../api';
import { h, replace } from '../dom';
import type { ViewContext } from '../main';
import { href, type Route } from '../router';
import type { ErrorItem, Page } from '../types';
import { statusBadge } from './message-table';
import { replayButton } from './replay';

const PAGE = 100;

/** The error queue: every diagnostic of every failed attempt, with a replay for messages still in error. */
export async function renderErrors(ctx: ViewContext, route: Route): Promise<void> {
  const q = route.query;
  const field = (name: string, label: string, attrs: Record<string, string> = {}) =>
    h('div', { class: 'field' }, h('label', { for: `e-${name}` }, label), h('input', { id: `e-${name}`, name, value: q.get(name) ?? '', ...attrs }));
  const form = h(
    'form',
    { id: 'error-filters', class: 'filters', role: 'search', 'aria-label': 'Error filters' },
    field('source', 'Source'),
    field('code', 'Diagnostic code', { placeholder: 'MISSING_SEGMENT' }),
    field('since', 'Since', { type: 'datetime-local', step: '1' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Filter'), h('a', { href: '#/errors', class: 'button-link' }, 'Clear')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const [k, v] of new FormData(form).entries()) if (String(v).trim() !== '') next.set(k, String(v).trim());
    location.hash = href.errors(next);
  });
  const summary = h('p', { id: 'errors-status', class: 'summary' });
  const tbody = h('tbody', {});
  const more = h('button', { type: 'button', id: 'more-errors', hidden: true }, 'Load more');
  replace(
    ctx.main,
    h('h1', {}, 'Error queue'),
    form,
    summary,
    h(
      'table',
      { id: 'errors' },
      h('caption', {}, 'Diagnostics of failed staging attempts, oldest first'),
      h(
        'thead',
        {},
        h('tr', {}, ...['Message', 'Attempt', 'Code', 'Diagnostic', 'Location', 'Source', 'Status', 'Action'].map((c) => h('th', { scope: 'col' }, c))),
      ),
      tbody,
    ),
    more,
  );
  const since = q.get('since');
  const query = { source: q.get('source') ?? undefined, code: q.get('code') ?? undefined, since: since ? new Date(since).toISOString() : undefined };
  let cursor: string | undefined;
  let count = 0;
  /** One replay button per message: its diagnostics share it. */
  const replayable = new Set<string>();
  const load = async (): Promise<void> => {
    const page = await ctx.api.json<Page<ErrorItem>>('/hl7v2/errors', { ...query, limit: PAGE, cursor });
    for (const e of page.items) {
      const action = e.status === 'error' && !replayable.has(e.messageId) ? replayButton(ctx, e.messageId) : '';
      if (e.status === 'error') replayable.add(e.messageId);
      tbody.append(
        h(
          'tr',
          { 'data-message-id': e.messageId },
          h('td', {}, h('a', { href: href.message(e.messageId) }, e.messageId)),
          h('td', {}, e.attempt),
          h('td', {}, h('code', {}, e.code)),
          h('td', {}, e.message),
          h('td', {}, e.location ?? ''),
          h('td', {}, e.source),
          h('td', {}, statusBadge(e.status)),
          h('td', {}, action),
        ),
      );
      count++;
    }
    cursor = page.cursor;
    more.hidden = cursor === undefined;
    summary.textContent = `${count} diagnostic${count === 1 ? '' : 's'}${cursor !== undefined ? ', more to load' : ''}.`;
  };
  more.addEventListener('click', () => void load());
  try {
    await load();
  } catch (err) {
    if (!(err instanceof ApiError && err.status === 400)) throw err;
    summary.textContent = `The lake answered: ${err.message}`;
  }
}
