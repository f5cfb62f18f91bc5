/**
 * Splits ER7 text into located pieces for display: segments, fields, repetitions and
 * components, each with its HL7 position (`PID-3`, `PID-3.1`) and its offset in the line.
 * Display only: the lake's parser (@hcdl/hl7v2) stays the one that decides what a message
 * says; this never unescapes or validates.
 */

export interface Er7Component {
  /** 1-based component number. */
  n: number;
  text: string;
}

export interface Er7Field {
  /** HL7 field number (MSH-1 is the field separator itself, MSH-2 the encoding characters). */
  n: number;
  /** 0-based column of the field's first character in its line. */
  column: number;
  text: string;
  /** Repetitions, each a list of components (one component when the field has no `^`). */
  repetitions: Er7Component[][];
}

export interface Er7Segment {
  /** 1-based line number in the raw text. */
  line: number;
  id: string;
  text: string;
  fields: Er7Field[];
}

export interface Delimiters {
  field: string;
  component: string;
  repetition: string;
}

const DEFAULT: Delimiters = { field: '|', component: '^', repetition: '~' };

/** The delimiters an MSH line declares (MSH-1, MSH-2), the defaults otherwise. */
export function delimitersOf(text: string): Delimiters {
  const msh = /(?:^|[\r\n])(?:MSH|FHS|BHS)(.)(.)(.)?/.exec(text);
  if (msh === null) return DEFAULT;
  const [, field = '|', component = '^', repetition = '~'] = msh;
  return { field, component, repetition };
}

function componentsOf(text: string, d: Delimiters): Er7Component[] {
  return text.split(d.component).map((t, i) => ({ n: i + 1, text: t }));
}

/** One line as a segment: its id and its fields, numbered as HL7 numbers them. */
export function segmentOf(lineText: string, line: number, d: Delimiters): Er7Segment {
  const parts = lineText.split(d.field);
  const id = parts[0] ?? '';
  const header = id === 'MSH' || id === 'FHS' || id === 'BHS';
  const fields: Er7Field[] = [];
  let column = id.length + 1;
  for (let i = 1; i < parts.length; i++) {
    const text = parts[i] as string;
    // MSH-2 holds the delimiters themselves: one opaque field, never split.
    const opaque = header && i === 1;
    fields.push({
      n: header ? i + 1 : i,
      column,
      text,
      repetitions: opaque ? [[{ n: 1, text }]] : text.split(d.repetition).map((r) => componentsOf(r, d)),
    });
    column += text.length + 1;
  }
  return { line, id, text: lineText, fields };
}

/** Every non-empty line of the message as a segment (segment terminators: CR, LF or CRLF). */
export function segmentsOf(text: string): Er7Segment[] {
  const d = delimitersOf(text);
  const out: Er7Segment[] = [];
  text.split(/\r\n|\r|\n/).forEach((l, i) => {
    if (l !== '') out.push(segmentOf(l, i + 1, d));
  });
  return out;
}

/** A diagnostic's location (`PID[1]-3.1`, `MSH-9`, `PID[2]`) as segment id, repetition and field. */
export function parseLocation(location: string | undefined): { segment: string; repetition: number; field?: number; component?: number } | undefined {
  if (location === undefined) return undefined;
  const m = /^([A-Z][A-Z0-9]{2})(?:\[(\d+)\])?(?:-(\d+)(?:\[\d+\])?(?:\.(\d+))?)?/.exec(location);
  if (m === null) return undefined;
  const out: { segment: string; repetition: number; field?: number; component?: number } = { segment: m[1] as string, repetition: Number(m[2] ?? '1') };
  if (m[3] !== undefined) out.field = Number(m[3]);
  if (m[4] !== undefined) out.component = Number(m[4]);
  return out;
}

/** The line of the n-th occurrence (1-based) of a segment id; undefined when there is none. */
export function lineOfSegment(segments: readonly Er7Segment[], id: string, repetition: number): number | undefined {
  let seen = 0;
  for (const s of segments) if (s.id === id && ++seen === repetition) return s.line;
  return undefined;
}
