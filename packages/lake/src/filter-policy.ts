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
 */
export type Attributes = Readonly<Record<string, string | number | undefined>>;

function asNumber(v: string | number): number | undefined {
  const n = typeof v === 'number' ? v : Number(v);
  return typeof v === 'string' && v.trim() === '' ? undefined : Number.isFinite(n) ? n : undefined;
}

function numericMatch(ops: readonly (string | number)[], v: string | number): boolean {
  const n = asNumber(v);
  if (n === undefined) return false;
  for (let i = 0; i + 1 < ops.length; i += 2) {
    const op = ops[i];
    const x = Number(ops[i + 1]);
    const ok = op === '=' ? n === x : op === '<' ? n < x : op === '<=' ? n <= x : op === '>' ? n > x : op === '>=' ? n >= x : false;
    if (!ok) return false;
  }
  return ops.length >= 2;
}

function anythingBut(arg: unknown, v: string | number): boolean {
  if (Array.isArray(arg)) return !arg.some((a) => a === v || (typeof a === 'number' && asNumber(v) === a));
  if (arg !== null && typeof arg === 'object') {
    const o = arg as { prefix?: string; suffix?: string };
    if (o.prefix !== undefined) return !String(v).startsWith(o.prefix);
    if (o.suffix !== undefined) return !String(v).endsWith(o.suffix);
    return false;
  }
  if (typeof arg === 'number') return asNumber(v) !== arg;
  return v !== arg;
}

function conditionMatches(c: FilterCondition, v: string | number | undefined): boolean {
  if (c !== null && typeof c === 'object' && 'exists' in c) return c.exists === (v !== undefined);
  if (v === undefined) return false;
  if (c === null) return false;
  if (typeof c === 'string') return typeof v === 'string' ? v === c : String(v) === c;
  if (typeof c === 'number') return asNumber(v) === c;
  if ('prefix' in c) return String(v).startsWith(c.prefix);
  if ('suffix' in c) return String(v).endsWith(c.suffix);
  if ('equals-ignore-case' in c) return String(v).toLowerCase() === c['equals-ignore-case'].toLowerCase();
  if ('anything-but' in c) return anythingBut(c['anything-but'], v);
  if ('numeric' in c) return numericMatch(c.numeric, v);
  return false;
}

export function matchesFilterPolicy(policy: FilterPolicy, attributes: Attributes): boolean {
  for (const [key, conditions] of Object.entries(policy)) {
    if (key === '$or') continue;
    const list = conditions as FilterCondition[];
    if (!list.some((c) => conditionMatches(c, attributes[key]))) return false;
  }
  const alternatives = policy.$or;
  if (alternatives !== undefined && !alternatives.some((p) => matchesFilterPolicy(p, attributes))) return false;
  return true;
}
