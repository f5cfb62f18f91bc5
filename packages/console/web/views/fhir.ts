import { h } from '../dom';
import type { ViewContext } from '../main';
import type { FhirBundle, MessageRow } from '../types';

/** The FHIR Patient id of a patient index id (`pat_…` → `pat-…`), as the refined zone names it. */
export const fhirPatientId = (patientId: string): string => patientId.replace(/^pat_/, 'pat-');

/**
 * The FHIR resources this message made, from the patient's `$everything` (each resource names
 * its message in `meta.source`); undefined, and no panel, when the deployment has no FHIR API
 * (404) or the message made none.
 */
export async function fhirPanel(ctx: ViewContext, m: MessageRow): Promise<HTMLElement | undefined> {
  if (m.patientId === undefined || m.status !== 'staged') return undefined;
  let bundle: FhirBundle;
  try {
    bundle = await ctx.api.json<FhirBundle>(`/fhir/Patient/${encodeURIComponent(fhirPatientId(m.patientId))}/$everything`, { _count: 200 });
  } catch {
    return undefined;
  }
  const source = `urn:hcdl:message:${m.messageId}`;
  const resources = (bundle.entry ?? []).map((e) => e.resource).filter((r) => r !== undefined && r.meta?.source === source);
  if (resources.length === 0) return undefined;
  return h(
    'section',
    { id: 'fhir-section', 'aria-labelledby': 'fhir-h' },
    h('h2', { id: 'fhir-h' }, 'FHIR resources'),
    h(
      'ul',
      { class: 'fhir' },
      ...resources.map((r) =>
        h(
          'li',
          {},
          h(
            'details',
            {},
            h('summary', {}, `${r?.resourceType}/${r?.id ?? ''}${r?.meta?.versionId !== undefined ? ` (version ${r.meta.versionId})` : ''}`),
            h('pre', { class: 'json' }, JSON.stringify(r, null, 2)),
          ),
        ),
      ),
    ),
  );
}
