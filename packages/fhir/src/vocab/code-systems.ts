/**
 * HL7 v2 coding system names (table 0396, CWE.3) → FHIR code system URIs. The IG leaves the
 * URI to "the vocabulary table": v2 tables get their terminology.hl7.org URI, well-known
 * systems their published one (the ICD, SNOMED and other entries as FHIR-Converter spells
 * them). Names not known here get `urn:hcdl:cs:<name>` (spaces as `-`, as FHIR-Converter's
 * local systems), so the code keeps its system and stays comparable.
 */
const SYSTEMS: Readonly<Record<string, string>> = {
  LN: 'http://loinc.org',
  LOINC: 'http://loinc.org',
  SCT: 'http://snomed.info/sct',
  SNM: 'http://terminology.hl7.org/CodeSystem/snm',
  SNM3: 'http://snomed.info/sct',
  SCT2: 'http://snomed.info/sct',
  SNOMED: 'http://snomed.info/sct',
  SNOMEDCT: 'http://snomed.info/sct',
  'SNOMED-CT': 'http://snomed.info/sct',
  I10: 'http://hl7.org/fhir/sid/icd-10',
  I10C: 'http://hl7.org/fhir/sid/icd-10-cm',
  'ICD-10-CM': 'http://hl7.org/fhir/sid/icd-10-cm',
  ICD10: 'http://hl7.org/fhir/sid/icd-10',
  I10P: 'http://www.cms.gov/Medicare/Coding/ICD10',
  I9: 'http://hl7.org/fhir/sid/icd-9',
  I9C: 'http://hl7.org/fhir/sid/icd-9-cm',
  ICD9: 'http://hl7.org/fhir/sid/icd-9',
  ICD10CA: 'http://hl7.org/fhir/sid/icd-10-ca',
  ICDO: 'http://terminology.hl7.org/CodeSystem/icd-o',
  ICDO3: 'http://terminology.hl7.org/CodeSystem/icd-o-3',
  ICCS: 'http://terminology.hl7.org/CodeSystem/ics',
  ISO4217: 'http://terminology.hl7.org/CodeSystem/iso4217',
  MDC: 'urn:iso:std:iso:11073:10101',
  NAICS: 'http://terminology.hl7.org/CodeSystem/naics',
  NDFRT: 'http://hl7.org/fhir/ndfrt',
  NUBC: 'http://www.nubc.org/patient-discharge',
  NULLFL: 'http://terminology.hl7.org/CodeSystem/v3-NullFlavor',
  SDM: 'http://terminology.hl7.org/NamingSystem/SDM',
  SNT: 'http://terminology.hl7.org/CodeSystem/SNT',
  UB04FL14: 'https://www.nubc.org/CodeSystem/PriorityTypeOfAdmitOrVisit',
  UB04FL15: 'https://www.nubc.org/CodeSystem/PointOfOrigin',
  UB04FL17: 'https://www.nubc.org/CodeSystem/PatDischargeStatus',
  UMD: 'http://terminology.hl7.org/CodeSystem/UMD',
  UML: 'http://terminology.hl7.org/CodeSystem/UML',
  CVX: 'http://hl7.org/fhir/sid/cvx',
  MVX: 'http://terminology.hl7.org/CodeSystem/MVX',
  NDC: 'http://hl7.org/fhir/sid/ndc',
  RXNORM: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  RXN: 'http://www.nlm.nih.gov/research/umls/rxnorm',
  UCUM: 'http://unitsofmeasure.org',
  ANS: 'http://unitsofmeasure.org',
  ISO: 'urn:iso:std:iso:3166',
  ISO3166_1: 'urn:iso:std:iso:3166',
  ISO3166_2: 'urn:iso:std:iso:3166:-2',
  ISO639: 'urn:ietf:bcp:47',
  C4: 'http://www.ama-assn.org/go/cpt',
  CPT: 'http://www.ama-assn.org/go/cpt',
  CPT4: 'http://www.ama-assn.org/go/cpt',
  HCPCS: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  HCPT: 'http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets',
  CDCREC: 'urn:oid:2.16.840.1.113883.6.238',
  'CDCREC-2': 'urn:oid:2.16.840.1.113883.6.238',
  NUCC: 'http://nucc.org/provider-taxonomy',
  NCI: 'http://ncithesaurus-stage.nci.nih.gov',
  UMLS: 'http://www.nlm.nih.gov/research/umls',
  NPI: 'http://hl7.org/fhir/sid/us-npi',
  HL70005: 'urn:oid:2.16.840.1.113883.6.238',
  HL70189: 'urn:oid:2.16.840.1.113883.6.238',
  PHINQUESTION: 'urn:oid:2.16.840.1.114222.4.5.232',
  PLR: 'urn:oid:2.16.840.1.113883.6.1',
};

const V2_TABLE = /^HL7[-_]?(\d{4})$/i;

export function codeSystemUri(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  const known = SYSTEMS[name] ?? SYSTEMS[name.toUpperCase()];
  if (known !== undefined) return known;
  const t = V2_TABLE.exec(name);
  if (t !== null) return `http://terminology.hl7.org/CodeSystem/v2-${t[1]}`;
  if (/^(urn:|https?:)/.test(name)) return name;
  if (/^\d+(\.\d+)+$/.test(name)) return `urn:oid:${name}`;
  return `urn:hcdl:cs:${encodeURIComponent(name.replace(/ /g, '-'))}`;
}

/** The URI of v2 table nnnn (`0203` → `.../v2-0203`). */
export function v2Table(table: string): string {
  return `http://terminology.hl7.org/CodeSystem/v2-${table}`;
}
