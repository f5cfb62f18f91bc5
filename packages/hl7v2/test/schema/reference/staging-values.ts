/**
 * The reference writer's field -> JSON value conversion (tests only; see staging-build.ts) (see docs/hl7v2-staging-json.md).
 * - composite datatypes give objects keyed by component/subcomponent names;
 * - primitives give strings; a primitive that was sent with components or subcomponents keeps
 *   them all, joined with the message's separators (nothing is dropped);
 * - positions the dictionary does not define get `component_<n>` / `subcomponent_<n>` keys;
 * - `""` (HL7 explicit null) gives null; empty values are omitted (undefined here).
 */
import type { DatatypeDef } from '../../../src/dictionary/types';
import type { JsonObject, JsonValue } from '../../../src/schema/staging-document';
import type { ComponentValue, LeafValue, RepetitionValue } from '../../../src/schema/view';

const COMPONENT_KEYS = Array.from({ length: 64 }, (_, i) => `component_${i + 1}`);
const SUBCOMPONENT_KEYS = Array.from({ length: 64 }, (_, i) => `subcomponent_${i + 1}`);

export function componentKey(i: number): string {
  return COMPONENT_KEYS[i] ?? `component_${i + 1}`;
}
export function subcomponentKey(i: number): string {
  return SUBCOMPONENT_KEYS[i] ?? `subcomponent_${i + 1}`;
}

function leaf(v: LeafValue): string | null | undefined {
  return v === '' ? undefined : v;
}

/** Subcomponents joined back with the separator; all-empty gives undefined. */
function joinLeaves(parts: readonly LeafValue[], sep: string): string | null | undefined {
  let any = false;
  for (const p of parts) if (p !== '') any = true;
  if (!any) return undefined;
  if (parts.length === 1) return parts[0] === null ? null : parts[0];
  return parts.map((p) => (p === null ? '""' : p)).join(sep);
}

export interface Separators {
  readonly component: string;
  readonly subcomponent: string;
}

/** A component (or a field's single component) read as a primitive. */
function primitiveComponent(c: ComponentValue, seps: Separators): string | null | undefined {
  if (typeof c === 'string' || c === null) return leaf(c);
  return joinLeaves(c, seps.subcomponent);
}

/** A component typed by `type` (a component datatype: its components are subcomponents). */
export function componentValue(c: ComponentValue, type: DatatypeDef | undefined, seps: Separators): JsonValue | undefined {
  if (type === undefined || type.kind !== 'composite') {
    if (type !== undefined || typeof c === 'string' || c === null) return primitiveComponent(c, seps);
    // Unknown position with subcomponents: keep them by position.
    const out: JsonObject = {};
    let any = false;
    for (let i = 0; i < c.length; i++) {
      const v = leaf(c[i] as LeafValue);
      if (v !== undefined) {
        out[subcomponentKey(i)] = v;
        any = true;
      }
    }
    return any ? out : undefined;
  }
  if (typeof c === 'string' || c === null) {
    const v = leaf(c);
    if (v === undefined) return undefined;
    if (v === null) return null;
    return { [type.components[0]?.key ?? subcomponentKey(0)]: v };
  }
  const out: JsonObject = {};
  let any = false;
  for (let i = 0; i < c.length; i++) {
    const v = leaf(c[i] as LeafValue);
    if (v === undefined) continue;
    out[type.components[i]?.key ?? subcomponentKey(i)] = v;
    any = true;
  }
  return any ? out : undefined;
}

/** One repetition of a field typed by `type` (undefined: not in the dictionary). */
export function repetitionValue(rep: RepetitionValue, type: DatatypeDef | undefined, seps: Separators): JsonValue | undefined {
  if (type === undefined || type.kind === 'varies') {
    if (rep.length === 1) return componentValue(rep[0] as ComponentValue, undefined, seps);
    return positionalComponents(rep, seps);
  }
  if (type.kind === 'primitive') {
    if (rep.length === 1) return primitiveComponent(rep[0] as ComponentValue, seps);
    let any = false;
    const parts: string[] = [];
    for (const c of rep) {
      const v = primitiveComponent(c, seps);
      if (v !== undefined) any = true;
      parts.push(v === undefined ? '' : v === null ? '""' : v);
    }
    return any ? parts.join(seps.component) : undefined;
  }
  if (rep.length === 1 && rep[0] === null) return null;
  const out: JsonObject = {};
  let any = false;
  const comps = type.components;
  for (let i = 0; i < rep.length; i++) {
    const def = comps[i];
    const v = componentValue(rep[i] as ComponentValue, def?.type, seps);
    if (v === undefined) continue;
    out[def?.key ?? componentKey(i)] = v;
    any = true;
  }
  return any ? out : undefined;
}

function positionalComponents(rep: RepetitionValue, seps: Separators): JsonObject | undefined {
  const out: JsonObject = {};
  let any = false;
  for (let i = 0; i < rep.length; i++) {
    const v = componentValue(rep[i] as ComponentValue, undefined, seps);
    if (v === undefined) continue;
    out[componentKey(i)] = v;
    any = true;
  }
  return any ? out : undefined;
}
