/**
 * Seeded generator of realistic, synthetic HL7 v2 messages for the benchmark: ADT with
 * repeated identifiers, names and addresses; ORU with 5-30 OBX carrying escapes; Z-segments.
 * Sizes land between ~1 and ~3 KB (about 2.5 KB on average). All data is invented.
 */
import { Rng } from './random';

const FAMILY = ['SMITH', 'NGUYEN', 'GARCIA', 'MUELLER', 'OKAFOR', 'ROSSI', 'DUBOIS', 'KOWALSKI', 'TANAKA', 'OBRIEN', 'SILVA', 'JOHANSSON'] as const;
const GIVEN = ['ANNA', 'JOHN', 'MARIA', 'LI', 'AHMED', 'SOFIA', 'PIERRE', 'OLGA', 'KENJI', 'GRACE', 'LUCAS', 'AMARA'] as const;
const STREETS = ['MAIN ST', 'OAK AVE', 'ELM RD', 'PINE LN', 'MAPLE DR', 'CEDAR CT', 'HARBOR BLVD'] as const;
const CITIES = [
  ['SPRINGFIELD', 'IL', '62701'],
  ['RIVERTON', 'WY', '82501'],
  ['LAKEWOOD', 'CO', '80226'],
  ['FAIRVIEW', 'OR', '97024'],
] as const;
const FACILITIES = ['GENHOSP', 'STMARY', 'NORTHCLIN', 'LABCORE'] as const;
const APPS = ['EPICADT', 'CERNERLAB', 'MEDITECH', 'LISAPP', 'RISAPP'] as const;
const ADT_EVENTS = ['A01', 'A02', 'A03', 'A04', 'A08', 'A11', 'A13', 'A31'] as const;
const VERSIONS = ['2.3', '2.4', '2.5', '2.5.1', '2.6'] as const;
const TESTS = [
  ['2345-7', 'Glucose', 'mg/dL', '70-99'],
  ['2160-0', 'Creatinine', 'mg/dL', '0.6-1.2'],
  ['718-7', 'Hemoglobin', 'g/dL', '12.0-16.0'],
  ['6690-2', 'Leukocytes', '10*3/uL', '4.5-11.0'],
  ['777-3', 'Platelets', '10*3/uL', '150-400'],
  ['2951-2', 'Sodium', 'mmol/L', '135-145'],
  ['2823-3', 'Potassium', 'mmol/L', '3.5-5.1'],
  ['2075-0', 'Chloride', 'mmol/L', '98-107'],
  ['17861-6', 'Calcium', 'mg/dL', '8.6-10.3'],
  ['1742-6', 'ALT', 'U/L', '7-56'],
] as const;
const COMMENTS = [
  'Specimen received hemolyzed\\.br\\Result may be affected',
  'Value verified by repeat analysis \\T\\ dilution 1\\S\\2',
  'Critical value called to ward\\.br\\Read back confirmed',
  'Reference range for adults \\F\\ pediatric ranges differ',
  'Sample path C:\\E\\LAB\\E\\RUN42 archived',
  'Non-fasting sample\\.sp\\Interpret with caution',
] as const;

function ts(rng: Rng): string {
  return `2024${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}${String(rng.int(0, 23)).padStart(2, '0')}${String(rng.int(0, 59)).padStart(2, '0')}${String(rng.int(0, 59)).padStart(2, '0')}`;
}

function name(rng: Rng): string {
  return `${rng.pick(FAMILY)}^${rng.pick(GIVEN)}^${rng.pick(GIVEN).charAt(0)}^^^`;
}

function names(rng: Rng): string {
  const primary = `${name(rng)}^L`;
  const extra = rng.int(1, 2);
  const out = [primary];
  for (let i = 0; i < extra; i++) out.push(`${rng.pick(FAMILY)}^${rng.pick(GIVEN)}^^^^^${rng.pick(['M', 'A', 'B'])}`);
  return out.join('~');
}

function identifiers(rng: Rng): string {
  const count = rng.int(2, 4);
  const out: string[] = [];
  const types = ['MR', 'PI', 'AN', 'SS', 'DL'];
  for (let i = 0; i < count; i++) {
    const fac = rng.pick(FACILITIES);
    out.push(`${rng.digits(rng.int(6, 9))}^^^${fac}&2.16.840.1.113883.3.${rng.int(100, 999)}&ISO^${types[i % types.length]}^${fac}`);
  }
  return out.join('~');
}

function address(rng: Rng): string {
  const [city, state, zip] = rng.pick(CITIES);
  return `${rng.int(1, 9999)} ${rng.pick(STREETS)}^APT ${rng.int(1, 40)}^${city}^${state}^${zip}^USA^${rng.pick(['H', 'M', 'B'])}`;
}

function addresses(rng: Rng): string {
  return rng.chance(0.5) ? `${address(rng)}~${address(rng)}` : address(rng);
}

function phone(rng: Rng): string {
  return `^PRN^PH^^1^${rng.digits(3)}^${rng.digits(7)}~^NET^Internet^user${rng.digits(4)}@example.org`;
}

function doctor(rng: Rng): string {
  return `${rng.digits(6)}^${rng.pick(FAMILY)}^${rng.pick(GIVEN)}^^^DR^^^NPI&2.16.840.1.113883.4.6&ISO^L^^^NPI`;
}

function msh(rng: Rng, type: string, version: string): string {
  return `MSH|^~\\&|${rng.pick(APPS)}|${rng.pick(FACILITIES)}|HCDL|LAKE|${ts(rng)}||${type}|MSG${rng.digits(10)}|P|${version}|||AL|NE||UNICODE UTF-8`;
}

function pid(rng: Rng): string {
  return `PID|1|${rng.digits(8)}^^^${rng.pick(FACILITIES)}^MR|${identifiers(rng)}||${names(rng)}|${rng.pick(FAMILY)}^${rng.pick(GIVEN)}|19${rng.int(30, 99)}${String(rng.int(1, 12)).padStart(2, '0')}${String(rng.int(1, 28)).padStart(2, '0')}|${rng.pick(['F', 'M', 'U'])}||2106-3^White^CDCREC~2054-5^Black^CDCREC|${addresses(rng)}||${phone(rng)}|^WPN^PH^^1^${rng.digits(3)}^${rng.digits(7)}|en^English^ISO639|M^Married^HL70002|CHR^Christian^HL70006|${rng.digits(10)}^^^${rng.pick(FACILITIES)}^AN|${rng.digits(3)}-${rng.digits(2)}-${rng.digits(4)}`;
}

function pv1(rng: Rng): string {
  return `PV1|1|${rng.pick(['I', 'O', 'E'])}|${rng.pick(['4WEST', 'ICU', 'ER', 'MED2'])}^${rng.int(100, 499)}^${rng.int(1, 4)}^${rng.pick(FACILITIES)}^^^^^${rng.pick(['WING A', 'WING B'])}||||${doctor(rng)}|${doctor(rng)}||MED|||||||||IP|${rng.digits(9)}^^^${rng.pick(FACILITIES)}^VN|||||||||||||||||||||||||${ts(rng)}`;
}

function zSegment(rng: Rng, id: string): string {
  return `${id}|1|${rng.pick(['VIP', 'STD', 'EMP'])}^${rng.pick(['Flag one', 'Flag two'])}^LOCAL|${rng.digits(5)}~${rng.digits(5)}|Free text with \\T\\ and \\S\\ inside|${ts(rng)}`;
}

/**
 * The segments as one message text, each ended by CR. Joined in one step so that the text is
 * one flat string, as text decoded from bytes (a socket, a file, an S3 object) always is:
 * `join(...) + '\r'` would hand every parser a rope, whose characters cost an indirection
 * each to read (about a third slower for the character scanners).
 */
function message(segs: readonly string[]): string {
  return [...segs, ''].join('\r');
}

function adt(rng: Rng): string {
  const version = rng.pick(VERSIONS);
  const event = rng.pick(ADT_EVENTS);
  const segs = [msh(rng, `ADT^${event}^ADT_A01`, version), `EVN|${event}|${ts(rng)}|||${doctor(rng)}|${ts(rng)}`, pid(rng)];
  if (rng.chance(0.7)) segs.push(`PD1|||${rng.pick(FACILITIES)} Primary Care^^${rng.digits(5)}|${doctor(rng)}`);
  const kin = rng.int(1, 2);
  for (let i = 1; i <= kin; i++) {
    segs.push(
      `NK1|${i}|${names(rng)}|${rng.pick(['SPO^Spouse^HL70063', 'CHD^Child^HL70063', 'PAR^Parent^HL70063'])}|${address(rng)}|${phone(rng)}||EC^Emergency Contact^HL70131`,
    );
  }
  segs.push(pv1(rng));
  segs.push(`PV2|||${rng.pick(['CHEST PAIN', 'FEVER', 'FRACTURE'])}^Admit reason^LOCAL||||||${ts(rng)}`);
  const allergies = rng.int(0, 3);
  for (let i = 1; i <= allergies; i++) {
    segs.push(
      `AL1|${i}|DA|${rng.digits(5)}^${rng.pick(['PENICILLIN', 'ASPIRIN', 'LATEX', 'PEANUTS'])}^RXNORM|${rng.pick(['SV', 'MO', 'MI'])}|${rng.pick(['HIVES', 'RASH', 'ANAPHYLAXIS'])}~ITCHING|${ts(rng).slice(0, 8)}`,
    );
  }
  const diagnoses = rng.int(1, 2);
  for (let i = 1; i <= diagnoses; i++) {
    segs.push(
      `DG1|${i}|I10|${rng.pick(['I10', 'E11.9', 'J18.9', 'S72.001A'])}^${rng.pick(['Hypertension', 'Type 2 diabetes', 'Pneumonia', 'Hip fracture'])}^I10|||${rng.pick(['A', 'W', 'F'])}|||||||||${i}|${doctor(rng)}`,
    );
  }
  if (rng.chance(0.6))
    segs.push(
      `IN1|1|${rng.pick(['BCBS', 'AETNA', 'MEDICARE'])}^Plan^LOCAL|${rng.digits(6)}|${rng.pick(['Blue Plan', 'Silver Plan'])}|${address(rng)}||${phone(rng)}|${rng.digits(8)}|||||${ts(rng).slice(0, 8)}|||||${name(rng)}|01^Self^HL70063|${ts(rng).slice(0, 8)}|${address(rng)}`,
    );
  if (rng.chance(0.8)) segs.push(zSegment(rng, 'ZPI'));
  return message(segs);
}

function oru(rng: Rng): string {
  const version = rng.pick(VERSIONS);
  const segs = [msh(rng, 'ORU^R01^ORU_R01', version), pid(rng), pv1(rng)];
  const order = rng.digits(10);
  segs.push(`ORC|RE|${order}^${rng.pick(APPS)}|${rng.digits(10)}^LAB||CM||||${ts(rng)}|||${doctor(rng)}`);
  segs.push(
    `OBR|1|${order}^${rng.pick(APPS)}|${rng.digits(10)}^LAB|24323-8^Comprehensive metabolic panel^LN|||${ts(rng)}|||||||${ts(rng)}|BLD^Blood|${doctor(rng)}||||||${ts(rng)}|||F`,
  );
  const obx = rng.int(5, 30);
  for (let i = 1; i <= obx; i++) {
    const [code, label, unit, range] = rng.pick(TESTS);
    if (rng.chance(0.15)) {
      segs.push(`OBX|${i}|TX|${code}^${label} comment^LN||${rng.pick(COMMENTS)}||||||F|||${ts(rng)}`);
    } else {
      const value = (rng.int(10, 4000) / 10).toFixed(1);
      const observer = rng.chance(0.15) ? `||${rng.digits(6)}^${rng.pick(FAMILY)}^${rng.pick(GIVEN)}` : '';
      segs.push(`OBX|${i}|NM|${code}^${label}^LN||${value}|${unit}|${range}|${rng.pick(['N', 'H', 'L', ''])}|||F|||${ts(rng)}${observer}`);
    }
    if (rng.chance(0.12)) segs.push(`NTE|${i}|L|${rng.pick(COMMENTS)}`);
  }
  if (rng.chance(0.6)) segs.push(zSegment(rng, 'ZOB'));
  return message(segs);
}

/** Generates `count` messages (about half ADT, half ORU), the same for a given seed. */
export function generateMessages(count: number, seed = 20240601): string[] {
  const rng = new Rng(seed);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(rng.chance(0.5) ? adt(rng) : oru(rng));
  return out;
}
