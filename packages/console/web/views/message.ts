import { ApiError } from '../api';
import { namesFor } from '../dictionary';
import { facts, h, replace, table, when } from '../dom';
import type { ViewContext } from '../main';
import { href } from '../router';
import type { Diagnostic, Lineage, MessageRow } from '../types';
import { fhirPanel } from './fhir';
import { statusBadge } from './message-table';
import { rawView } from './raw';
import { replayButton } from './replay';

const section = (id: string, title: string, ...body: (Node | string)[]): HTMLElement =>
  h('section', { id, 'aria-labelledby': `${id}-h` }, h('h2', { id: `${id}-h` }, title), ...body);

/** One message: its catalog entry, raw ER7, diagnostics placed in it, staging JSON, lineage and FHIR resources. */
export async function renderMessage(ctx: ViewContext, id: string): Promise<void> {
  const path = `/hl7v2/messages/${encodeURIComponent(id)}`;
  let m: MessageRow;
  try {
    m = await ctx.api.json<MessageRow>(path);
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      replace(ctx.main, h('h1', {}, 'Message not found'), h('p', {}, 'No message has this id, or you may not read its source.'));
      return;
    }
    throw err;
  }
  const [raw, lineage, names] = await Promise.all([ctx.api.text(`${path}/raw`), ctx.api.json<Lineage>(`${path}/lineage`), namesFor(m.version)]);
  const latest = lineage.history[lineage.history.length - 1];
  // A staged message's warnings are in its staging JSON; a failed attempt's diagnostics in its lineage.
  const doc = m.status === 'staged' ? await ctx.api.json<{ _meta?: { warnings?: Diagnostic[] } }>(`${path}/staging`) : undefined;
  const diagnostics: Diagnostic[] = doc !== undefined ? (doc._meta?.warnings ?? []) : (latest?.errors ?? []);
  const view = rawView(raw, names, diagnostics);

  const diagList =
    diagnostics.length === 0
      ? h('p', {}, latest === undefined ? 'Not staged yet.' : 'No diagnostics on the latest attempt.')
      : h(
          'ol',
          { class: 'diagnostics' },
          ...diagnostics.map((d) => {
            const target = view.locate(d);
            return h(
              'li',
              { class: `diag diag-${d.severity}` },
              h('strong', {}, `${d.severity} ${d.code}`),
              ` ${d.message} `,
              d.location !== undefined ? h('code', {}, d.location) : '',
              d.line !== undefined ? ` (line ${d.line}${d.column !== undefined ? `, column ${d.column}` : ''}) ` : ' ',
              target !== undefined
                ? h(
                    'button',
                    {
                      type: 'button',
                      class: 'link',
                      onclick: () => {
                        target.setAttribute('tabindex', '-1');
                        target.scrollIntoView({ block: 'center' });
                        target.focus();
                      },
                    },
                    'Show in raw text',
                  )
                : '',
            );
          }),
        );

  let staging: HTMLElement;
  if (doc !== undefined) {
    staging = h('pre', { id: 'staging-json', class: 'json', tabindex: 0, 'aria-label': 'Staging JSON' }, JSON.stringify(doc, null, 2));
  } else {
    staging = h('p', {}, `No staging JSON: the message is in status ${m.status}.`);
  }

  const history = table(
    'Staging attempts',
    ['Attempt', 'Outcome', 'At', 'Stage', 'Diagnostics'],
    lineage.history.map((a) => [a.attempt, a.outcome, when(a.at), a.stage ?? '', (a.errors ?? []).map((e) => e.code).join(', ')]),
  );
  const objects = table(
    'Zone objects',
    ['Zone', 'Key', 'At', 'Bytes'],
    lineage.objects.map((o) => [o.zone, h('code', {}, o.key), when(o.at), o.size ?? '']),
  );

  replace(
    ctx.main,
    h('h1', {}, `Message ${m.messageType ?? ''} ${m.controlId ?? ''}`.trim()),
    facts([
      ['Message id', h('code', { id: 'message-id' }, m.messageId)],
      ['Status', statusBadge(m.status)],
      ['Source', m.source],
      ['Type', m.messageType],
      ['Structure', m.structure],
      ['Version', m.version],
      ['Control id', m.controlId],
      ['Sending application', m.sendingApplication],
      ['Sending facility', m.sendingFacility],
      ['Received', when(m.receivedAt)],
      ['Attempts', m.attempts],
      ['Patient', m.patientId !== undefined ? h('a', { href: href.patient(m.patientId) }, m.patientId) : undefined],
    ]),
    m.status === 'error' ? replayButton(ctx, m.messageId, () => void renderMessage(ctx, id)) : '',
    section('raw-section', 'Raw ER7', view.element),
    section('diagnostics-section', 'Diagnostics', diagList),
    section('staging-section', 'Staging JSON', staging),
    section('lineage-section', 'Lineage', objects, history),
  );
  // Shown only when the deployment serves FHIR and the message made resources.
  const fhir = await fhirPanel(ctx, m);
  if (fhir !== undefined) ctx.main.append(fhir);
}
