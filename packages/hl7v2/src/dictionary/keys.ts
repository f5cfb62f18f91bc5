/**
 * JSON keys for dictionary elements.
 *
 * - A key is the dictionary `name` with runs of 2+ whitespace removed (line-wrap artifacts
 *   in hl7apy: `inactivatio   n_date` -> `inactivation_date`), single whitespace turned
 *   into `_` (`..._name_id no` -> `..._name_id_no`), and any other character outside
 *   `[a-z0-9_]` turned into `_`.
 * - An empty name becomes the positional key (`component_3`).
 * - When two elements of one segment or datatype get the same key (dictionary anomalies such
 *   as OBX-20/OBX-23 `performing_organization_name` in 2.5.1), the first one that may be
 *   valued (max != 0) keeps the key and the others get `<key>_<seq>`
 *   (`performing_organization_name_20`).
 */
export function cleanName(name: string): string {
  return name
    .replace(/\s{2,}/g, '')
    .replace(/\s/g, '_')
    .replace(/[^a-z0-9_]/g, '_');
}

export function positionalKey(kind: 'field' | 'component' | 'subcomponent', seq: number): string {
  return `${kind}_${seq}`;
}

export interface KeyInput {
  readonly seq: number;
  readonly name: string;
  readonly max: number;
}

/** Keys for a list of sibling elements, in the same order. */
export function assignKeys(elements: readonly KeyInput[], kind: 'field' | 'component'): string[] {
  const base = elements.map((e) => cleanName(e.name) || positionalKey(kind, e.seq));
  const owner = new Map<string, number>();
  base.forEach((k, i) => {
    const current = owner.get(k);
    const el = elements[i];
    if (el === undefined) return;
    if (current === undefined) owner.set(k, i);
    else if ((elements[current]?.max ?? 0) === 0 && el.max !== 0) owner.set(k, i);
  });
  return base.map((k, i) => (owner.get(k) === i ? k : `${k}_${elements[i]?.seq ?? i + 1}`));
}
