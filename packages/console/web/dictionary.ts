/** The hover names: one dictionary version's field and component names, fetched once per version. */
import type { DictionaryNames } from './types';

const loaded = new Map<string, Promise<DictionaryNames | undefined>>();

/** Versions the console ships names for (written by the build beside the bundle), oldest first. */
async function versions(): Promise<string[]> {
  const res = await fetch('dictionary/index.json');
  return res.ok ? ((await res.json()) as string[]) : [];
}

const numeric = (v: string): number[] => v.split('.').map((p) => Number.parseInt(p, 10) || 0);
const compare = (a: string, b: string): number => {
  const [x, y] = [numeric(a), numeric(b)];
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
  return 0;
};

/** The version whose names label a message of MSH-12 `sent`: the same, else the newest older one, else 2.5 (as the lake's parser picks). */
export function pickVersion(available: readonly string[], sent: string | undefined): string | undefined {
  const clean = sent
    ?.split(/[\^&~]/)[0]
    ?.trim()
    .replace(/^v/i, '');
  if (clean !== undefined && available.includes(clean)) return clean;
  const older = clean !== undefined && /^2\.\d/.test(clean) ? available.filter((v) => compare(v, clean) <= 0).pop() : undefined;
  return older ?? (available.includes('2.5') ? '2.5' : available[available.length - 1]);
}

export function namesFor(sent: string | undefined): Promise<DictionaryNames | undefined> {
  const key = sent ?? '';
  let p = loaded.get(key);
  if (p === undefined) {
    p = versions().then(async (list) => {
      const v = pickVersion(list, sent);
      if (v === undefined) return undefined;
      const res = await fetch(`dictionary/${v}.json`);
      return res.ok ? ((await res.json()) as DictionaryNames) : undefined;
    });
    loaded.set(key, p);
  }
  return p;
}

const words = (name: string): string => name.replace(/_/g, ' ');

/** `PID-3 patient identifier list (CX)`; the name part is left out when the dictionary has none. */
export function fieldLabel(names: DictionaryNames | undefined, segment: string, field: number): string {
  const def = names?.segments[segment]?.[field - 1];
  return def ? `${segment}-${field} ${words(def[0])}${def[1] !== '' ? ` (${def[1]})` : ''}` : `${segment}-${field}`;
}

/** `PID-3.1 id number (ST)`, named through the field's datatype. */
export function componentLabel(names: DictionaryNames | undefined, segment: string, field: number, component: number): string {
  const type = names?.segments[segment]?.[field - 1]?.[1];
  const def = type !== undefined ? names?.datatypes[type]?.[component - 1] : undefined;
  return def ? `${segment}-${field}.${component} ${words(def[0])}${def[1] !== '' ? ` (${def[1]})` : ''}` : `${segment}-${field}.${component}`;
}
