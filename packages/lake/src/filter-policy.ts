import type { FilterCondition, FilterPolicy } from './ports/hub';

/**
 * SNS filter-policy semantics on message attributes, as a pure function used by the local
 * hub and tested against the rules of the SNS documentation:
 * - every key of the policy must match (AND); the conditions of one key are alternatives (OR);
 * - `$or` holds alternative sub-policies;
 * - exact strings and numbers, `prefix`, `suffix`, `equals-ignore-case`, `anything-but`
 *   (value, list, or `{prefix}`/`{suffix}`), `numeric` (`=`, `<`, `<=`, `>`, `>=` pairs) and
 *   `exists`. A missing attribute only matches `exists: false`; anything-but needs the
 *   attribute to be present.
 * Attribute values are typed as in SNS: a JS string is a `String` attribute, a number a
 * `Number` attribute and an array a `String.Array`. String conditions (exact string, prefix,
 * suffix, equals-ignore-case) match strings only and numeric ones (exact number, numeric)
 * numbers only, so `"42"` is not `42`. An array matches a condition when one of its elements
 * does; `anything-but` matches an array holding at least one value it does not exclude.
 */
export type AttributeValue = string | number | readonly (string | number)[];
export type Attributes = Readonly<Record<string, AttributeValue | undefined>>;

type Scalar = string | number;

const OPERATORS: Record<string, (n: number, x: number) => boolean> = {
  '=': (n, x) => n === x,
  '<': (n, x) => n < x,
  '<=': (n, x) => n <= x,
  '>': (n, x) => n > x,
  '>=': (n, x) => n >= x,
};

function numericMatch(ops: readonly (string | number)[], n: number): boolean {
  if (ops.length < 2 || ops.length % 2 !== 0) return false;
  for (let i = 0; i < ops.length; i += 2) {
    const compare = OPERATORS[String(ops[i])];
    const x = ops[i + 1];
    if (compare === undefined || typeof x !== 'number' || !compare(n, x)) return false;
  }
  return true;
}

/** Whether `anything-but` lets one scalar value through. */
function notExcluded(arg: unknown, v: Scalar): boolean {
  if (Array.isArray(arg)) return !arg.includes(v);
  if (arg !== null && typeof arg === 'object') {
    if (typeof v !== 'string') return false;
    const o = arg as { prefix?: unknown; suffix?: unknown };
    if (typeof o.prefix === 'string') return !v.startsWith(o.prefix);
    if (typeof o.suffix === 'string') return !v.endsWith(o.suffix);
    return false;
  }
  return v !== arg;
}

function scalarMatches(c: Exclude<FilterCondition, null | { exists: boolean } | { 'anything-but': unknown }>, v: Scalar): boolean {
  if (typeof c === 'string') return v === c;
  if (typeof c === 'number') return v === c;
  if ('numeric' in c) return typeof v === 'number' && numericMatch(c.numeric, v);
  if (typeof v !== 'string') return false;
  if ('prefix' in c) return v.startsWith(c.prefix);
  if ('suffix' in c) return v.endsWith(c.suffix);
  if ('equals-ignore-case' in c) return v.toLowerCase() === c['equals-ignore-case'].toLowerCase();
  return false;
}

function conditionMatches(c: FilterCondition, v: AttributeValue | undefined): boolean {
  if (c !== null && typeof c === 'object' && 'exists' in c) return c.exists === (v !== undefined);
  if (v === undefined || c === null) return false;
  const values: readonly Scalar[] = typeof v === 'object' ? v : [v];
  if (typeof c === 'object' && 'anything-but' in c) return values.some((x) => notExcluded(c['anything-but'], x));
  return values.some((x) => scalarMatches(c, x));
}

export function matchesFilterPolicy(policy: FilterPolicy, attributes: Attributes): boolean {
  for (const [key, conditions] of Object.entries(policy)) {
    if (key === '$or') continue;
    const list = conditions as FilterCondition[];
    const value = Object.hasOwn(attributes, key) ? attributes[key] : undefined;
    if (!list.some((c) => conditionMatches(c, value))) return false;
  }
  const alternatives = policy.$or;
  if (alternatives !== undefined && !alternatives.some((p) => matchesFilterPolicy(p, attributes))) return false;
  return true;
}
