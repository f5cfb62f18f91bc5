/**
 * Rows of the long `fields` view from staging JSON documents: every value with its HL7
 * position (visitStagingLeaves of @hcdl/hl7v2), appended to a DuckDB table. Compaction writes
 * them to Parquet once; a query only walks the documents staged since (or every document of
 * a lake never compacted, and only when the SQL names `fields`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { DuckDBDataChunk, INTEGER, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { visitStagingLeaves } from '@hcdl/hl7v2';
import { QueryError } from './errors';
import { ident, zonesDir } from './paths';

/** A staging document and its partitions. */
export interface StagingFile {
  file: string;
  messageId: string;
  source: string;
  type: string;
  dt: string;
}

const ID_FILE = /^[0-9A-Za-z]{26}\.json$/;

const dirs = (dir: string, prefix: string): string[] => {
  try {
    return readdirSync(dir).filter((d) => d.startsWith(prefix));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
};

/** Every staging document in the zone (the files stagingJsonGlob matches), by walking the folders. */
export function listStagingFiles(dataDir: string): StagingFile[] {
  const root = path.join(zonesDir(dataDir), 'staging');
  const out: StagingFile[] = [];
  for (const s of dirs(root, 'source=')) {
    const json = path.join(root, s, 'protocol=hl7v2', 'format=json');
    for (const t of dirs(json, 'type=')) {
      for (const d of dirs(path.join(json, t), 'dt=')) {
        const dir = path.join(json, t, d);
        for (const f of dirs(dir, '')) {
          if (ID_FILE.test(f)) out.push({ file: path.join(dir, f), messageId: f.slice(0, 26), source: s.slice(7), type: t.slice(5), dt: d.slice(3) });
        }
      }
    }
  }
  return out;
}

/** Rows per data chunk appended (DuckDB's vector size). */
const CHUNK = 2048;

/** Interns strings as small integers (names and segment ids repeat on every document). */
class Codes {
  readonly values: string[] = [];
  private readonly index = new Map<string, number>();
  code(s: string): number {
    let c = this.index.get(s);
    if (c === undefined) {
      c = this.values.length;
      this.index.set(s, c);
      this.values.push(s);
    }
    return c;
  }
}

/** The coded rows: every text but the value is a number, so a chunk is written column by column. */
const CODED = [
  ['doc', INTEGER],
  ['seg', INTEGER],
  ['seq', INTEGER],
  ['field', INTEGER],
  ['rep', INTEGER],
  ['component', INTEGER],
  ['sub', INTEGER],
  ['value', VARCHAR],
  ['name', INTEGER],
] as const;

async function appendStrings(con: DuckDBConnection, table: string, rows: readonly (readonly string[])[]): Promise<void> {
  const app = await con.createAppender(table);
  try {
    for (const row of rows) {
      row.forEach((v, i) => (i === 0 ? app.appendInteger(Number(v)) : app.appendVarchar(v)));
      app.endRow();
    }
    app.flushSync();
  } finally {
    app.closeSync();
  }
}

/**
 * Creates `table` holding the rows of every document: message_id, source, type, dt (text),
 * then the leaf columns (STAGING_LEAF_COLUMNS of @hcdl/hl7v2). The rows are
 * appended in data chunks with every text but the value interned as a number (appending
 * value by value and row by row cost about 20 µs a row: 300 rows a message), then joined back
 * to their texts in one statement. A document that is gone (a race with a purge) is skipped;
 * one that is not JSON fails the load. `keys`, when given, receives every top-level key of
 * the documents. Returns the rows.
 */
export async function loadFields(con: DuckDBConnection, table: string, files: Iterable<StagingFile>, keys?: Set<string>): Promise<number> {
  const coded = `${table}_coded`;
  await con.run(`CREATE TABLE ${ident(coded)} (${CODED.map(([c, t]) => `${ident(c)} ${t.toString()}`).join(', ')})`);
  const docs: string[][] = [];
  const segments = new Codes();
  const names = new Codes();
  const columns: unknown[][] = CODED.map(() => []);
  let n = 0;
  let rows = 0;
  const app = await con.createAppender(coded);
  const flush = (): void => {
    if (n === 0) return;
    const chunk = DuckDBDataChunk.create(
      CODED.map(([, t]) => t),
      n,
    );
    columns.forEach((values, i) => {
      chunk.setColumnValues(i, values as never[]);
      values.length = 0;
    });
    app.appendDataChunk(chunk);
    rows += n;
    n = 0;
  };
  try {
    for (const f of files) {
      let text: string;
      try {
        text = readFileSync(f.file, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
        throw err;
      }
      let doc: unknown;
      try {
        doc = JSON.parse(text);
      } catch (err) {
        throw new QueryError(`staging document of message ${f.messageId} is not JSON`, { cause: err });
      }
      // Compaction collects the documents' top-level keys on the way (the staging columns).
      if (keys !== undefined && typeof doc === 'object' && doc !== null) for (const k of Object.keys(doc)) keys.add(k);
      const d = docs.length;
      docs.push([String(d), f.messageId, f.source, f.type, f.dt]);
      const [cDoc, cSeg, cSeq, cField, cRep, cComp, cSub, cValue, cName] = columns as [
        number[],
        number[],
        number[],
        unknown[],
        number[],
        unknown[],
        unknown[],
        unknown[],
        number[],
      ];
      visitStagingLeaves(doc, (segment, seq, field, rep, component, sub, value, name) => {
        cDoc.push(d);
        cSeg.push(segments.code(segment));
        cSeq.push(seq);
        cField.push(field);
        cRep.push(rep);
        cComp.push(component);
        cSub.push(sub);
        cValue.push(value);
        cName.push(names.code(name));
        if (++n === CHUNK) flush();
      });
    }
    flush();
    app.flushSync();
  } finally {
    app.closeSync();
  }
  const docsTable = `${table}_docs`;
  const segTable = `${table}_segments`;
  const nameTable = `${table}_names`;
  await con.run(`CREATE TABLE ${ident(docsTable)} (doc INTEGER, message_id VARCHAR, source VARCHAR, "type" VARCHAR, dt VARCHAR)`);
  await con.run(`CREATE TABLE ${ident(segTable)} (seg INTEGER, segment VARCHAR)`);
  await con.run(`CREATE TABLE ${ident(nameTable)} (name INTEGER, text VARCHAR)`);
  await appendStrings(con, docsTable, docs);
  await appendStrings(
    con,
    segTable,
    segments.values.map((v, i) => [String(i), v]),
  );
  await appendStrings(
    con,
    nameTable,
    names.values.map((v, i) => [String(i), v]),
  );
  await con.run(
    `CREATE TABLE ${ident(table)} AS SELECT d.message_id, d.source, d."type", d.dt, s.segment, c.seq, c.field, c.rep, c.component, c.sub, c.value, n.text AS name ` +
      `FROM ${ident(coded)} c JOIN ${ident(docsTable)} d USING (doc) JOIN ${ident(segTable)} s USING (seg) JOIN ${ident(nameTable)} n USING (name)`,
  );
  for (const t of [coded, docsTable, segTable, nameTable]) await con.run(`DROP TABLE ${ident(t)}`);
  return rows;
}
