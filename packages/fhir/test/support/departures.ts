/**
 * Where this mapping differs from FHIR-Converter on purpose: each departure names the IG map
 * (or the issue) it follows and recognises exactly the differences that choice makes in a
 * sample. They never make a sample equal: the meaning test counts equal samples only; the
 * table says, for the others, whether every difference is one of these or a gap.
 */
import { dtmEpoch } from '../../src/datatypes/dtm';
import type { V2Message } from '../../src/v2';
import type { Difference } from './meaning';

export interface Departure {
  id: string;
  /** The IG map and row (or the issue) this mapping follows. */
  cite: string;
  /** What FHIR-Converter does instead. */
  converter: string;
  explains(d: Difference, message: V2Message): boolean;
}

/** Field f, repetition r, component c, subcomponent s of every segment with that id, as text. */
function values(message: V2Message, id: string, f: number, c = 1): string[] {
  const out: string[] = [];
  for (const seg of message.segments) {
    if (seg.id !== id) continue;
    for (const rep of seg.fields[f] ?? []) {
      const v = rep[c - 1];
      const text = typeof v === 'string' ? v : Array.isArray(v) ? v[0] : undefined;
      if (typeof text === 'string' && text.trim() !== '') out.push(text.trim());
    }
  }
  return out;
}

const event = (message: V2Message): string => values(message, 'MSH', 9, 2)[0] ?? '';
const code = (message: V2Message): string => values(message, 'MSH', 9, 1)[0] ?? '';
const count = (d: Difference, side: 'expected' | 'made'): number => Number(d[side][0]);

export const DEPARTURES: readonly Departure[] = [
  {
    id: 'merge',
    cite: 'issue 14 (Patient.link replaces / replaced-by); IG PID[Patient] maps every PID',
    converter: 'makes a Linkage and no Patient (nor Encounter) for A40, A41, A45, A47',
    explains: (d, m) =>
      ['A40', 'A41', 'A45', 'A47'].includes(event(m)) && d.kind === 'count' && (d.type === 'Patient' || d.type === 'Encounter') && count(d, 'expected') === 0,
  },
  {
    id: 'planned-dates',
    cite: 'IG PV2[Encounter] rows 3-6: PV2-8/PV2-9 → extension plannedStartDate/plannedEndDate',
    converter: 'puts PV2-8 (expected admit) in Encounter.period.start for A04/A05/A11/A14/A27',
    explains: (d, m) => {
      if (d.type !== 'Encounter' || d.kind !== 'dates' || d.element !== 'period.start') return false;
      const planned = dtmEpoch(values(m, 'PV2', 8)[0]);
      return planned !== undefined && planned === Date.parse(d.expected[0] ?? '');
    },
  },
  {
    id: 'vocabulary',
    cite: 'IG CWE[CodeableConcept] row 2: CWE.3 → system "the vocabulary table will give the actual uri" (CVX → http://hl7.org/fhir/sid/cvx, HL7nnnn → v2-nnnn)',
    converter: 'spells CVX and HL7 tables as local systems (…/CodeSystem/CVX, …/CodeSystem/HL70064)',
    explains: (d) => {
      if (d.kind !== 'codes' || d.expected.length !== d.made.length) return false;
      const local = /^(\w+):cs:(CVX|HL7\d{4})\|(.*)$/;
      return d.expected.every((e) => {
        const x = local.exec(e);
        if (x === null) return false;
        const uri = x[2] === 'CVX' ? 'http://hl7.org/fhir/sid/cvx' : `http://terminology.hl7.org/CodeSystem/v2-${(x[2] as string).slice(3)}`;
        return d.made.includes(`${x[1]}:${uri}|${x[3]}`);
      });
    },
  },
  {
    id: 'plan-identifier',
    cite: 'IG IN1[Coverage] row IN1-2: Health Plan ID → Coverage.identifier',
    converter: 'keeps IN1-2 only as Coverage.class (plan) and not as an identifier',
    explains: (d, m) => {
      if (d.type !== 'Coverage' || d.kind !== 'identifiers' || d.expected.length > 0) return false;
      const plans = values(m, 'IN1', 2);
      return d.made.every((x) => plans.some((p) => x.endsWith(`|${p}`)));
    },
  },
  {
    id: 'schedule-order',
    cite: 'IG SIU_S12 rows 5 and 20: SCH/AIS → ServiceRequest only IF SCH-26 or SCH-27 is valued',
    converter: 'makes a ServiceRequest for every AIS',
    explains: (d, m) =>
      code(m) === 'SIU' &&
      d.type === 'ServiceRequest' &&
      d.kind === 'count' &&
      count(d, 'made') === 0 &&
      values(m, 'SCH', 26).length === 0 &&
      values(m, 'SCH', 27).length === 0,
  },
  {
    id: 'document-content',
    cite: 'IG MDM_T02 row 20 and OBX[DocumentReference]: an MDM OBX is the document content',
    converter: 'makes an Observation (or, for ED, a DiagnosticReport) of each MDM OBX',
    explains: (d, m) =>
      code(m) === 'MDM' && d.kind === 'count' && (d.type === 'Observation' || d.type === 'DiagnosticReport') && count(d, 'made') < count(d, 'expected'),
  },
  {
    id: 'order-request',
    cite: 'IG ORM_O01 row 17: each ORC → ServiceRequest',
    converter: 'makes no ServiceRequest for an ORC without OBR (ODS, RQD, RXO orders)',
    explains: (d, m) => code(m) === 'ORM' && d.type === 'ServiceRequest' && d.kind === 'count' && count(d, 'made') > count(d, 'expected'),
  },
  {
    id: 'allergy-recorded',
    cite: 'IG IAM[AllergyIntolerance] row 13: IAM-13 (reported date) → recordedDate',
    converter: 'takes recordedDate from IAM-24 (initially recorded)',
    explains: (d, m) => d.type === 'AllergyIntolerance' && d.kind === 'dates' && d.element === 'recordedDate' && values(m, 'IAM', 13).length > 0,
  },
  {
    id: 'vis-document',
    cite: 'IG VXU_V04 row 33 (OBX → Observation)',
    converter: 'makes a DocumentReference of the vaccine information statement OBX (69764-9, 29769-7) instead of Observations',
    explains: (d, m) => {
      if (code(m) !== 'VXU' || d.kind !== 'count') return false;
      const vis = m.segments.filter((s) => s.id === 'OBX' && ['69764-9', '29769-7'].includes(values({ segments: [s] }, 'OBX', 3)[0] ?? '')).length;
      if (d.type === 'DocumentReference') return vis > 0 && count(d, 'made') < count(d, 'expected');
      if (d.type !== 'Observation') return false;
      const seen = new Set<string>();
      let merged = 0;
      for (const seg of m.segments) {
        if (seg.id !== 'OBX') continue;
        const k = JSON.stringify([seg.fields[3], seg.fields[14]]);
        if (seen.has(k)) merged++;
        seen.add(k);
      }
      return count(d, 'made') > count(d, 'expected') && count(d, 'made') - count(d, 'expected') <= vis + merged;
    },
  },
  {
    id: 'document-observation',
    cite: 'IG OBX[Observation] rows 21-24: an ED or RP OBX → Observation with the R5 valueAttachment extension',
    converter: 'makes a DiagnosticReport (presentedForm) of each ED or RP OBX',
    explains: (d, m) => {
      if (d.kind !== 'count' || code(m) === 'MDM') return false;
      const documents = m.segments.filter((s) => s.id === 'OBX' && ['ED', 'RP'].includes(values({ segments: [s] }, 'OBX', 2)[0] ?? '')).length;
      if (d.type === 'Observation') return count(d, 'made') > count(d, 'expected') && count(d, 'made') - count(d, 'expected') <= documents;
      if (d.type === 'DiagnosticReport') return count(d, 'made') < count(d, 'expected') && count(d, 'expected') - count(d, 'made') <= documents;
      return false;
    },
  },
  {
    id: 'specimen-parent',
    cite: 'IG SPM[Specimen] rows 2-3: SPM-3 (placer and filler) → the parent Specimen identifiers',
    converter: "keeps only the placer part of SPM-3 in the parent Specimen's identifiers",
    explains: (d, m) => {
      if (d.type !== 'Specimen' || d.kind !== 'identifiers' || d.expected.length > 0) return false;
      const fillers = values(m, 'SPM', 3, 2);
      return d.made.every((x) => fillers.some((f) => x === `|${f}`));
    },
  },
  {
    id: 'parent-order',
    cite: 'IG OBR[ServiceRequest] row 29: OBR-29 (parent order) → basedOn.identifier, a logical reference (ORC-8, unmapped by the IG, names the same parent)',
    converter: 'makes a ServiceRequest of the parent order (ORC-8 or OBR-29) in ORU, OUL, OML and MDM; in ORM it writes the logical reference',
    explains: (d, m) => {
      if (d.type !== 'ServiceRequest' || d.kind !== 'count' || count(d, 'expected') <= count(d, 'made')) return false;
      // One parent per OBR-29 or ORC-8 sent (either part of the EIP valued).
      const named = (id: string, f: number): number =>
        m.segments.filter((s) => s.id === id && [1, 2].some((c) => values({ segments: [s] }, id, f, c).length > 0)).length;
      const parents = named('OBR', 29) + named('ORC', 8);
      return count(d, 'expected') - count(d, 'made') <= parents;
    },
  },
  {
    id: 'order-numbers',
    cite: 'IG ORC[ServiceRequest] row 4: ORC-4 → identifier only IF ORC-4.2 valued; OBR[ServiceRequest] row 53: OBR-53 → identifier by CX[Identifier] (CX.4 → system)',
    converter: 'adds ORC-4 as an identifier without its authority, and writes OBR-53 without its CX.4 authority',
    explains: (d, m) => {
      if (d.type !== 'ServiceRequest' || d.kind !== 'identifiers') return false;
      // ORC-4.1 of the ORC segments that leave ORC-4.2 empty.
      const group = m.segments
        .filter((s) => s.id === 'ORC' && values({ segments: [s] }, 'ORC', 4, 2).length === 0)
        .flatMap((s) => values({ segments: [s] }, 'ORC', 4));
      const alternates = values(m, 'OBR', 53);
      const alternate = (x: string): boolean => alternates.some((a) => x.endsWith(`|${a}`));
      return (
        d.expected.length > 0 &&
        d.expected.every((e) => group.some((g) => e === `|${g}`) || (e.startsWith('|') && alternate(e) && d.made.some((x) => x.endsWith(e)))) &&
        d.made.every((x) => alternate(x) && d.expected.some((e) => x.endsWith(e)))
      );
    },
  },
  {
    id: 'group-parts',
    cite: 'IG ORC[DiagnosticReport] row 4 and EIP[PlacerAssignedIdentifier], EIP[FillerAssignedIdentifier]: an EIP ORC-4 → a PGN identifier of its placer part and an FGN identifier of its filler part',
    converter: "writes an EIP ORC-4 sent with subcomponents as one identifier, the placer part's text (with its `&`) as value and the filler part's as system",
    explains: (d) => {
      if ((d.type !== 'ServiceRequest' && d.type !== 'DiagnosticReport') || d.kind !== 'identifiers' || d.expected.length === 0) return false;
      const parts = d.expected.map((e) => /^ns:([^&|]+)&[^|]*\|([^&]+)&.*$/.exec(e));
      if (parts.some((p) => p === null)) return false;
      const made = new Set(parts.flatMap((p) => [`|${p?.[1]}`, `|${p?.[2]}`]));
      return d.made.length === made.size && d.made.every((x) => made.has(x));
    },
  },
  {
    id: 'invalid-oid',
    cite: 'IG HD[uri]: an HD.2 that is not an OID is no urn:oid',
    converter: 'writes urn:oid: before an HD.2 typed ISO that is not an OID (urn:oid:r2.3)',
    explains: (d) =>
      d.kind === 'identifiers' &&
      d.expected.length > 0 &&
      d.expected.every((e) => /^urn:oid:(?![0-2](\.\d+)+\|)/.test(e)) &&
      d.made.length === d.expected.length,
  },
];

export interface Classification {
  /** Departures that explain differences of the sample. */
  departures: string[];
  /** Differences no departure explains: gaps of this mapping (or of FHIR-Converter). */
  unexplained: Difference[];
}

export function classify(details: readonly Difference[], message: V2Message): Classification {
  const departures = new Set<string>();
  const unexplained: Difference[] = [];
  for (const d of details) {
    const dep = DEPARTURES.find((x) => x.explains(d, message));
    if (dep === undefined) unexplained.push(d);
    else departures.add(dep.id);
  }
  return { departures: [...departures], unexplained };
}
