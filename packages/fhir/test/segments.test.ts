import { describe, expect, it } from '@jest/globals';
import { parseMessage } from '@hcdl/hl7v2';
import { convertMessage, type FhirResource } from '../src/index';

const ctx = { messageId: '01HZX3M8Q4W5E6R7T8Y9U0I1O2', source: 'demo' };
const convert = (lines: string[]): FhirResource[] => convertMessage(parseMessage(lines.join('\r')), ctx).resources;
const ofType = (rs: FhirResource[], type: string): FhirResource[] => rs.filter((r) => r.resourceType === type);
const ids = (r: FhirResource | undefined): string[] =>
  ((r?.identifier as { system?: string; value: string }[] | undefined) ?? []).map((i) => `${i.system ?? ''}|${i.value}`);

const MSH = (type: string): string => `MSH|^~\\&|APP|GENHOSP|LAKE|HCDL|20240601120000+0200||${type}|C1|P|2.5`;
const PID = 'PID|1||123456^^^GENHOSP^MR||DOE^JANE||19800102|F';

describe('financial and disability segments', () => {
  it('a self guarantor (GT1-11 SEL) identifies and names the patient; another guarantor is a RelatedPerson', () => {
    const rs = convert([
      MSH('ADT^A04^ADT_A01'),
      PID,
      'GT1|1|G77^^^GENHOSP^GT|DOE^JANE~DOE^J||||||||SEL^Self^HL70063|999-88-7777',
      'GT1|2|G78^^^GENHOSP^GT|ROE^RICHARD||||||||SPO^Spouse^HL70063',
    ]);
    const patient = ofType(rs, 'Patient')[0];
    expect(ids(patient)).toEqual(expect.arrayContaining(['urn:hcdl:ns:GENHOSP|G77', 'http://hl7.org/fhir/sid/us-ssn|999-88-7777']));
    // DOE^JANE is the PID name already: added once.
    expect((patient?.name as { family: string; given: string[] }[]).map((n) => `${n.family} ${n.given.join(' ')}`)).toEqual(['DOE JANE', 'DOE J']);
    const related = ofType(rs, 'RelatedPerson');
    expect(related).toHaveLength(1);
    expect(JSON.stringify(related[0]?.name)).toContain('ROE');
  });

  it('IN1 and IN2: plan id, policy number and Medicare number identify the coverage; a second insured is a second coverage', () => {
    const rs = convert([
      MSH('ADT^A04^ADT_A01'),
      PID,
      'IN1|1|BAV^Blue Advantage|PAYER1^^^GENHOSP|Blue Cross||||||||||||DOE^JANE|SEL^Self|||||||||||||||||||PN-145|||||||||||||HMO-1',
      'IN2||123-45-6789|||I|MC-999',
      'IN1|1|BAV^Blue Advantage|PAYER1^^^GENHOSP|Blue Cross||||||||||||DOE^JOHN|SPO^Spouse|||||||||||||||||||PN-145|||||||||||||HMO-2',
    ]);
    const coverages = ofType(rs, 'Coverage');
    expect(coverages).toHaveLength(2);
    expect(ids(coverages[0])).toEqual(['|BAV', 'urn:hcdl:ns:policy-id|PN-145', 'http://hl7.org/fhir/sid/us-medicare|MC-999']);
    const patient = ofType(rs, 'Patient')[0];
    // The insured is the patient (IN1-17 SEL): IN1-49 and IN2-2 are the patient's too.
    expect(ids(patient)).toEqual(
      expect.arrayContaining(['|HMO-1', 'http://hl7.org/fhir/sid/us-ssn|123-45-6789', 'http://hl7.org/fhir/sid/us-medicare|MC-999']),
    );
    expect(ids(patient)).not.toContain('|HMO-2');
  });

  it('DB1 of the patient adds its identifiers; DB1 of someone else does not', () => {
    const rs = convert([MSH('ADT^A01^ADT_A01'), PID, 'DB1|1|PT|D-1^^^GENHOSP^MR|Y', 'DB1|2|EM|D-2^^^GENHOSP^MR|Y']);
    expect(ids(ofType(rs, 'Patient')[0])).toContain('urn:hcdl:ns:GENHOSP|D-1');
    expect(ids(ofType(rs, 'Patient')[0])).not.toContain('urn:hcdl:ns:GENHOSP|D-2');
  });
});

describe('death, accident and referral', () => {
  it('PDA makes the cause-of-death Condition, the certification and autopsy Procedures and the indicator Observations', () => {
    const rs = convert([
      MSH('ADT^A03^ADT_A03'),
      PID,
      'PDA|I21^Acute myocardial infarction^I10|ICU^1^1^GENHOSP|Y|20240601103000+0200|77^CERT^CARL|Y|20240602080000+0200^20240602100000+0200|88^PATH^PAT|N',
    ]);
    expect(ofType(rs, 'Condition').map((c) => JSON.stringify(c.code))).toEqual([expect.stringContaining('http://hl7.org/fhir/sid/icd-10')]);
    expect(ofType(rs, 'Procedure').map((p) => (p.code as { coding: { code: string }[] }).coding[0]?.code)).toEqual([
      'death-certification',
      'autopsy-performed',
    ]);
    expect(ofType(rs, 'Procedure')[0]?.performedDateTime).toBe('2024-06-01T10:30:00+02:00');
    expect(
      ofType(rs, 'Observation').map(
        (o) => `${(o.code as { coding: { code: string }[] }).coding[0]?.code}=${(o.valueCodeableConcept as { coding: { code: string }[] }).coding[0]?.code}`,
      ),
    ).toEqual(['death-certificate=Y', 'autopsy=Y', 'coroner=N']);
    expect(ofType(rs, 'Patient')[0]?.deceasedBoolean).toBe(true);
  });

  it('ACC is an injury incident Observation; RF1 sent before the PID is a ServiceRequest for that patient', () => {
    const rs = convert([
      MSH('REF^I12^REF_I12'),
      'RF1|A^Active|S^Stat|RT^Referral||||||20240601||EXT-9^^^GENHOSP',
      PID,
      'ACC|20240530|AUTO|Route 50||Y|N||car accident|||||5348',
    ]);
    const obs = ofType(rs, 'Observation')[0];
    expect(obs?.valueString).toBe('car accident');
    expect(obs?.effectiveDateTime).toBe('2024-05-30');
    expect(ids(obs)).toEqual(['|5348']);
    const sr = ofType(rs, 'ServiceRequest')[0];
    expect(sr?.status).toBe('active');
    expect(sr?.priority).toBe('stat');
    expect(sr?.subject).toEqual({ reference: `Patient/${ofType(rs, 'Patient')[0]?.id}` });
  });
});

describe('orders and parents', () => {
  it('an ORC, its TQ1 and its OBR are one ServiceRequest, with a Specimen from the OBR in ORU', () => {
    const rs = convert([
      MSH('ORU^R01^ORU_R01'),
      PID,
      'ORC|RE|PL-1^EHR|FL-1^LAB',
      'TQ1|1||||||20240601',
      'OBR|1|||24323-8^Metabolic panel^LN|||20240601080000+0200',
      'OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L|||||F',
    ]);
    const requests = ofType(rs, 'ServiceRequest');
    expect(requests).toHaveLength(1);
    const report = ofType(rs, 'DiagnosticReport')[0];
    // OBR-2/3 empty: the report is identified by the ORC's numbers (IG ORC[DiagnosticReport]).
    expect(ids(report)).toEqual(['urn:hcdl:ns:EHR|PL-1', 'urn:hcdl:ns:LAB|FL-1']);
    const specimen = ofType(rs, 'Specimen')[0];
    expect((specimen?.collection as { collectedDateTime: string }).collectedDateTime).toBe('2024-06-01T08:00:00+02:00');
    expect(requests[0]?.specimen).toEqual([{ reference: `Specimen/${specimen?.id}` }]);
  });

  it('OBR-2 over ORC-2, and OBR-53, identify the request; OBR-29, else ORC-8, is the parent order as a logical reference', () => {
    const lines = [
      MSH('ORM^O01^ORM_O01'),
      PID,
      'ORC|NW||FL-1^LAB|||||PAR-8^PFILL-8',
      'OBR|1|PL-1^EHR||24323-8^Metabolic panel^LN|||||||||||||||||||||||||PAR-29^PFILL-29||||||||||||||||||||||||ALT-53^^^EHR',
      'ORC|NW|PL-2^EHR||||||PAR-8^PFILL-8',
      'OBR|2|PO-2^EHR||2345-7^Glucose^LN',
    ];
    const rs = convert(lines);
    const [first, second] = ofType(rs, 'ServiceRequest');
    expect(ids(first)).toEqual(['urn:hcdl:ns:LAB|FL-1', 'urn:hcdl:ns:EHR|PL-1', 'urn:hcdl:ns:EHR|ALT-53']);
    const parent = (r: FhirResource | undefined): string[] =>
      ((r?.basedOn as { type: string; identifier: { value: string; type: { coding: { code: string }[] } } }[] | undefined) ?? []).map(
        (b) => `${b.type}:${b.identifier.type.coding[0]?.code}|${b.identifier.value}`,
      );
    // The IG maps OBR-29 only: it wins over ORC-8, which names the same parent.
    expect(parent(first)).toEqual(['ServiceRequest:PGN|PAR-29', 'ServiceRequest:FGN|PFILL-29']);
    expect(parent(second)).toEqual(['ServiceRequest:PGN|PAR-8', 'ServiceRequest:FGN|PFILL-8']);
    // ORC-2 and OBR-2 both valued: the request's placer number is OBR-2 (IG ORC[ServiceRequest] row 2).
    expect(ids(second)).toEqual(['urn:hcdl:ns:EHR|PO-2']);
    // A logical reference makes no resource of the parent.
    expect(ofType(rs, 'ServiceRequest')).toHaveLength(2);
    // ORC-8, OBR-29 and OBR-53 are carried: no note calls them unmapped.
    const { notes } = convertMessage(parseMessage(lines.join('\r')), ctx);
    expect(notes.map((n) => n.location).filter((l) => /^(ORC\[\d\]-8|OBR\[\d\]-(29|53))$/.test(l))).toEqual([]);
  });

  it('in OUL the ORC after an OBR completes that order; an EIP ORC-4 is a PGN and an FGN identifier', () => {
    const rs = convert([
      MSH('OUL^R22^OUL_R22'),
      PID,
      'SPM|1|SP-1&LAB||SKBP^Biopsy^HL70487',
      'OBR|1|PL-1^EHR||24323-8^Metabolic panel^LN',
      'ORC|SC||FL-1^LAB|GRP-P&EHR^GRP-F&LAB|CM',
      'OBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L|||||F',
      'OBR|2|PL-2^EHR||2345-7^Glucose^LN',
      'ORC|SC||FL-2^LAB',
    ]);
    const requests = ofType(rs, 'ServiceRequest');
    expect(requests).toHaveLength(2);
    // OBR-2 wins over the empty ORC-2; ORC-3 fills the missing filler number (IG rows 2-3).
    expect(ids(requests[0])).toEqual(['urn:hcdl:ns:EHR|PL-1', 'urn:hcdl:ns:LAB|FL-1', '|GRP-P', '|GRP-F']);
    expect(requests[0]?.status).toBe('completed');
    const report = ofType(rs, 'DiagnosticReport')[0];
    expect(ids(report)).toEqual(['urn:hcdl:ns:EHR|PL-1', 'urn:hcdl:ns:LAB|FL-1', '|GRP-P', '|GRP-F']);
    expect(ids(requests[1])).toEqual(['urn:hcdl:ns:EHR|PL-2', 'urn:hcdl:ns:LAB|FL-2']);
  });

  it('a second OBR with the order numbers of the first does not restate its request; ORC-15 dates it when OBR-6 does not', () => {
    const rs = convert([
      MSH('OML^O21^OML_O21'),
      PID,
      'ORC|NW|ORD-1^^2.16.840.1.113883.3.72.5.24^ISO||GRP-1^^2.16.840.1.113883.3.72.5.24^ISO|||||||||||20240601094705-0500',
      'OBR|1|ORD-1^^2.16.840.1.113883.3.72.5.24^ISO||1320^HIV Ag/Ab^L|||20240602103205-0500',
      'OBR|2|ORD-1^^2.16.840.1.113883.3.72.5.24^ISO||1680^Syphilis^L|||20240602103205-0500',
    ]);
    const requests = ofType(rs, 'ServiceRequest');
    expect(requests).toHaveLength(1);
    expect((requests[0]?.code as { coding: { code: string }[] }).coding[0]?.code).toBe('1320');
    expect(requests[0]?.occurrenceDateTime).toBe('2024-06-01T09:47:05-05:00');
    // ORC-4 sent with its authority (a universal id) identifies the request too.
    expect(ids(requests[0])).toContain('urn:oid:2.16.840.1.113883.3.72.5.24|GRP-1');
    // The Specimen both OBRs describe is referenced once.
    const specimens = (requests[0]?.specimen as { reference: string }[]).map((r) => r.reference);
    expect(new Set(specimens).size).toBe(specimens.length);
  });

  it('an OBX after a TXA is document content in MDM only; in ORU it is an Observation', () => {
    const lines = (type: string): string[] => [
      MSH(type),
      PID,
      'OBR|1|PL-1^EHR||11488-4^Consult note^LN',
      'TXA|1|CN||20240601|||||||||DOC-1',
      'OBX|1|TX|11488-4^Consult note^LN||Patient seen.||||||F',
    ];
    const mdm = convert(lines('MDM^T02^MDM_T02'));
    expect(ofType(mdm, 'Observation')).toHaveLength(0);
    expect(JSON.stringify(ofType(mdm, 'DocumentReference')[0]?.content)).toContain('text/plain');
    const oru = convert(lines('ORU^R01^ORU_R01'));
    expect(ofType(oru, 'Observation')).toHaveLength(1);
  });

  it('an ED OBX is an Observation holding the attachment in the R5 valueAttachment extension', () => {
    const rs = convert([
      MSH('ORU^R01^ORU_R01'),
      PID,
      'OBR|1|P1|F1|11502-2^Lab report^LN',
      'OBX|1|ED|11502-2^Lab report^LN||^application^pdf^Base64^SGVsbG8=||||||F',
    ]);
    const obs = ofType(rs, 'Observation')[0];
    expect(obs?.extension).toEqual([
      {
        url: 'https://hl7.org/fhir/5.0/StructureDefinition/extension-Observation.valueAttachment',
        valueAttachment: { contentType: 'application/pdf', data: 'SGVsbG8=' },
      },
    ]);
    expect(ofType(rs, 'DiagnosticReport')[0]?.result).toEqual([{ reference: `Observation/${obs?.id}` }]);
  });

  it('a PR1-25 parent named before its own PR1 is a stub the full Procedure replaces', () => {
    const rs = convert([
      MSH('ADT^A01^ADT_A01'),
      PID,
      'PR1|1||76164006^Biopsy of colon^SCT||20240601||||||||||||||PR-2||||||PR-1',
      'PR1|2||73761001^Colonoscopy^SCT||20240601||||||||||||||PR-1',
    ]);
    const procedures = ofType(rs, 'Procedure');
    expect(procedures).toHaveLength(2);
    const parent = procedures.find((p) => ids(p).includes('|PR-1'));
    expect(JSON.stringify(parent?.code)).toContain('73761001');
    expect(procedures.find((p) => ids(p).includes('|PR-2'))?.partOf).toEqual([{ reference: `Procedure/${parent?.id}` }]);
  });

  it('names the stubs left at the end (a parent named by identifier only), and no full resource', () => {
    const parentNamed = ['PR1|1||76164006^Biopsy of colon^SCT||20240601||||||||||||||PR-2||||||PR-1'];
    const alone = convertMessage(parseMessage([MSH('ADT^A01^ADT_A01'), PID, ...parentNamed].join('\r')), ctx);
    const stub = ofType(alone.resources, 'Procedure').find((p) => ids(p).includes('|PR-1'));
    expect(alone.stubs).toEqual([`Procedure/${stub?.id}`]);
    const full = convertMessage(
      parseMessage([MSH('ADT^A01^ADT_A01'), PID, ...parentNamed, 'PR1|2||73761001^Colonoscopy^SCT||20240601||||||||||||||PR-1'].join('\r')),
      ctx,
    );
    expect(full.stubs).toEqual([]);
  });

  it('an RXO and an RXE of one drug are two MedicationRequests (original and filler order) of one Medication', () => {
    const rs = convert([
      MSH('RDE^O11^RDE_O11'),
      PID,
      'ORC|NW|1163422591^EPC|||||||20240601120000+0200',
      'RXO|01151327^Doxycycline^NDC|1||TAB^Tablet',
      'RXE||01151327^Doxycycline^NDC|1||TAB^Tablet||||||||||RX-15',
    ]);
    const requests = ofType(rs, 'MedicationRequest');
    expect(requests.map((r) => r.intent)).toEqual(['original-order', 'filler-order']);
    const medications = ofType(rs, 'Medication');
    expect(medications).toHaveLength(1);
    for (const r of requests) expect(r.medicationReference).toEqual({ reference: `Medication/${medications[0]?.id}` });
    expect(ids(requests[1])).toContain('|RX-15');
  });
});
