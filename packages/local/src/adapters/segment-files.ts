import { closeSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import type { CheckedPut } from '@hcdl/lake';
import type { ContentFiles } from './content-files';
import { FsThreadError } from './fs-threads';
import type { SegmentPlace, SqliteObjects } from './sqlite-objects';

/** Objects written into one segment at most (a put that waits longer goes into the next). */
const MAX_ENTRIES = 1_000;
/** Bytes written into one segment at most (one object larger than that gets a segment of its own). */
const MAX_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;

/** The ending of every segment file's name (newline-delimited JSON when its objects are JSON, as the refined zone's are). */
export const SEGMENT_SUFFIX = '.ndjson';

/** The folder of a zone's segment files: `<data dir>/segments/<zone>/` (outside the zones folder, so no listing of keys sees them). */
export const segmentsDirOf = (dataDir: string, zone: string): string => path.join(dataDir, 'segments', zone);

/** The refined zone's segment files (ADR 0019): `<data dir>/segments/refined/`, read by the refined SQL views. */
export const refinedSegmentsDir = (dataDir: string): string => segmentsDirOf(dataDir, 'refined');

/** Whether a put may go into a segment: one line of a newline-delimited file, and no exclusive create (see SegmentZone). */
export const fitsSegment = (input: CheckedPut): boolean => !input.ifNoneMatch && input.body.indexOf(NEWLINE) === -1;

interface Waiting {
  input: CheckedPut;
  resolve(): void;
  reject(err: Error): void;
}

let sequence = 0;
/** Names sort in the order the process wrote them (time, then a counter): a later copy of a key is in a later name. */
function segmentName(): string {
  const time = Date.now().toString(36).padStart(9, '0');
  const seq = (sequence++ % 36 ** 6).toString(36).padStart(6, '0');
  const random = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `${time}-${seq}-${random}${SEGMENT_SUFFIX}`;
}

function syncFolder(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * A zone whose objects' bodies are lines of shared, newline-delimited segment files instead of
 * one file each (ADR 0019): the refined FHIR zone, dozens of small JSON versions per message,
 * which SQL reads as JSON lines. Puts that arrive while a segment is being written wait and go
 * together into the next one: one file, one fdatasync and one folder sync for all of them
 * instead of a temp file, a sync, a link, an unlink and a folder sync each. A segment is
 * written whole and durably before the objects' rows (segment name, offset; attributes) are
 * committed in the zone's table, so a row never points at bytes that are not on disk; a
 * segment whose rows were never committed (the process died in between) holds copies nothing
 * points at, which the next put of those keys writes again (the refined relay's retry).
 *
 * Segment files are written once and never changed. A key put again gets a new line in a
 * later segment and its row moves there; a deleted key loses its row, its old line stays.
 * Readers of the files themselves (DuckDB's refined views) therefore keep, for each object,
 * the line of the latest segment; the zone is meant for objects written once with the same
 * bytes each time (a FHIR version), which it serves best.
 */
export class SegmentZone {
  private readonly waiting: Waiting[] = [];
  private writing = false;
  private made = false;

  constructor(
    readonly prefix: string,
    readonly table: SqliteObjects,
    /** The folder of this zone's segment files (segmentsDirOf). */
    readonly dir: string,
    private readonly files: ContentFiles,
  ) {}

  /** Stores an object (fitsSegment must hold); durable, its row committed, when it resolves. */
  put(input: CheckedPut): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ input, resolve, reject });
      if (this.writing) return;
      this.writing = true;
      // The puts of the same turn (a relay writes a batch at once) join the first segment.
      setImmediate(() => void this.drain());
    });
  }

  /** The body of an object a row places in a segment; undefined when the segment file is gone. */
  async read(place: SegmentPlace, size: number): Promise<Buffer | undefined> {
    let file: Awaited<ReturnType<typeof open>>;
    try {
      file = await open(path.join(this.dir, place.segment), 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    try {
      const body = Buffer.alloc(size);
      const { bytesRead } = await file.read(body, 0, size, place.offset);
      if (bytesRead !== size) throw new Error(`segment ${place.segment} is shorter than its index says (${bytesRead} of ${size} bytes at ${place.offset})`);
      return body;
    } finally {
      await file.close();
    }
  }

  private async drain(): Promise<void> {
    try {
      while (this.waiting.length > 0) {
        const batch = this.take();
        try {
          await this.write(batch);
          for (const w of batch) w.resolve();
        } catch (err) {
          for (const w of batch) w.reject(err as Error);
        }
      }
    } finally {
      this.writing = false;
    }
  }

  private take(): Waiting[] {
    let bytes = 0;
    let n = 0;
    while (n < this.waiting.length && n < MAX_ENTRIES) {
      const size = (this.waiting[n] as Waiting).input.body.byteLength + 1;
      if (n > 0 && bytes + size > MAX_BYTES) break;
      bytes += size;
      n++;
    }
    return this.waiting.splice(0, n);
  }

  private async write(batch: readonly Waiting[]): Promise<void> {
    this.ensureFolder();
    const parts: Uint8Array[] = [];
    const offsets: number[] = [];
    let offset = 0;
    for (const w of batch) {
      offsets.push(offset);
      parts.push(w.input.body, NEWLINE_BYTE);
      offset += w.input.body.byteLength + 1;
    }
    const body = Buffer.concat(parts, offset);
    let segment = segmentName();
    for (let attempt = 0; ; attempt++) {
      try {
        await this.files.writeFile(path.join(this.dir, segment), body, true);
        break;
      } catch (err) {
        // A name another writer took at the same millisecond (another process on the folder).
        if (!(err instanceof FsThreadError && err.code === 'EEXIST') || attempt >= 3) throw err;
        segment = segmentName();
      }
    }
    await this.table.putSegment(batch.map((w, i) => ({ input: w.input, place: { segment, offset: offsets[i] as number } })));
  }

  /** The segments folder, made once, and its name made durable in its parent (a sync of the folders it adds). */
  private ensureFolder(): void {
    if (this.made) return;
    const parent = path.dirname(this.dir);
    mkdirSync(this.dir, { recursive: true });
    syncFolder(parent);
    syncFolder(path.dirname(parent));
    this.made = true;
  }
}

const NEWLINE_BYTE = new Uint8Array([NEWLINE]);
