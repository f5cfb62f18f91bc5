/** XPN, XCN (name part), XAD and XTN → HumanName, Address, ContactPoint (IG data type maps). */
import { comp, sub } from '../values';
import type { V2Repetition } from '../v2';
import { mapCode } from '../vocab/concept-map';
import { toDateTime } from './dtm';
import type { Json } from '../resource';

function period(start: string | undefined, end: string | undefined, offset: string): Json | undefined {
  const s = toDateTime(start, offset);
  const e = toDateTime(end, offset);
  if (s === undefined && e === undefined) return undefined;
  return { ...(s ? { start: s } : {}), ...(e ? { end: e } : {}) };
}

/**
 * Name components starting at `at` (XPN: 1, XCN: 2): family (FN.1), given, second given,
 * suffix, prefix, degree; `typeAt` is the name type (0200 → name-use).
 */
export function humanName(rep: V2Repetition | undefined, at: number, typeAt: number, offset: string): Json | undefined {
  if (rep === undefined) return undefined;
  const family = sub(rep, at, 1);
  const given = [comp(rep, at + 1), comp(rep, at + 2)].filter((g): g is string => g !== undefined);
  const suffix = [comp(rep, at + 3), comp(rep, at + 5)].filter((g): g is string => g !== undefined);
  const prefix = comp(rep, at + 4);
  if (family === undefined && given.length === 0 && prefix === undefined && suffix.length === 0) return undefined;
  const name: Json = {};
  const use = mapCode('NameType', comp(rep, typeAt))?.code;
  if (use !== undefined) name.use = use;
  if (family !== undefined) name.family = family;
  if (given.length > 0) name.given = given;
  if (prefix !== undefined) name.prefix = [prefix];
  if (suffix.length > 0) name.suffix = suffix;
  return name;
}

/** XPN → HumanName (with XPN.10 / XPN.12-13 validity as period). */
export function xpnName(rep: V2Repetition | undefined, offset: string): Json | undefined {
  const n = humanName(rep, 1, 7, offset);
  if (n === undefined || rep === undefined) return n;
  // XPN.15 called-by name is a given name; XPN.14 professional suffix a suffix.
  const calledBy = comp(rep, 15);
  if (calledBy !== undefined) n.given = [...((n.given as string[]) ?? []), calledBy];
  const professional = comp(rep, 14);
  if (professional !== undefined) n.suffix = [...((n.suffix as string[]) ?? []), professional];
  const p = period(comp(rep, 12) ?? sub(rep, 10, 1), comp(rep, 13) ?? sub(rep, 10, 2), offset);
  if (p !== undefined) n.period = p;
  return n;
}

/** XAD → Address. */
export function xadAddress(rep: V2Repetition | undefined, offset: string): Json | undefined {
  if (rep === undefined) return undefined;
  const line = [sub(rep, 1, 1), comp(rep, 2)].filter((l): l is string => l !== undefined);
  const a: Json = {};
  const type = comp(rep, 7);
  const use = mapCode('AddressType[Use]', type)?.code;
  const atype = mapCode('AddressType[Type]', type)?.code;
  if (use !== undefined) a.use = use;
  if (atype !== undefined) a.type = atype;
  if (line.length > 0) a.line = line;
  const city = comp(rep, 3);
  const state = comp(rep, 4);
  const postalCode = comp(rep, 5);
  const country = comp(rep, 6);
  const district = comp(rep, 9);
  if (city !== undefined) a.city = city;
  if (district !== undefined) a.district = district;
  if (state !== undefined) a.state = state;
  if (postalCode !== undefined) a.postalCode = postalCode;
  if (country !== undefined) a.country = country;
  if (
    Object.keys(a).length === 0 ||
    (line.length === 0 && city === undefined && state === undefined && postalCode === undefined && country === undefined && district === undefined)
  )
    return undefined;
  const p = period(comp(rep, 13) ?? sub(rep, 12, 1), comp(rep, 14) ?? sub(rep, 12, 2), offset);
  if (p !== undefined) a.period = p;
  return a;
}

/** XTN → ContactPoint: email from XTN.4, else the unformatted number (12), else the parts. */
export function xtnContact(rep: V2Repetition | undefined): Json | undefined {
  if (rep === undefined) return undefined;
  const useCode = comp(rep, 2);
  const equipment = comp(rep, 3);
  const email = comp(rep, 4);
  let system: string | undefined;
  let use = mapCode('TelecommunicationUseCode', useCode)?.code;
  if (equipment === 'CP') {
    system = 'phone';
    use = 'mobile';
  } else system = mapCode('TelecommunicationEquipmentType', equipment)?.code;
  let value: string | undefined;
  if (email !== undefined && (system === 'email' || useCode === 'NET' || system === undefined)) {
    value = email;
    system = 'email';
  } else {
    const parts = [comp(rep, 5) ? `+${comp(rep, 5)} ` : '', comp(rep, 6) ? `(${comp(rep, 6)}) ` : '', comp(rep, 7) ?? ''].join('');
    const ext = comp(rep, 8);
    value = comp(rep, 12) ?? (comp(rep, 7) !== undefined ? `${parts}${ext ? ` ext. ${ext}` : ''}` : undefined) ?? comp(rep, 1);
    if (value !== undefined && system === undefined) system = 'phone';
  }
  if (value === undefined) return undefined;
  const c: Json = {};
  if (system !== undefined) c.system = system;
  c.value = value;
  if (use !== undefined) c.use = use;
  return c;
}
