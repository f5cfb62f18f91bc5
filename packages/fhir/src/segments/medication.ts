/**
 * RXA (+RXR) → Immunization in VXU, MedicationAdministration otherwise (RAS);
 * RXE/RXO (+RXR) → MedicationRequest (IG RXA[Immunization], RXO/RXE[MedicationRequest], RXR).
 */
import { codeableConcept, mappedCode } from '../datatypes/coded';
import { localNamespace } from '../datatypes/identifiers';
import { toDate, toDateTime } from '../datatypes/dtm';
import { unitOf } from '../datatypes/values-obx';
import { conceptKey } from '../keys';
import type { Mapping, OrderState } from '../mapping';
import { clean, type CodeableConcept, type FhirResource, type Json, type Reference } from '../resource';
import { comp, rep1, reps, val } from '../values';
import type { V2Repetition, V2Segment } from '../v2';
import { organizationXon, practitioner } from './actors';

const NUMBER = /^\d+(\.\d+)?$/;

function order(m: Mapping, position: string): OrderState {
  if (m.order === undefined) m.order = { specimens: [], position, observations: [] };
  return m.order;
}

export function mapRxa(m: Mapping, rxa: V2Segment, position: string): void {
  const state = order(m, position);
  const vaccine = codeableConcept(rep1(rxa, 5)) ?? { text: 'unknown' };
  const when = toDateTime(val(rxa, 3), m.offset);
  const amount = val(rxa, 6);
  const dose = amount !== undefined && NUMBER.test(amount) && amount !== '999' ? { value: Number(amount), ...unitOf(rep1(rxa, 7)) } : undefined;
  const completion = val(rxa, 20);
  const action = val(rxa, 21);
  const performers = reps(rxa, 10)
    .map((r) => practitioner(m, r))
    .filter((p) => p !== undefined);
  const sr = state.request;
  const orderKey = state.key;
  const key = m.patient !== undefined ? `${m.patient.reference}|rxa:${orderKey ?? ''}|${conceptKey(vaccine)}|${val(rxa, 3) ?? ''}` : undefined;
  if (m.messageCode === 'VXU' || m.messageCode === 'RSP' || m.messageCode === 'QBP') {
    const status = action === 'D' ? 'entered-in-error' : (mappedCode('CompletionStatus', completion) ?? 'completed');
    const imm = clean({
      resourceType: 'Immunization',
      id: m.id('Immunization', key, position),
      identifier: sr?.identifier,
      status,
      statusReason: status === 'not-done' ? codeableConcept(rep1(rxa, 18)) : undefined,
      vaccineCode: vaccine,
      patient: m.subject(),
      encounter: m.encounter,
      occurrenceDateTime: when ?? undefined,
      occurrenceString: when === undefined ? 'unknown' : undefined,
      recorded: toDateTime(val(rxa, 22), m.offset),
      primarySource: comp(rep1(rxa, 9), 1) === '00' ? true : comp(rep1(rxa, 9), 1) !== undefined ? false : undefined,
      reportOrigin: comp(rep1(rxa, 9), 1) !== undefined && comp(rep1(rxa, 9), 1) !== '00' ? codeableConcept(rep1(rxa, 9), 'NIP001') : undefined,
      lotNumber: val(rxa, 15),
      expirationDate: toDate(val(rxa, 16)),
      manufacturer: organizationXon(m, rep1(rxa, 17)),
      doseQuantity: dose,
      performer: performers.map((actor) => ({
        function: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0443', code: 'AP', display: 'Administering Provider' }] },
        actor,
      })),
      reasonCode: reps(rxa, 19)
        .map((r) => codeableConcept(r))
        .filter((c) => c !== undefined),
    } as Json) as FhirResource;
    const ordering = sr?.requester;
    if (ordering !== undefined) (imm.performer as Json[] | undefined) ?? (imm.performer = []);
    if (ordering !== undefined)
      (imm.performer as Json[]).push({
        function: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0443', code: 'OP', display: 'Ordering Provider' }] },
        actor: ordering,
      });
    m.add(imm);
    state.medication = imm;
    return;
  }
  const status =
    action === 'D' ? 'entered-in-error' : completion === 'NA' || completion === 'RE' ? 'not-done' : completion === 'PA' ? 'in-progress' : 'completed';
  const admin = clean({
    resourceType: 'MedicationAdministration',
    id: m.id('MedicationAdministration', key, position),
    status,
    medicationCodeableConcept: vaccine,
    subject: m.subject(),
    context: m.encounter,
    effectiveDateTime: when ?? toDateTime(val(rxa, 4), m.offset) ?? undefined,
    effectivePeriod: when === undefined ? { start: '0001' } : undefined,
    performer: performers.map((actor) => ({ actor })),
    request: state.medication?.resourceType === 'MedicationRequest' ? { reference: `MedicationRequest/${state.medication.id}` } : undefined,
    dosage: dose !== undefined ? { dose } : undefined,
  } as Json) as FhirResource;
  if (admin.effectiveDateTime !== undefined) delete admin.effectivePeriod;
  m.add(admin);
}

/** A Medication per drug code in the message (the same drug ordered twice is one Medication). */
function medicationResource(m: Mapping, code: CodeableConcept, form: V2Repetition | undefined): Reference {
  return m.add(
    clean({
      resourceType: 'Medication',
      id: m.id('Medication', `med:${m.scope}|${conceptKey(code)}`, ''),
      code,
      form: codeableConcept(form),
    } as Json) as FhirResource,
  );
}

/** RXE/RXO (and RDE's RXE) → MedicationRequest in the current order. */
export function mapRxe(m: Mapping, seg: V2Segment, position: string): void {
  const state = order(m, position);
  const rxo = seg.id === 'RXO';
  const medication = codeableConcept(rep1(seg, rxo ? 1 : 2)) ?? { text: 'unknown' };
  const sr = state.request;
  const min = val(seg, rxo ? 2 : 3);
  const max = val(seg, rxo ? 3 : 4);
  const units = rep1(seg, rxo ? 4 : 5);
  const doseQuantity = min !== undefined && NUMBER.test(min) ? { value: Number(min), ...unitOf(units) } : undefined;
  const doseRange =
    doseQuantity !== undefined && max !== undefined && NUMBER.test(max) ? { low: doseQuantity, high: { value: Number(max), ...unitOf(units) } } : undefined;
  const dispense = val(seg, rxo ? 11 : 10);
  const refills = val(seg, rxo ? 13 : 12);
  // RXO is the order as placed, RXE the pharmacy's encoding of it: one request each.
  const key = state.key !== undefined ? `${state.key}|${seg.id}:${conceptKey(medication)}` : undefined;
  const prescription = rxo ? undefined : val(seg, 15);
  const pharmacySystem = rxo ? undefined : comp(rep1(seg, 40), 3);
  const request = clean({
    resourceType: 'MedicationRequest',
    id: m.id('MedicationRequest', key, position),
    identifier: [
      ...((sr?.identifier as Json[] | undefined) ?? []),
      // RXE-15, qualified as FHIR-Converter does by the dispensing pharmacy's code system (RXE-40.3).
      ...(prescription !== undefined
        ? [
            clean({
              type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'RXN', display: 'Prescription number' }] },
              system: pharmacySystem !== undefined ? localNamespace(pharmacySystem) : undefined,
              value: prescription,
            } as Json),
          ]
        : []),
    ],
    status: sr?.status === 'revoked' ? 'cancelled' : sr?.status === 'completed' ? 'completed' : sr?.status === 'on-hold' ? 'on-hold' : 'active',
    intent: rxo ? 'original-order' : 'filler-order',
    // The medication is a resource with its code and form (IG RXO[MedicationRequest] RXO-1, RXO-5).
    medicationReference: medicationResource(m, medication, rep1(seg, rxo ? 5 : 6)),
    subject: m.subject(),
    encounter: m.encounter,
    authoredOn: sr?.authoredOn,
    requester: sr?.requester,
    dosageInstruction: [
      clean({
        text: comp(rep1(seg, rxo ? 6 : 7), 2) ?? comp(rep1(seg, rxo ? 6 : 7), 1),
        doseAndRate: doseRange !== undefined ? [{ doseRange }] : doseQuantity !== undefined ? [{ doseQuantity }] : undefined,
      } as Json),
    ].filter((d) => Object.keys(d).length > 0),
    dispenseRequest:
      dispense !== undefined || refills !== undefined
        ? clean({
            quantity: dispense !== undefined && NUMBER.test(dispense) ? { value: Number(dispense), ...unitOf(rep1(seg, rxo ? 12 : 11)) } : undefined,
            numberOfRepeatsAllowed: refills !== undefined && /^\d+$/.test(refills) ? Number(refills) : undefined,
          } as Json)
        : undefined,
  } as Json) as FhirResource;
  m.add(request);
  state.medication = request;
}

/** RXR → route and site on the current Immunization, MedicationRequest or MedicationAdministration. */
export function mapRxr(m: Mapping, rxr: V2Segment): boolean {
  const target = m.last;
  const route = codeableConcept(rep1(rxr, 1), '0162');
  const site = codeableConcept(rep1(rxr, 2), '0163');
  if (target === undefined) return false;
  if (target.resourceType === 'Immunization') {
    if (route !== undefined) target.route = route;
    if (site !== undefined) target.site = site;
    return true;
  }
  if (target.resourceType === 'MedicationRequest') {
    const dosage = ((target.dosageInstruction as Json[] | undefined) ?? [{}])[0] as Json;
    if (route !== undefined) dosage.route = route;
    if (site !== undefined) dosage.site = site;
    target.dosageInstruction = [dosage];
    return true;
  }
  if (target.resourceType === 'MedicationAdministration') {
    const dosage = (target.dosage as Json | undefined) ?? {};
    if (route !== undefined) dosage.route = route;
    if (site !== undefined) dosage.site = site;
    target.dosage = dosage;
    return true;
  }
  return false;
}
