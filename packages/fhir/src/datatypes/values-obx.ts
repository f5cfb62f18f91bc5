/**
 * OBX-5 by OBX-2 value type → Observation.value[x] (IG OBX[Observation]): every v2 value type
 * lands in an R4 value[x] choice; ED, which R4 Observation cannot hold, is the caller's.
 */
import type { Json } from '../resource';
import { asRep, comp } from '../values';
import type { V2Repetition } from '../v2';
import { codeableConcept } from './coded';
import { toDateTime } from './dtm';
import { humanName, xadAddress, xtnContact } from './person';

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)$/;
const COMPARATOR = /^(<=|>=|<|>)\s*([+-]?(\d+(\.\d*)?|\.\d+))$/;

/** OBX-6 units (CWE) → the unit parts of a Quantity; UCUM units get the UCUM system. */
export function unitOf(units: V2Repetition | undefined): Json {
  const code = comp(units, 1);
  if (code === undefined) return {};
  const system = comp(units, 3);
  const ucum = system !== undefined && /^(UCUM|ANS\+|ISO\+|UC)$/i.test(system);
  const q: Json = { unit: comp(units, 2) ?? code };
  if (ucum) {
    q.system = 'http://unitsofmeasure.org';
    q.code = code;
  } else if (system !== undefined) {
    q.system = `urn:hcdl:cs:${encodeURIComponent(system)}`;
    q.code = code;
  }
  return q;
}

function quantity(text: string | undefined, units: Json): Json | undefined {
  if (text === undefined) return undefined;
  if (NUMBER.test(text)) return { value: Number(text), ...units };
  const c = COMPARATOR.exec(text);
  if (c !== null) return { value: Number(c[2]), comparator: c[1], ...units };
  return undefined;
}

/** One repetition of OBX-5 as a value[x] entry `{ valueX: ... }`; undefined when empty. */
export function obxValue(type: string, rep: V2Repetition, units: V2Repetition | undefined, offset: string): Json | undefined {
  const first = comp(rep, 1);
  switch (type) {
    case 'NM': {
      const q = quantity(first, unitOf(units));
      return q !== undefined ? { valueQuantity: q } : first !== undefined ? { valueString: first } : undefined;
    }
    case 'SN': {
      const comparator = comp(rep, 1);
      const n1 = comp(rep, 2);
      const sep = comp(rep, 3);
      const n2 = comp(rep, 4);
      const u = unitOf(units);
      if (sep === ':' || sep === '/') {
        if (n1 !== undefined && n2 !== undefined && NUMBER.test(n1) && NUMBER.test(n2))
          return { valueRatio: { numerator: { value: Number(n1) }, denominator: { value: Number(n2) } } };
      } else if (sep === '-') {
        if (n1 !== undefined && n2 !== undefined && NUMBER.test(n1) && NUMBER.test(n2))
          return { valueRange: { low: { value: Number(n1), ...u }, high: { value: Number(n2), ...u } } };
      } else if (n1 !== undefined && NUMBER.test(n1) && sep === undefined) {
        const q: Json = { value: Number(n1), ...u };
        if (comparator !== undefined && /^(<|>|<=|>=)$/.test(comparator)) q.comparator = comparator;
        return { valueQuantity: q };
      }
      const s = [comparator, n1, sep, n2].filter((p) => p !== undefined).join('');
      return s !== '' ? { valueString: s } : undefined;
    }
    case 'NR': {
      const lo = comp(rep, 1);
      const hi = comp(rep, 2);
      const u = unitOf(units);
      const range: Json = {};
      if (lo !== undefined && NUMBER.test(lo)) range.low = { value: Number(lo), ...u };
      if (hi !== undefined && NUMBER.test(hi)) range.high = { value: Number(hi), ...u };
      return Object.keys(range).length > 0 ? { valueRange: range } : undefined;
    }
    case 'CQ': {
      const q = quantity(first, unitOf(asRep(rep, 2)));
      return q !== undefined ? { valueQuantity: q } : undefined;
    }
    case 'MO': {
      if (first === undefined || !NUMBER.test(first)) return undefined;
      const currency = comp(rep, 2);
      return { valueQuantity: { value: Number(first), ...(currency ? { unit: currency, system: 'urn:iso:std:iso:4217', code: currency } : {}) } };
    }
    case 'CE':
    case 'CWE':
    case 'CNE':
    case 'CF': {
      const c = codeableConcept(rep);
      return c !== undefined ? { valueCodeableConcept: c } : undefined;
    }
    case 'ID':
    case 'IS':
      return first !== undefined ? { valueCodeableConcept: { coding: [{ code: first }] } } : undefined;
    case 'DT':
    case 'DTM':
    case 'TS': {
      const d = toDateTime(first, offset);
      return d !== undefined ? { valueDateTime: d } : first !== undefined ? { valueString: first } : undefined;
    }
    case 'TM': {
      const t = first !== undefined ? /^(\d{2})(\d{2})?(\d{2})?(\.\d+)?/.exec(first) : null;
      return t !== null ? { valueTime: `${t[1]}:${t[2] ?? '00'}:${t[3] ?? '00'}` } : first !== undefined ? { valueString: first } : undefined;
    }
    case 'DR': {
      const start = toDateTime(comp(rep, 1), offset);
      const end = toDateTime(comp(rep, 2), offset);
      return start !== undefined || end !== undefined ? { valuePeriod: { ...(start ? { start } : {}), ...(end ? { end } : {}) } } : undefined;
    }
    case 'XPN':
    case 'PN':
    case 'XCN':
    case 'CN': {
      const n = humanName(rep, type === 'XPN' || type === 'PN' ? 1 : 2, type === 'XPN' ? 7 : 10, offset);
      const text =
        n === undefined
          ? undefined
          : [...((n.prefix as string[]) ?? []), ...((n.given as string[]) ?? []), n.family, ...((n.suffix as string[]) ?? [])].filter(Boolean).join(' ');
      return text ? { valueString: text } : undefined;
    }
    case 'XAD':
    case 'AD': {
      const a = xadAddress(rep, offset);
      const text = a === undefined ? undefined : [...((a.line as string[]) ?? []), a.city, a.state, a.postalCode, a.country].filter(Boolean).join(', ');
      return text ? { valueString: text } : undefined;
    }
    case 'XTN':
    case 'TN': {
      const t = xtnContact(rep);
      return t?.value !== undefined ? { valueString: t.value as string } : first !== undefined ? { valueString: first } : undefined;
    }
    default: {
      // ST, TX, FT, CX, EI, RP, XON, HD, CK, CP, NA and any other type: the text as sent.
      const parts = rep.map((c) => (c === null ? '' : typeof c === 'string' ? c : c.filter((s) => s !== null).join('&')));
      while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
      const text = type === 'NA' ? parts.join(',') : type === 'ST' || type === 'TX' || type === 'FT' ? parts.join('^') : parts.join('^');
      return text.trim() !== '' ? { valueString: text } : undefined;
    }
  }
}
