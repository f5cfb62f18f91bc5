/**
 * ORC and OBR → ServiceRequest, and for result messages OBR → DiagnosticReport
 * (IG ORC[ServiceRequest], OBR[ServiceRequest], OBR[DiagnosticReport]). An ORC and the OBR
 * that follows it are one order: one ServiceRequest.
 */
import { codeableConcept, mappedCode, tableConcept } from '../datatypes/coded';
import { cxIdentifier, eiIdentifier, eiKey, eipIdentifiers } from '../datatypes/identifiers';
import { toDateTime, toInstant } from '../datatypes/dtm';
import type { Mapping, OrderState } from '../mapping';
import { append, clean, type FhirResource, type Json } from '../resource';
import { comp, rep1, reps, val } from '../values';
import type { V2Segment } from '../v2';
import { practitioner } from './actors';

/**
 * Message codes whose OBR carries results (a DiagnosticReport), not only a request. MDM is not
 * one: its OBR is the order the document answers (IG MDM_T02 row 16, OBR → ServiceRequest).
 * Charges (DFT) and referrals (REF, RRI) carry results too; the IG has no map for them and
 * FHIR-Converter makes the report.
 */
const RESULT_MESSAGES = new Set(['ORU', 'OUL', 'ORL', 'OPL', 'DFT', 'REF', 'RRI']);

/**
 * Messages whose OBR also describes the specimen collected for it: a Specimen per OBR (IG
 * ORU_R01 row 29, OML_O21 row 28, OBR[Specimen]); in ORM and MDM the IG's message maps leave it
 * open and FHIR-Converter makes it too.
 */
const OBR_SPECIMEN_MESSAGES = new Set(['ORU', 'OML', 'ORM', 'MDM']);

function orderKey(m: Mapping, seg: V2Segment, placerField: number, fillerField: number): string | undefined {
  const placer = eiKey(rep1(seg, placerField));
  if (placer !== undefined) return `placer:${m.scope}|${placer}`;
  const filler = eiKey(rep1(seg, fillerField));
  return filler !== undefined ? `filler:${m.scope}|${filler}` : undefined;
}

const isType = (i: Json, code: string): boolean => ((i.type as Json | undefined)?.coding as Json[] | undefined)?.[0]?.code === code;

function orderIdentifiers(seg: V2Segment, placerField: number, fillerField: number): Json[] {
  return [eiIdentifier(rep1(seg, placerField), 'PLAC'), eiIdentifier(rep1(seg, fillerField), 'FILL')].filter((i) => i !== undefined) as Json[];
}

/**
 * Messages whose ORC orders a medication: its data goes to that resource, not to a
 * ServiceRequest. A VXU's ORC makes a ServiceRequest as well (IG VXU_V04 row 24 leaves it to
 * the receiver; FHIR-Converter makes it).
 */
const MEDICATION_MESSAGES = new Set(['RDE', 'RAS', 'RDS', 'OMP', 'RGV']);

function serviceRequest(m: Mapping, key: string | undefined, position: string, detached = false): FhirResource {
  const id = m.id('ServiceRequest', key, position);
  const existing = detached ? undefined : m.get({ reference: `ServiceRequest/${id}` });
  if (existing !== undefined) return existing;
  const sr: FhirResource = { resourceType: 'ServiceRequest', id, status: 'unknown', intent: 'order' };
  if (m.patient !== undefined) sr.subject = m.patient;
  if (m.encounter !== undefined) sr.encounter = m.encounter;
  if (!detached) m.add(sr);
  return sr;
}

/**
 * The parent order (OBR-29, else ORC-8: both an EIP naming the order this one follows) as
 * logical references, one per part: the placer part in basedOn[1], the filler part in
 * basedOn[2] (IG OBR[ServiceRequest] row 29, EIP[PlacerAssignedIdentifier],
 * EIP[FillerAssignedIdentifier]). The IG has no map for ORC-8; it names the same parent.
 */
function parentOrder(obr: V2Segment, orc: V2Segment | undefined): Json[] {
  const eip = rep1(obr, 29) ?? (orc !== undefined ? rep1(orc, 8) : undefined);
  return eipIdentifiers(eip).map((identifier) => ({ type: 'ServiceRequest', identifier }));
}

/**
 * The order an ORC joins instead of starting one: in OUL the ORDER group is OBR, [ORC]
 * (OUL_R22, OUL_R23, OUL_R24), so an ORC right after an OBR that has none belongs to it.
 */
function obrOrder(m: Mapping): OrderState | undefined {
  const o = m.order;
  return m.messageCode === 'OUL' && o?.obr !== undefined && o.orc === undefined && o.serviceRequest !== undefined ? o : undefined;
}

/**
 * ORC-4, the placer group number. Sent as an EIP (placer & filler parts in subcomponents, v2.5
 * on) it is two identifiers by the EIP maps (PGN and FGN, IG ORC[DiagnosticReport] row 4); sent
 * flat it reads as an EI (value^namespace, the v2.3-2.4 type, and how senders still fill it).
 */
function groupNumbers(orc: V2Segment): Json[] {
  const rep = rep1(orc, 4);
  if (rep?.some((c) => Array.isArray(c) && c.length > 1) === true) return eipIdentifiers(rep).map((i) => ({ ...i }));
  const ei = eiIdentifier(rep, 'PGN');
  return ei !== undefined ? [{ ...ei }] : [];
}

/**
 * Merges order numbers into a resource by type (PLAC, FILL): `replace` lets them take the place
 * of the resource's own numbers of that type, otherwise they only fill the types it lacks.
 */
function mergeNumbers(r: FhirResource, identifiers: Json[], replace: boolean): void {
  const typeOf = (i: Json): string => (((i.type as Json | undefined)?.coding as Json[] | undefined)?.[0]?.code as string | undefined) ?? '';
  const own = (r.identifier as Json[] | undefined) ?? [];
  const kept = replace ? own.filter((o) => !identifiers.some((i) => typeOf(i) === typeOf(o))) : own;
  const added = replace ? identifiers : identifiers.filter((i) => !own.some((o) => typeOf(i) === typeOf(o)));
  if (added.length > 0) r.identifier = [...kept, ...added];
}

/** ORC → starts an order group with its ServiceRequest (in OUL, completes its OBR's). */
export function mapOrc(m: Mapping, orc: V2Segment, position: string): OrderState {
  const joined = obrOrder(m);
  const key = joined !== undefined ? joined.key : orderKey(m, orc, 2, 3);
  const detached = MEDICATION_MESSAGES.has(m.messageCode);
  const sr = (joined !== undefined ? m.get(joined.serviceRequest) : undefined) ?? serviceRequest(m, key, position, detached);
  if (m.patient === undefined) sr.subject = m.subject();
  const identifiers = orderIdentifiers(orc, 2, 3);
  // The request keeps OBR-2/3 over ORC-2/3 (IG ORC[ServiceRequest] rows 2-3, IF OBR-2/3 NOT VALUED).
  if (joined !== undefined) mergeNumbers(sr, identifiers, false);
  else if (identifiers.length > 0) sr.identifier = identifiers;
  const groups = groupNumbers(orc);
  const group = groups[0];
  if (group !== undefined) {
    sr.requisition = group;
    // The placer group number identifies the request too when sent with its authority (IG
    // ORC[ServiceRequest] row 18, ORC-4.2 valued; read as an EI, its namespace or universal id).
    if (comp(rep1(orc, 4), 2) !== undefined || comp(rep1(orc, 4), 3) !== undefined)
      sr.identifier = [...((sr.identifier as Json[] | undefined) ?? []), ...groups];
  }
  // The OBR's report, made before its ORC came, takes the ORC's numbers (OBR-2/3 count only IF
  // ORC-2/3 NOT VALUED, IG OBR[DiagnosticReport] rows 2-3) and the placer group number.
  if (joined?.report !== undefined) {
    mergeNumbers(joined.report, identifiers, true);
    append(joined.report, 'identifier', ...groups);
  }
  const status = mappedCode('OrderControlCode[ServiceRequest.status]', val(orc, 1));
  const orderStatus = val(orc, 5);
  sr.status =
    status ??
    (orderStatus === 'CM'
      ? 'completed'
      : orderStatus === 'CA' || orderStatus === 'DC'
        ? 'revoked'
        : orderStatus === 'HD'
          ? 'on-hold'
          : orderStatus !== undefined
            ? 'active'
            : 'unknown');
  // ORC-9 is when the order was placed only on a new order (IG ORC[ServiceRequest] row 23).
  const authored = val(orc, 1) === 'NW' ? toDateTime(val(orc, 9), m.offset) : undefined;
  if (authored !== undefined) sr.authoredOn = authored;
  const requester = practitioner(m, rep1(orc, 12));
  if (requester !== undefined) sr.requester = requester;
  const reason = reps(orc, 16)
    .map((r) => codeableConcept(r))
    .filter((c) => c !== undefined);
  if (reason.length > 0) sr.reasonCode = reason;
  if (joined !== undefined) {
    joined.orc = orc;
    return joined;
  }
  const state: OrderState = { request: sr, specimens: [], position, observations: [], fromOrc: true, orc };
  if (!detached) state.serviceRequest = { reference: `ServiceRequest/${sr.id}` };
  if (key !== undefined) state.key = key;
  m.order = state;
  return state;
}

/** OBR → the order's ServiceRequest code and, in result messages, its DiagnosticReport. */
export function mapObr(m: Mapping, obr: V2Segment, position: string): void {
  const key = orderKey(m, obr, 2, 3);
  // An ORC's order takes the first OBR that follows it (TQ1, PRT and NTE may come between);
  // a further OBR starts an order of its own.
  let state = m.order?.serviceRequest !== undefined && m.order.fromOrc === true && m.order.obr === undefined ? m.order : undefined;
  // A further OBR naming an order this message already made (the same placer or filler number)
  // does not restate it: the first one made wins, as for every resource sharing an id.
  let repeated = false;
  if (state === undefined) {
    const sr = serviceRequest(m, key, position);
    repeated = sr.code !== undefined;
    if (!repeated) sr.status = 'active';
    if (m.patient === undefined) sr.subject = m.subject();
    state = { serviceRequest: { reference: `ServiceRequest/${sr.id}` }, request: sr, specimens: [], position, observations: [] };
    if (key !== undefined) state.key = key;
    m.order = state;
  }
  if (state.key === undefined && key !== undefined) state.key = key;
  state.obr = obr;
  const sr = m.get(state.serviceRequest);
  const code = codeableConcept(rep1(obr, 4));
  // The placer and filler numbers: OBR-2/3, or the ORC's when the OBR leaves them empty
  // (IG OBR[ServiceRequest] rows 1-6, ORC[DiagnosticReport] rows 0-6).
  const ordered = (state.request?.identifier as Json[] | undefined) ?? [];
  const placer = eiIdentifier(rep1(obr, 2), 'PLAC');
  const filler = eiIdentifier(rep1(obr, 3), 'FILL');
  const identifiers = [placer ?? ordered.find((i) => isType(i, 'PLAC')), filler ?? ordered.find((i) => isType(i, 'FILL'))].filter(
    (i) => i !== undefined,
  ) as Json[];
  // The report also carries the placer group number (IG ORC[DiagnosticReport] row 7, ORC-4).
  const groups = state.orc !== undefined ? groupNumbers(state.orc) : [];
  if (sr !== undefined && !repeated) {
    if (code !== undefined) sr.code = code;
    // The request's placer and filler numbers are OBR-2/3 when valued: the ORC's count only
    // IF OBR-2/OBR-3 NOT VALUED (IG ORC[ServiceRequest] rows 2-3, OBR[ServiceRequest] rows 2-3).
    // OBR-53 is an alternate placer number (row 53).
    mergeNumbers(sr, [placer, filler].filter((i) => i !== undefined) as Json[], true);
    const alternate = reps(obr, 53)
      .map((r) => cxIdentifier(r, m.offset))
      .filter((i) => i !== undefined)
      .map((i) => ({ ...i, type: tableConcept('PLAC', '0203') }));
    if (alternate.length > 0) append(sr, 'identifier', ...alternate);
    // OBR-29: the parent order this one is based on (IG OBR[ServiceRequest] row 29, basedOn).
    const parent = parentOrder(obr, state.orc);
    if (parent.length > 0) append(sr, 'basedOn', ...parent);
    const requester = practitioner(m, rep1(obr, 16));
    if (requester !== undefined && sr.requester === undefined) sr.requester = requester;
    // OBR-6, else ORC-15 (the IG leaves ORC-15 without a target; FHIR-Converter's reading).
    const occurrence = toDateTime(val(obr, 6), m.offset) ?? (state.orc !== undefined ? toDateTime(val(state.orc, 15), m.offset) : undefined);
    if (occurrence !== undefined) sr.occurrenceDateTime = occurrence;
    const priority = val(obr, 5) ?? val(obr, 27, 6);
    if (priority === 'S') sr.priority = 'stat';
    const reason = reps(obr, 31)
      .map((r) => codeableConcept(r))
      .filter((c) => c !== undefined);
    if (reason.length > 0) append(sr, 'reasonCode', ...reason);
  }
  if (OBR_SPECIMEN_MESSAGES.has(m.messageCode)) obrSpecimen(m, obr, state, position);
  if (!RESULT_MESSAGES.has(m.messageCode) || code === undefined) return;
  const fillerKey = eiKey(rep1(obr, 3));
  const reportKey = fillerKey !== undefined ? `filler:${m.scope}|${fillerKey}` : state.key;
  const status = val(obr, 25);
  const report = clean({
    resourceType: 'DiagnosticReport',
    id: m.id('DiagnosticReport', reportKey, position),
    identifier: [...identifiers, ...groups],
    basedOn: state.serviceRequest !== undefined ? [state.serviceRequest] : undefined,
    status: mappedCode('ResultStatus[Non-Queries]', status) ?? (status === 'C' ? 'corrected' : 'unknown'),
    category: val(obr, 24) !== undefined ? [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: val(obr, 24) }] }] : undefined,
    code,
    subject: m.patient,
    encounter: m.encounter,
    effectiveDateTime: toDateTime(val(obr, 7), m.offset),
    issued: toInstant(val(obr, 22), m.offset),
    resultsInterpreter: [practitioner(m, rep1(obr, 32))].filter((p) => p !== undefined),
  } as Json) as FhirResource;
  m.add(report);
  state.report = report;
}

/**
 * OBR → the Specimen collected for the order (IG OBR[Specimen]): collection times (OBR-7/8),
 * quantity (OBR-9), received (OBR-14); identified by the order's placer and filler numbers.
 */
function obrSpecimen(m: Mapping, obr: V2Segment, state: OrderState, position: string): void {
  const start = toDateTime(val(obr, 7), m.offset);
  const end = toDateTime(val(obr, 8), m.offset);
  const identifier = orderIdentifiers(obr, 2, 3);
  const alternate = val(obr, 53);
  if (alternate !== undefined)
    identifier.push({ type: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0203', code: 'PLAC' }] }, value: alternate });
  const collector = practitioner(m, rep1(obr, 10));
  const key = state.key ?? orderKey(m, obr, 2, 3);
  const specimen = clean({
    resourceType: 'Specimen',
    id: m.id('Specimen', key !== undefined ? `${key}|obr-specimen` : undefined, `${position}:specimen`),
    identifier,
    subject: m.patient,
    receivedTime: toDateTime(val(obr, 14), m.offset),
    request: state.serviceRequest !== undefined ? [state.serviceRequest] : undefined,
    collection: clean({
      collector,
      collectedDateTime: end === undefined ? start : undefined,
      collectedPeriod: end !== undefined ? clean({ start, end }) : undefined,
    } as Json),
  } as Json) as FhirResource;
  const ref = m.add(specimen);
  // A repeated OBR of one order makes the same Specimen: referenced once.
  if (state.specimens.some((r) => r.reference === ref.reference)) return;
  state.specimens.push(ref);
  const sr = m.get(state.serviceRequest);
  if (sr !== undefined && !((sr.specimen as Json[] | undefined) ?? []).some((r) => r.reference === ref.reference)) append(sr, 'specimen', ref);
}
