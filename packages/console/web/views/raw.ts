/**
 * The raw ER7 with segments, fields and components marked: hovering or focusing a field names
 * it from the dictionary (a tooltip and the field-info line), and diagnostics mark the place
 * they locate.
 */
import { componentLabel, fieldLabel } from '../dictionary';
import { h } from '../dom';
import { type Er7Segment, lineOfSegment, parseLocation, segmentsOf } from '../er7';
import type { Diagnostic, DictionaryNames } from '../types';

export interface RawView {
  element: HTMLElement;
  /** The element a diagnostic points at (a field, else its line); undefined when it cannot be placed. */
  locate(d: Diagnostic): HTMLElement | undefined;
}

function fieldElement(
  seg: Er7Segment,
  f: Er7Segment['fields'][number],
  names: DictionaryNames | undefined,
  d: { component: string; repetition: string },
): HTMLElement {
  const label = fieldLabel(names, seg.id, f.n);
  const el = h('span', { class: 'fld', 'data-loc': `${seg.id}-${f.n}`, title: label });
  f.repetitions.forEach((rep, r) => {
    if (r > 0) el.append(h('span', { class: 'sep' }, d.repetition));
    if (rep.length === 1) {
      el.append((rep[0] as { text: string }).text);
      return;
    }
    rep.forEach((c, i) => {
      if (i > 0) el.append(h('span', { class: 'sep' }, d.component));
      if (c.text !== '') el.append(h('span', { class: 'cmp', 'data-loc': `${seg.id}-${f.n}.${c.n}`, title: componentLabel(names, seg.id, f.n, c.n) }, c.text));
    });
  });
  return el;
}

export function rawView(text: string, names: DictionaryNames | undefined, diagnostics: readonly Diagnostic[]): RawView {
  const segments = segmentsOf(text);
  const first = segments[0]?.text ?? '';
  const d = {
    field: first.startsWith('MSH') ? first.charAt(3) || '|' : '|',
    component: first.startsWith('MSH') ? first.charAt(4) || '^' : '^',
    repetition: first.startsWith('MSH') ? first.charAt(5) || '~' : '~',
  };
  const info = h('p', { id: 'field-info', class: 'field-info', 'aria-live': 'polite' }, 'Point at or focus a field to see its name.');
  const lines = new Map<number, HTMLElement>();
  const pre = h('pre', { id: 'raw', class: 'er7', tabindex: 0, 'aria-label': 'Raw message, one segment per line', 'aria-describedby': 'field-info' });
  for (const seg of segments) {
    const line = h('span', { class: 'seg', 'data-line': seg.line }, h('span', { class: 'segid', title: `${seg.id} segment, line ${seg.line}` }, seg.id));
    for (const f of seg.fields) {
      // MSH-1 is the separator itself: the first separator is MSH-1, every other one only separates.
      line.append(h('span', { class: 'sep' }, d.field));
      line.append(fieldElement(seg, f, names, d));
    }
    lines.set(seg.line, line);
    pre.append(line, '\n');
  }
  const show = (e: Event): void => {
    const target = (e.target as HTMLElement).closest<HTMLElement>('.cmp, .fld, .segid');
    if (target !== null && target.title !== '') info.textContent = target.title;
  };
  pre.addEventListener('mouseover', show);
  pre.addEventListener('focusin', show);

  const locate = (diag: Diagnostic): HTMLElement | undefined => {
    const at = parseLocation(diag.location);
    const lineNo = diag.line ?? (at !== undefined ? lineOfSegment(segments, at.segment, at.repetition) : undefined);
    const line = lineNo !== undefined ? lines.get(lineNo) : undefined;
    if (line === undefined) return undefined;
    if (at?.field !== undefined) {
      const field = line.querySelector<HTMLElement>(`.fld[data-loc="${at.segment}-${at.field}"]`);
      if (field !== null) return field;
    }
    return line;
  };
  for (const diag of diagnostics) {
    const el = locate(diag);
    if (el === undefined) continue;
    el.classList.add(diag.severity === 'error' ? 'diag-error' : 'diag-warning');
    el.title = `${el.title}${el.title !== '' ? ' · ' : ''}${diag.code}: ${diag.message}`;
  }
  return { element: h('div', { class: 'raw-view' }, pre, info), locate };
}
