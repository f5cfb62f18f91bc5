import { ApiError } from '../api';
import { h, replace, table, when } from '../dom';
import type { ViewContext } from '../main';
import { href, type Route } from '../router';
import type { Patient } from '../types';
import { patientFhirPanel } from './fhir';
import { messageRow, messageTable } from './message-table';

/** Find a patient by one of its identifiers (authority#type#value). */
export async function renderPatientLookup(ctx: ViewContext, route: Route): Promise<void> {
  const result = h('p', { id: 'lookup-result', role: 'status' });
  const input = h('input', {
    id: 'p-identifier',
    name: 'identifier',
    required: true,
    placeholder: 'authority#type#value',
    value: route.query.get('identifier') ?? '',
  });
  const form = h(
    'form',
    { id: 'patient-lookup', role: 'search', 'aria-label': 'Patient lookup' },
    h('div', { class: 'field' }, h('label', { for: 'p-identifier' }, 'Patient identifier'), input),
    h('button', { type: 'submit' }, 'Find'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const found = await ctx.api.json<{ items: { patientId: string }[] }>('/patients', { identifier: input.value.trim() });
      const id = found.items[0]?.patientId;
      if (id !== undefined) location.hash = href.patient(id);
      else result.textContent = 'No patient has this identifier (or you may not read it).';
    } catch (err) {
      result.textContent = err instanceof ApiError ? `The lake answered: ${err.message}` : String(err);
    }
  });
  replace(ctx.main, h('h1', {}, 'Patients'), form, result);
}

/** A patient: identifiers, links, merges and messages (of the patient and every patient merged into it). */
export async function renderPatient(ctx: ViewContext, id: string): Promise<void> {
  let p: Patient;
  try {
    p = await ctx.api.json<Patient>(`/patients/${encodeURIComponent(id)}`, { limit: 100 });
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) {
      replace(ctx.main, h('h1', {}, 'Patient not found'), h('p', {}, 'No patient has this id, or you may not read any of its sources.'));
      return;
    }
    throw err;
  }
  const link = (pid: string) => h('a', { href: href.patient(pid) }, pid);
  const messages = messageTable('Messages of this patient and of the patients merged into it', 'patient-messages');
  for (const m of p.messages.items) (messages.tBodies[0] as HTMLTableSectionElement).append(messageRow(m));
  replace(
    ctx.main,
    h('h1', {}, `Patient ${p.patientId}`),
    p.mergedInto !== undefined ? h('p', { class: 'notice' }, 'Merged into ', link(p.mergedInto)) : '',
    table(
      'Identifiers',
      ['Identifier', 'Authority', 'Type', 'Value', 'Source', 'First seen'],
      p.identifiers.map((i) => [
        h('code', {}, i.identifier),
        i.authority ?? '',
        i.type ?? '',
        i.value ?? '',
        i.source ?? '',
        i.firstSeenMessageId !== undefined ? h('a', { href: href.message(i.firstSeenMessageId) }, when(i.firstSeenAt) || i.firstSeenMessageId) : '',
      ]),
      { id: 'identifiers' },
    ),
    p.links.length > 0
      ? table(
          'Links to other patients (kept for review)',
          ['Patient', 'Linked patient', 'Message', 'At'],
          p.links.map((l) => [link(l.patientId), link(l.linkedPatientId), h('a', { href: href.message(l.messageId) }, l.messageId), when(l.at)]),
          { id: 'links' },
        )
      : h('p', {}, 'No links to other patients.'),
    p.merges.length > 0
      ? table(
          'Merges',
          ['Merged patient', 'Survivor', 'Message', 'Type', 'Prior identifiers', 'At'],
          p.merges.map((m) => [
            link(m.mergedPatientId),
            link(m.survivorPatientId),
            h('a', { href: href.message(m.messageId) }, m.messageId),
            m.messageType ?? '',
            (m.priorIdentifiers ?? []).join(', '),
            when(m.at),
          ]),
          { id: 'merges' },
        )
      : h('p', {}, 'No merges.'),
    messages,
  );
  const fhir = await patientFhirPanel(ctx, p.patientId);
  if (fhir !== undefined) ctx.main.append(fhir);
}
