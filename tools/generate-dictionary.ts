/**
 * Generates the compact HL7 v2 dictionary that @hcdl/hl7v2 ships
 * (packages/hl7v2/src/dictionary/generated/) from the hl7apy-derived JSON files in
 * ../shared/hl7v2-dictionary (v2_*.json, see that folder's README for the source format).
 *
 * Usage: npx tsx tools/generate-dictionary.ts [sourceDir]
 *   sourceDir defaults to $HL7V2_DICTIONARY_DIR, else ../shared/hl7v2-dictionary relative
 *   to the repository root. Also wired as `pnpm --filter @hcdl/hl7v2 generate:dictionary`.
 *
 * Output (all generated, committed):
 *   pool.ts        one JSON string: the distinct field lists, component lists, message
 *                  structures and table value lists of all versions (consecutive versions
 *                  share most of them, so each is stored once)
 *   v2_X_Y.ts      one JSON string per version: element id -> pool index
 *   versions.ts    the static map version -> data (esbuild bundles it; decoding is lazy)
 *   LICENSE-hl7apy.txt  the MIT licence of the source data, copied verbatim
 * The encoding is documented in packages/hl7v2/src/dictionary/format.ts.
 *
 * One correction is made to the source data (see renameClashingComponents): components of a
 * data type that share a name take the names HL7 gave them later (ED-3 in 2.3-2.4).
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

interface SourceElement {
  seq: number;
  id: string;
  name: string;
  datatype?: string;
  min: number;
  max: number;
  table?: string;
  hl7apy_leaf?: boolean;
}
interface SourceNode {
  segment?: string;
  group?: string;
  name?: string;
  kind?: 'sequence' | 'choice';
  min: number;
  max: number;
  children?: SourceNode[];
}
interface SourceDictionary {
  version: string;
  hl7apy_base_datatypes: string[];
  segments: Record<string, { kind?: string; fields: SourceElement[] }>;
  datatypes: Record<string, { components?: SourceElement[]; primitive?: boolean; varies?: boolean }>;
  messages: Record<string, { structure: SourceNode[] }>;
  tables?: Record<string, { description?: string; values: string[] | string }>;
}

/** [seq, name, datatype, min, max, table?, leaf?] - see src/dictionary/format.ts */
type EncodedElement = (string | number)[];
/** "SEG:min:max" for a segment, or the pool index of a group [id, choice, min, max, children]. */
type NodeRef = string | number;
type EncodedGroup = [string, number, number, number, NodeRef[]];

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sourceDir = resolve(repoRoot, process.argv[2] ?? process.env['HL7V2_DICTIONARY_DIR'] ?? '../shared/hl7v2-dictionary');
const outDir = join(repoRoot, 'packages/hl7v2/src/dictionary/generated');

function encodeElement(e: SourceElement): EncodedElement {
  const out: EncodedElement = [e.seq, e.name, e.datatype ?? '', e.min, e.max];
  if (e.table !== undefined || e.hl7apy_leaf) out.push(e.table ?? '');
  if (e.hl7apy_leaf) out.push(1);
  return out;
}

/** Segment node -> "ID:min:max"; group node -> pool index of [id, choice ? 1 : 0, min, max, children]. */
function encodeNode(n: SourceNode, groups: Pool<EncodedGroup>): NodeRef {
  if (n.segment !== undefined) return `${n.segment}:${n.min}:${n.max}`;
  if (!n.children || n.group === undefined) throw new Error(`malformed structure node ${JSON.stringify(n)}`);
  const children = n.children.map((c) => encodeNode(c, groups));
  return groups.add([n.group, n.kind === 'choice' ? 1 : 0, n.min, n.max, children]);
}

class Pool<T> {
  readonly items: T[] = [];
  private readonly index = new Map<string, number>();
  add(item: T): number {
    const key = JSON.stringify(item);
    let i = this.index.get(key);
    if (i === undefined) {
      i = this.items.length;
      this.items.push(item);
      this.index.set(key, i);
    }
    return i;
  }
}

/** The name a key is made of (packages/hl7v2/src/dictionary/keys.ts: cleanName). */
const cleaned = (name: string): string =>
  name
    .replace(/\s{2,}/g, '')
    .replace(/\s/g, '_')
    .replace(/[^a-z0-9_]/g, '_');

/** Non-empty cleaned names that two or more of the elements share. */
function clashes(elements: readonly SourceElement[]): Set<string> {
  const seen = new Set<string>();
  const out = new Set<string>();
  for (const e of elements) {
    const n = cleaned(e.name);
    if (n === '') continue;
    if (seen.has(n)) out.add(n);
    seen.add(n);
  }
  return out;
}

/**
 * hl7apy's data names two components of one data type alike in some versions: ED-3 and ED-5
 * are both 'data' in 2.3, 2.3.1 and 2.4, where HL7 names ED-3 'data subtype' (as hl7apy does
 * from 2.5 on). The staging key of a clash goes to the first component that may be valued, so
 * ED's subtype would take `data` and the payload `data_5`. Each component caught in such a
 * clash takes the name its id has in the nearest later version where the type's components
 * have distinct names; a clash no later version resolves is left to keys.ts. Returns what was
 * renamed, for the log.
 */
function renameClashingComponents(sources: readonly SourceDictionary[]): string[] {
  const log: string[] = [];
  sources.forEach((src, v) => {
    for (const [id, dt] of Object.entries(src.datatypes)) {
      const components = dt.components;
      if (components === undefined) continue;
      const names = clashes(components);
      if (names.size === 0) continue;
      const later = sources.slice(v + 1).find((s) => {
        const c = s.datatypes[id]?.components;
        return c !== undefined && clashes(c).size === 0;
      });
      if (later === undefined) continue;
      const byId = new Map((later.datatypes[id]?.components ?? []).map((c) => [c.id, c.name]));
      for (const c of components) {
        const name = byId.get(c.id);
        if (!names.has(cleaned(c.name)) || name === undefined || name === c.name) continue;
        log.push(`${src.version} ${c.id}: ${c.name} -> ${name} (as in ${later.version})`);
        c.name = name;
      }
      if (clashes(components).size > 0) throw new Error(`${src.version} ${id}: component names still clash after renaming`);
    }
  });
  return log;
}

function versionKey(version: string): string {
  return `v${version.replace(/\./g, '_')}`;
}

function main(): void {
  if (!existsSync(sourceDir)) throw new Error(`dictionary source folder not found: ${sourceDir}`);
  const files = readdirSync(sourceDir)
    .filter((f) => /^v2_[0-9_]+\.json$/.test(f))
    .sort((a, b) => compareVersions(fileVersion(a), fileVersion(b)));
  if (files.length === 0) throw new Error(`no v2_*.json files in ${sourceDir}`);

  const elements = new Pool<EncodedElement>();
  const lists = new Pool<number[]>();
  const groups = new Pool<EncodedGroup>();
  const structures = new Pool<NodeRef[]>();
  const tables = new Pool<string[]>();
  const versionModules: { version: string; key: string }[] = [];

  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });

  const sources = files.map((file) => JSON.parse(readFileSync(join(sourceDir, file), 'utf8')) as SourceDictionary);
  for (const line of renameClashingComponents(sources)) console.log(`renamed ${line}`);
  for (const src of sources) {
    const segments: Record<string, number> = {};
    for (const [id, seg] of Object.entries(src.segments)) {
      if (seg.kind === 'choice') continue; // ANYHL7SEGMENT pseudo-segment: structures keep the name
      segments[id] = lists.add(seg.fields.map((f) => elements.add(encodeElement(f))));
    }
    const datatypes: Record<string, number | 'p' | 'v'> = {};
    for (const [id, dt] of Object.entries(src.datatypes)) {
      datatypes[id] = dt.components ? lists.add(dt.components.map((c) => elements.add(encodeElement(c)))) : dt.varies ? 'v' : 'p';
    }
    const messages: Record<string, number> = {};
    for (const [id, msg] of Object.entries(src.messages)) messages[id] = structures.add(msg.structure.map((n) => encodeNode(n, groups)));
    const tableIndex: Record<string, number> = {};
    for (const [id, t] of Object.entries(src.tables ?? {})) {
      tableIndex[id] = tables.add(Array.isArray(t.values) ? t.values : [t.values]);
    }
    const data = { version: src.version, s: segments, d: datatypes, m: messages, t: tableIndex };
    const key = versionKey(src.version);
    writeModule(`${key}.ts`, key.toUpperCase(), data, `HL7 v${src.version}: element id -> pool index`);
    versionModules.push({ version: src.version, key });
  }

  writeModule(
    'pool.ts',
    'POOL',
    { e: elements.items, l: lists.items, g: groups.items, m: structures.items, t: tables.items },
    'distinct elements (e), element lists (l), groups (g), message structures (m), table values (t)',
  );

  const imports = versionModules.map((v) => `import { ${v.key.toUpperCase()} } from './${v.key}';`).join('\n');
  const entries = versionModules.map((v) => `  '${v.version}': ${v.key.toUpperCase()},`).join('\n');
  writeFileSync(
    join(outDir, 'versions.ts'),
    `${header('static map of the dictionary versions')}${imports}\n\n` +
      `/** Dictionary versions, oldest first; values are JSON text decoded on first use. */\n` +
      `export const DICTIONARY_DATA = {\n${entries}\n} as const;\n\n` +
      `export type DictionaryVersion = keyof typeof DICTIONARY_DATA;\n`,
  );
  writeFileSync(join(outDir, 'LICENSE-hl7apy.txt'), readFileSync(join(sourceDir, 'LICENSE-hl7apy.txt')));
  let total = 0;
  for (const f of readdirSync(outDir)) total += readFileSync(join(outDir, f)).length;
  console.log(`generated ${versionModules.length} versions into ${outDir} (${total} bytes)`);
}

function header(what: string): string {
  return `// GENERATED by tools/generate-dictionary.ts from hl7apy's data (MIT, see LICENSE-hl7apy.txt).\n` + `// Do not edit: ${what}.\n\n`;
}

function writeModule(file: string, constName: string, data: unknown, what: string): void {
  // JSON text inside a single-quoted string literal (no escaped double quotes): cheap to
  // load, JSON.parse'd only when first needed.
  const json = JSON.stringify(data)
    .replace(/[\\']/g, (c) => `\\${c}`)
    .replace(/[\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
  const text = `${header(what)}export const ${constName} = '${json}';\n`;
  writeFileSync(join(outDir, file), text);
}

function fileVersion(file: string): string {
  return file
    .replace(/^v/, '')
    .replace(/\.json$/, '')
    .replace(/_/g, '.');
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

main();
