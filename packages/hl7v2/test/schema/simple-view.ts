// Test helper: a minimal ER7 -> MessageView split (no escapes), to unit-test the schema
// layer independently of the parser. Corpus tests use the real parser.
import type { ComponentValue, FieldValue, MessageView, SegmentView } from '../../src/schema/view';

const leaf = (s: string): string | null => (s === '""' ? null : s);

export function simpleView(er7: string): MessageView {
  const lines = er7.split(/\r\n|\r|\n/).filter((l) => l !== '');
  const segments: SegmentView[] = lines.map((line, i) => {
    const id = line.slice(0, 3);
    const parts = line.split('|');
    const fields: (FieldValue | undefined)[] = [undefined];
    let raw = parts.slice(1);
    if (id === 'MSH') {
      fields.push([['|']], [[parts[1] ?? '']]);
      raw = parts.slice(2);
    }
    for (const f of raw) {
      fields.push(f.split('~').map((rep) => rep.split('^').map((c): ComponentValue => (c.includes('&') ? c.split('&').map(leaf) : leaf(c)))));
    }
    return { id, line: i + 1, fields };
  });
  return { segments, componentSeparator: '^', subcomponentSeparator: '&' };
}
