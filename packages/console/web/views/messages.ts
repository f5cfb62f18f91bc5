import { ApiError } from '../api';
import { h, replace } from '../dom';
import type { ViewContext } from '../main';
import { href, type Route } from '../router';
import type { MessageRow, Page } from '../types';
import { messageRow, messageTable, statusBadge } from './message-table';

/** How often the list asks for new messages while live updates are on. */
const POLL_MS = 3000;
const FILTERS = ['source', 'type', 'status', 'since', 'until', 'controlId', 'identifier'] as const;
const PAGE = 50;

/** A `datetime-local` value (local time) as an ISO instant; undefined when empty. */
const instant = (local: string | null): string | undefined => (local === null || local === '' ? undefined : new Date(local).toISOString());

function input(name: string, label: string, value: string | null, attrs: Record<string, string> = {}): HTMLElement {
  return h('div', { class: 'field' }, h('label', { for: `f-${name}` }, label), h('input', { id: `f-${name}`, name, value: value ?? '', ...attrs }));
}

/** The message list: filters (kept in the URL), pages oldest first, and live updates at the end. */
export async function renderMessages(ctx: ViewContext, route: Route): Promise<void> {
  const q = route.query;
  const status = h(
    'select',
    { id: 'f-status', name: 'status' },
    ...['', 'ingested', 'staged', 'error'].map((s) => h('option', { value: s, selected: q.get('status') === s }, s === '' ? 'any' : s)),
  );
  const form = h(
    'form',
    { id: 'filters', class: 'filters', role: 'search', 'aria-label': 'Message filters' },
    input('source', 'Source', q.get('source'), { placeholder: 'north,south' }),
    input('type', 'Type', q.get('type'), { placeholder: 'ADT^A01' }),
    h('div', { class: 'field' }, h('label', { for: 'f-status' }, 'Status'), status),
    input('since', 'Received since', q.get('since'), { type: 'datetime-local', step: '1' }),
    input('until', 'Received before', q.get('until'), { type: 'datetime-local', step: '1' }),
    input('controlId', 'Control id (MSH-10)', q.get('controlId')),
    input('identifier', 'Patient identifier', q.get('identifier'), { placeholder: 'authority#type#value' }),
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, 'Filter'), h('a', { href: '#/messages', class: 'button-link' }, 'Clear')),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams();
    for (const name of FILTERS) {
      const v = String(new FormData(form).get(name) ?? '').trim();
      if (v !== '') next.set(name, v);
    }
    location.hash = href.messages(next);
  });
  const liveBox = h('input', { type: 'checkbox', id: 'live', checked: true });
  const summary = h('p', { id: 'list-status', class: 'summary' });
  const tableEl = messageTable('Messages, oldest first', 'messages');
  const tbody = tableEl.tBodies[0] as HTMLTableSectionElement;
  const more = h('button', { type: 'button', id: 'more', hidden: true }, 'Load more');
  replace(ctx.main, h('h1', {}, 'Messages'), form, h('div', { class: 'live' }, liveBox, h('label', { for: 'live' }, 'Live updates')), summary, tableEl, more);

  const query: Record<string, string | undefined> = {
    source: q.get('source') ?? undefined,
    type: q.get('type') ?? undefined,
    status: q.get('status') ?? undefined,
    since: instant(q.get('since')),
    until: instant(q.get('until')),
    controlId: q.get('controlId') ?? undefined,
  };
  const identifier = q.get('identifier');
  if (identifier !== null && identifier !== '') {
    const found = await ctx.api.json<{ items: { patientId: string }[] }>('/patients', { identifier }).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 400) return { items: [] };
      throw err;
    });
    const patientId = found.items[0]?.patientId;
    if (patientId === undefined) {
      summary.textContent = 'No patient has this identifier (or you may not read it).';
      return;
    }
    query.patient = patientId;
  }

  const shown = new Map<string, HTMLTableRowElement>();
  let cursor: string | undefined;
  let last: string | undefined;
  // Pages come newest first and go below; live updates come oldest first and go on top.
  const add = (items: MessageRow[], fresh: boolean): number => {
    let n = 0;
    for (const m of items) {
      if (shown.has(m.messageId)) continue;
      const row = messageRow(m);
      if (fresh) row.classList.add('fresh');
      shown.set(m.messageId, row);
      if (fresh) tbody.insertBefore(row, tbody.firstChild);
      else tbody.appendChild(row);
      if (last === undefined || m.receivedAt > last) last = m.receivedAt;
      n++;
    }
    return n;
  };
  const describe = (): void => {
    summary.textContent = `${shown.size} message${shown.size === 1 ? '' : 's'}${cursor !== undefined ? ', more to load' : ''}.`;
    more.hidden = cursor === undefined;
  };
  const load = async (): Promise<void> => {
    const page = await ctx.api.json<Page<MessageRow>>('/hl7v2/messages', { ...query, limit: PAGE, cursor });
    add(page.items, false);
    cursor = page.cursor;
    describe();
  };
  more.addEventListener('click', () => void load().catch(showError));
  const showError = (err: unknown): void => {
    summary.textContent = err instanceof Error ? `The lake answered: ${err.message}` : String(err);
  };
  try {
    await load();
  } catch (err) {
    if (err instanceof ApiError && err.status === 400) return showError(err);
    throw err;
  }

  /** New messages after the last one shown, and fresh statuses of those still waiting for staging. */
  const poll = async (): Promise<void> => {
    {
      let next: string | undefined;
      let added = 0;
      const since = [query.since, last]
        .filter((s): s is string => s !== undefined)
        .sort()
        .pop();
      for (let i = 0; i < 5; i++) {
        const page = await ctx.api.json<Page<MessageRow>>('/hl7v2/messages', { ...query, since, sort: 'asc', limit: PAGE, cursor: next });
        added += add(page.items, true);
        next = page.cursor;
        if (next === undefined) break;
      }
      if (added > 0) ctx.announce(`${added} new message${added === 1 ? '' : 's'}`);
    }
    const waiting = [...shown.entries()].filter(([, row]) => row.querySelector('.status-ingested') !== null).slice(-20);
    for (const [id, row] of waiting) {
      const m = await ctx.api.json<MessageRow>(`/hl7v2/messages/${encodeURIComponent(id)}`);
      if (m.status !== 'ingested') replace(row.querySelector('.status-cell') as HTMLElement, statusBadge(m.status));
    }
    describe();
  };
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;
  const schedule = (): void => {
    if (stopped || !liveBox.checked) return;
    timer = setTimeout(() => {
      poll().catch(showError).finally(schedule);
    }, POLL_MS);
  };
  liveBox.addEventListener('change', () => {
    clearTimeout(timer);
    ctx.announce(liveBox.checked ? 'Live updates on' : 'Live updates off');
    schedule();
  });
  ctx.onLeave(() => {
    stopped = true;
    clearTimeout(timer);
  });
  schedule();
}
