/**
 * Per-segment lookups that dictionary validation needs for every field, worked out once per
 * dictionary and segment id instead of once per value: which fields are required, and which
 * table values each field (or each of its components) is checked against, with the table's
 * value set already resolved. Derived only from the Dictionary; nothing here changes it.
 */
import type { Dictionary, ElementDef, SegmentDef } from './types';

/** One table check of a field: the value at `component` (0-based) of each repetition, or the field's own first component. */
export interface TableCheck {
  /** 0-based component of each repetition whose first leaf is checked. */
  readonly component: number;
  /** True when the field's datatype is a composite (the location then names the component). */
  readonly inComposite: boolean;
  /** HL7 table id (`0001`), as the diagnostic names it. */
  readonly table: string;
  /** The table's values: never empty (tables the version gives no values for are not checked). */
  readonly values: ReadonlySet<string>;
}

export interface SegmentChecks {
  readonly def: SegmentDef;
  /** Required field positions (min >= 1 and not withdrawn), ascending. */
  readonly required: readonly number[];
  /** The same from field 3 on (MSH/FHS/BHS: fields 1 and 2 are the delimiters). */
  readonly requiredFrom3: readonly number[];
  /** tables[n]: the checks of field n in order (components ascending), empty when none. */
  readonly tables: readonly (readonly TableCheck[])[];
}

const NONE: readonly TableCheck[] = [];

/** The field checks of one dictionary's segments, each worked out on first use. */
export class DictionaryChecks {
  readonly #dict: Dictionary;
  readonly #bySegment = new Map<string, SegmentChecks | null>();

  constructor(dict: Dictionary) {
    this.#dict = dict;
  }

  /** The checks of segment `id`, undefined when the dictionary does not define it. */
  segment(id: string): SegmentChecks | undefined {
    let checks = this.#bySegment.get(id);
    if (checks === undefined) {
      const def = this.#dict.segment(id);
      checks = def === undefined ? null : build(this.#dict, def);
      this.#bySegment.set(id, checks);
    }
    return checks ?? undefined;
  }
}

const cache = new WeakMap<Dictionary, DictionaryChecks>();

/** The field checks of `dict` (one per dictionary: look it up once per message, not per segment). */
export function dictionaryChecks(dict: Dictionary): DictionaryChecks {
  let checks = cache.get(dict);
  if (checks === undefined) {
    checks = new DictionaryChecks(dict);
    cache.set(dict, checks);
  }
  return checks;
}

function build(dict: Dictionary, def: SegmentDef): SegmentChecks {
  const required: number[] = [];
  const tables: (readonly TableCheck[])[] = [NONE];
  const defs = def.fields;
  for (let n = 1; n < defs.length; n++) {
    const fd = defs[n];
    if (fd !== undefined && fd.min >= 1 && fd.max !== 0) required.push(n);
    tables.push(fd === undefined ? NONE : fieldTables(dict, fd));
  }
  return { def, required, requiredFrom3: required.filter((n) => n >= 3), tables };
}

/**
 * A primitive (or untyped) field is checked against its own table; a composite one against
 * the tables of its primitive components (composite components are not looked into).
 */
function fieldTables(dict: Dictionary, fd: ElementDef): readonly TableCheck[] {
  const type = fd.type;
  const out: TableCheck[] = [];
  if (type === undefined || type.kind !== 'composite') {
    const values = fd.table === undefined ? undefined : dict.table(fd.table);
    if (fd.table !== undefined && values !== undefined && values.size > 0) out.push({ component: 0, inComposite: false, table: fd.table, values });
  } else {
    const comps = type.components;
    for (let c = 0; c < comps.length; c++) {
      const cd = comps[c];
      if (cd?.table === undefined || cd.type?.kind === 'composite') continue;
      const values = dict.table(cd.table);
      if (values !== undefined && values.size > 0) out.push({ component: c, inComposite: true, table: cd.table, values });
    }
  }
  return out.length === 0 ? NONE : out;
}
