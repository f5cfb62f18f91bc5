import { fhirPatientId } from '@hcdl/lake/fhir-patient-id';
import { h } from '../dom';
import type { ViewContext } from '../main';
import { href } from '../router';
import type { FhirBundle, FhirResource, MessageRow } from '../types';

/** `meta.source` of a resource version: the message that made it (packages/fhir mapping). */
const MESSAGE_SOURCE = 'urn:hcdl:message:';

/**
 * The refined zone's resources of a patient of the index (Patient `$everything`, its id made
 * by the lake's own fhirPatientId); undefined when the deployment has no FHIR API (404), the
 * caller may not read it, or the refined zone has nothing for the patient yet.
 */
async function everything(ctx: ViewContext, patientId: string): Promise<FhirResource[] | undefined> {
  let bundle: FhirBundle;
  try {
    bundle = await ctx.api.json<FhirBundle>(`/fhir/Patient/${encodeURIComponent(fhirPatientId(patientId))}/$everything`, { _count: 200 });
  } catch {
    return undefined;
  }
  return (bundle.entry ?? []).flatMap((e) => (e.resource !== undefined ? [e.resource] : []));
}

/** One collapsible line per resource: type/id (version), the message that made it when `withMessage`, the JSON inside. */
function resourceList(id: string, title: string, resources: FhirResource[], withMessage: boolean): HTMLElement {
  const madeBy = (r: FhirResource) => {
    const messageId = r.meta?.source?.startsWith(MESSAGE_SOURCE) === true ? r.meta.source.slice(MESSAGE_SOURCE.length) : undefined;
    return withMessage && messageId !== undefined ? [' from ', h('a', { href: href.message(messageId) }, messageId)] : [];
  };
  return h(
    'section',
    { id, 'aria-labelledby': `${id}-h` },
    h('h2', { id: `${id}-h` }, title),
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
            h('summary', {}, `${r.resourceType}/${r.id ?? ''}${r.meta?.versionId !== undefined ? ` (version ${r.meta.versionId})` : ''}`),
            h('pre', { class: 'json' }, JSON.stringify(r, null, 2)),
          ),
          ...madeBy(r),
        ),
      ),
    ),
  );
}

/**
 * The FHIR resources this message made, from the patient's `$everything` (each version names
 * its message in `meta.source`); undefined, and no panel, when there is no FHIR API (404) or
 * the message made none (a later message's version replaced them, or it maps to nothing).
 */
export async function fhirPanel(ctx: ViewContext, m: MessageRow): Promise<HTMLElement | undefined> {
  if (m.patientId === undefined || m.status !== 'staged') return undefined;
  const source = `${MESSAGE_SOURCE}${m.messageId}`;
  const resources = (await everything(ctx, m.patientId))?.filter((r) => r.meta?.source === source);
  if (resources === undefined || resources.length === 0) return undefined;
  return resourceList('fhir-section', 'FHIR resources', resources, false);
}

/** Every FHIR resource of a patient (its current versions), each with the message that made it; undefined without a FHIR API. */
export async function patientFhirPanel(ctx: ViewContext, patientId: string): Promise<HTMLElement | undefined> {
  const resources = await everything(ctx, patientId);
  if (resources === undefined || resources.length === 0) return undefined;
  return resourceList('patient-fhir', 'FHIR resources of this patient', resources, true);
}
