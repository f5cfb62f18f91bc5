import { h, when } from '../dom';
import { href } from '../router';
import type { MessageRow } from '../types';

export const statusBadge = (status: string): HTMLElement => h('span', { class: `status status-${status}` }, status);

/** One message as a table row (the id links to its detail page). */
export function messageRow(m: MessageRow): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-message-id': m.messageId },
    h('td', {}, h('a', { href: href.message(m.messageId) }, m.messageId)),
    h('td', {}, when(m.receivedAt)),
    h('td', {}, m.source),
    h('td', {}, m.messageType ?? ''),
    h('td', {}, m.controlId ?? ''),
    h('td', { class: 'status-cell' }, statusBadge(m.status)),
    h('td', {}, m.patientId !== undefined ? h('a', { href: href.patient(m.patientId) }, m.patientId) : ''),
  );
}

/** An empty messages table; rows are added to its tbody. */
export function messageTable(caption: string, id: string): HTMLTableElement {
  return h(
    'table',
    { id },
    h('caption', {}, caption),
    h('thead', {}, h('tr', {}, ...['Message', 'Received', 'Source', 'Type', 'Control id', 'Status', 'Patient'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', {}),
  );
}
