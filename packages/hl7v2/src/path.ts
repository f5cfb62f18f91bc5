import { Hl7Error } from './errors';

/** A parsed HL7 path such as `PID[1]-3[2].4.2` (all 1-based). */
export interface ValuePath {
  segment: string;
  segmentRepetition: number;
  field: number;
  repetition?: number;
  component?: number;
  subcomponent?: number;
}

const PATH = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?[-.](\d+)(?:\[(\d+)\])?(?:\.(\d+))?(?:\.(\d+))?$/;

export function parsePath(path: string): ValuePath {
  const m = PATH.exec(path);
  if (m === null) throw new Hl7Error('BAD_PATH', `not an HL7 path: expected SEG[n]-field[rep].component.subcomponent, got '${path}'`);
  const num = (s: string | undefined): number | undefined => (s === undefined ? undefined : Number(s));
  const p: ValuePath = { segment: m[1] as string, segmentRepetition: num(m[2]) ?? 1, field: Number(m[3]) };
  const rep = num(m[4]);
  const comp = num(m[5]);
  const sub = num(m[6]);
  if (rep !== undefined) p.repetition = rep;
  if (comp !== undefined) p.component = comp;
  if (sub !== undefined) p.subcomponent = sub;
  if (p.field < 1 || (p.repetition ?? 1) < 1 || (p.component ?? 1) < 1 || (p.subcomponent ?? 1) < 1 || p.segmentRepetition < 1) {
    throw new Hl7Error('BAD_PATH', `HL7 paths are 1-based: '${path}'`);
  }
  return p;
}
