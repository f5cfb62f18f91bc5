/** Reading decoded values out of the structural message: empty and `""` both read as absent. */
import type { V2Component, V2Repetition, V2Segment } from './v2';

/** A leaf's text without surrounding blanks, or undefined when empty; trims only when needed. */
function text(v: string | null | undefined): string | undefined {
  if (v === null || v === undefined || v.length === 0) return undefined;
  const first = v.charCodeAt(0);
  const last = v.charCodeAt(v.length - 1);
  if (first > 32 && last > 32) return v;
  const t = v.trim();
  return t === '' ? undefined : t;
}

const blank = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 32) return false;
  return true;
};

/** Component n (1-based) of a repetition, its first subcomponent when it has several. */
export function comp(rep: V2Repetition | undefined, n: number): string | undefined {
  const c: V2Component | undefined = rep?.[n - 1];
  if (c === undefined) return undefined;
  if (c === null || typeof c === 'string') return text(c);
  return text(c[0]);
}

/** Subcomponent s of component n. */
export function sub(rep: V2Repetition | undefined, n: number, s: number): string | undefined {
  const c: V2Component | undefined = rep?.[n - 1];
  if (c === undefined) return undefined;
  if (c === null || typeof c === 'string') return s === 1 ? text(c) : undefined;
  return text(c[s - 1]);
}

/** Component n read as a repetition of its own (its subcomponents as components). */
export function asRep(rep: V2Repetition | undefined, n: number): V2Repetition | undefined {
  const c: V2Component | undefined = rep?.[n - 1];
  if (c === undefined || c === null) return undefined;
  return typeof c === 'string' ? [c] : c;
}

/** True when some component of the repetition holds a value. */
export function hasValue(rep: V2Repetition | undefined): boolean {
  if (rep === undefined) return false;
  for (let i = 0; i < rep.length; i++) {
    const c = rep[i];
    if (typeof c === 'string') {
      if (!blank(c)) return true;
    } else if (c !== null && c !== undefined) {
      for (let j = 0; j < c.length; j++) {
        const s = c[j];
        if (typeof s === 'string' && !blank(s)) return true;
      }
    }
  }
  return false;
}

/** Every repetition of field f that holds a value. */
export function reps(seg: V2Segment, f: number): V2Repetition[] {
  const field = seg.fields[f];
  if (field === undefined) return [];
  if (field.length === 1) return hasValue(field[0]) ? [field[0] as V2Repetition] : [];
  return field.filter(hasValue);
}

/** The first repetition of field f that holds a value. */
export function rep1(seg: V2Segment, f: number): V2Repetition | undefined {
  const field = seg.fields[f];
  if (field === undefined) return undefined;
  for (let i = 0; i < field.length; i++) if (hasValue(field[i])) return field[i];
  return undefined;
}

/** Field f, repetition 1, component c, subcomponent s. */
export function val(seg: V2Segment, f: number, c = 1, s = 1): string | undefined {
  return sub(seg.fields[f]?.[0], c, s);
}

/** True when field f holds a value in some repetition. */
export function present(seg: V2Segment, f: number): boolean {
  return rep1(seg, f) !== undefined;
}
