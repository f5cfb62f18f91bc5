/** CWE/CE/CNE/CF and coded ID/IS values → CodeableConcept and Coding (IG data type maps). */
import type { CodeableConcept, Coding } from '../resource';
import { comp } from '../values';
import type { V2Repetition } from '../v2';
import { codeSystemUri, v2Table } from '../vocab/code-systems';
import { mapCode } from '../vocab/concept-map';

function coding(code: string | undefined, display: string | undefined, system: string | undefined, version: string | undefined): Coding | undefined {
  if (code === undefined) return undefined;
  const c: Coding = {};
  const uri = codeSystemUri(system);
  if (uri !== undefined) c.system = uri;
  if (version !== undefined) c.version = version;
  c.code = code;
  if (display !== undefined) c.display = display;
  return c;
}

/**
 * CWE → CodeableConcept: the identifier triplet (1-3) and the alternate triplet (4-6) as two
 * codings, the original text (9) as text; a CWE with text only (CWE.2 or .9) keeps the text.
 * `defaultTable` gives a system when CWE.3 is empty (HL7 tables such as 0203 or 0001).
 */
export function codeableConcept(rep: V2Repetition | undefined, defaultTable?: string): CodeableConcept | undefined {
  if (rep === undefined) return undefined;
  const codings: Coding[] = [];
  const sys1 = comp(rep, 3) ?? (defaultTable !== undefined ? `HL7${defaultTable}` : undefined);
  const c1 = coding(comp(rep, 1), comp(rep, 2), sys1, comp(rep, 7));
  if (c1 !== undefined) codings.push(c1);
  const c2 = coding(comp(rep, 4), comp(rep, 5), comp(rep, 6), comp(rep, 8));
  if (c2 !== undefined) codings.push(c2);
  const text = comp(rep, 9) ?? (codings.length === 0 ? comp(rep, 2) : undefined);
  if (codings.length === 0 && text === undefined) return undefined;
  const cc: CodeableConcept = {};
  if (codings.length > 0) cc.coding = codings;
  if (text !== undefined) cc.text = text;
  return cc;
}

/** A coded value of an HL7 table (ID/IS) as a CodeableConcept in that table's code system. */
export function tableConcept(code: string | undefined, table: string, display?: string): CodeableConcept | undefined {
  if (code === undefined) return undefined;
  const c: Coding = { system: v2Table(table), code };
  if (display !== undefined) c.display = display;
  return { coding: [c] };
}

/** A coded value translated through an IG concept map, as a CodeableConcept. */
export function mappedConcept(map: string, code: string | undefined, fallbackTable?: string): CodeableConcept | undefined {
  const t = mapCode(map, code);
  if (t !== undefined) {
    const c: Coding = { system: t.system, code: t.code };
    if (t.display !== undefined) c.display = t.display;
    return { coding: [c] };
  }
  return fallbackTable !== undefined ? tableConcept(code, fallbackTable) : undefined;
}

/** The first code of a CWE repetition translated through an IG map to a FHIR `code` value. */
export function mappedCode(map: string, code: string | undefined): string | undefined {
  return mapCode(map, code)?.code;
}
