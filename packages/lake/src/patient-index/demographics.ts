import type { Segment } from '@hcdl/hl7v2';

/**
 * What a PID says about the person, kept with each identifier occurrence so a person can
 * review a link, and compared when an identifier from one source meets a patient another
 * source recorded. PHI: never logged, never put in an error message or an object key.
 */
export interface PatientDemographics {
  /** PID-5.1 (family name; its first subcomponent in v2.3+). */
  familyName?: string;
  /** PID-5.2. */
  givenName?: string;
  /** PID-7 as its leading digits (`YYYY`, `YYYYMM` or `YYYYMMDD`); absent when missing or all zeros. */
  birthDate?: string;
  /** PID-8, upper case (M, F, O, U, A, N, X). */
  sex?: string;
}

/** Demographic fields whose disagreement turns a link into a conflict. */
export const DemographicField = { BirthDate: 'birthDate', Sex: 'sex' } as const;
export type DemographicField = (typeof DemographicField)[keyof typeof DemographicField];

const text = (v: string | null | undefined): string => (typeof v === 'string' ? v.trim() : '');

/** The demographics of one PID segment (fields absent when empty). */
export function pidDemographics(pid: Segment): PatientDemographics {
  const out: PatientDemographics = {};
  const family = text(pid.leaf(5, 1, 1, 1));
  const given = text(pid.leaf(5, 1, 2));
  const birth = /^\d{4,8}/.exec(text(pid.leaf(7, 1, 1)))?.[0] ?? '';
  const sex = text(pid.leaf(8)).toUpperCase();
  if (family !== '') out.familyName = family;
  if (given !== '') out.givenName = given;
  // `00000000` is what a sender writes when it has no birth date.
  if (birth !== '' && !/^0+$/.test(birth)) out.birthDate = birth.length >= 8 ? birth.slice(0, 8) : birth.length >= 6 ? birth.slice(0, 6) : birth.slice(0, 4);
  if (sex !== '') out.sex = sex;
  return out;
}

/** Sex codes that state nothing (unknown, not applicable): never a disagreement. */
const UNSTATED_SEX = new Set(['U', 'N']);

/**
 * The fields on which two sets of demographics disagree: birth dates that differ on the
 * precision both give (1980 and 19800315 agree), or two stated sexes that differ. A field
 * missing on either side is no disagreement: absence is not evidence.
 */
export function demographicsDisagree(a: PatientDemographics, b: PatientDemographics): DemographicField[] {
  const out: DemographicField[] = [];
  if (a.birthDate !== undefined && b.birthDate !== undefined) {
    const n = Math.min(a.birthDate.length, b.birthDate.length);
    if (a.birthDate.slice(0, n) !== b.birthDate.slice(0, n)) out.push(DemographicField.BirthDate);
  }
  if (a.sex !== undefined && b.sex !== undefined && !UNSTATED_SEX.has(a.sex) && !UNSTATED_SEX.has(b.sex) && a.sex !== b.sex) out.push(DemographicField.Sex);
  return out;
}

/** Checks demographics that crossed a process boundary. */
export function isPatientDemographics(value: unknown): value is PatientDemographics {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  return Object.entries(value).every(([k, v]) => ['familyName', 'givenName', 'birthDate', 'sex'].includes(k) && typeof v === 'string');
}
