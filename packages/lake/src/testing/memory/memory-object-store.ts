import { NotFoundError, ObjectAlreadyExistsError } from '../../errors';
import { BaseObjectStore, type CheckedPut } from '../../ports/base-object-store';
import type { CopyObjectInput, ObjectInfo, StoredObject } from '../../ports/object-store';

interface Entry {
  body: Uint8Array;
  contentType?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
  lastModified: Date;
}

/** One call the store served (tests count what a use-case costs). */
export type ObjectStoreCall = 'put' | 'get' | 'head' | 'getTags' | 'copy' | 'list' | 'delete';

/**
 * ObjectStore in memory, on the port's base class (so with the same rules as the folder and
 * S3 adapters: the object store contract runs against it). For tests of the use-cases; it
 * counts its calls by kind.
 */
export class MemoryObjectStore extends BaseObjectStore {
  readonly objects = new Map<string, Entry>();
  readonly calls: Record<ObjectStoreCall, number> = { put: 0, get: 0, head: 0, getTags: 0, copy: 0, list: 0, delete: 0 };

  protected async _put(input: CheckedPut): Promise<void> {
    this.calls.put++;
    if (input.ifNoneMatch && this.objects.has(input.key)) throw new ObjectAlreadyExistsError(input.key);
    const entry: Entry = { body: Uint8Array.from(input.body), metadata: { ...input.metadata }, tags: { ...input.tags }, lastModified: new Date() };
    if (input.contentType !== undefined) entry.contentType = input.contentType;
    this.objects.set(input.key, entry);
  }

  protected async _copy(input: CopyObjectInput): Promise<void> {
    this.calls.copy++;
    const from = this.objects.get(input.from);
    if (from === undefined) throw new NotFoundError(`object to copy not found: ${input.from}`);
    if (input.ifNoneMatch === true && this.objects.has(input.to)) throw new ObjectAlreadyExistsError(input.to);
    const entry: Entry = { body: Uint8Array.from(from.body), metadata: { ...from.metadata }, tags: { ...(input.tags ?? {}) }, lastModified: new Date() };
    const contentType = input.contentType ?? from.contentType;
    if (contentType !== undefined) entry.contentType = contentType;
    this.objects.set(input.to, entry);
  }

  private info(key: string, e: Entry): ObjectInfo {
    const info: ObjectInfo = { key, size: e.body.byteLength, metadata: { ...e.metadata }, lastModified: e.lastModified };
    if (e.contentType !== undefined) info.contentType = e.contentType;
    return info;
  }

  protected async _get(key: string): Promise<StoredObject | undefined> {
    this.calls.get++;
    const e = this.objects.get(key);
    return e === undefined ? undefined : { ...this.info(key, e), body: Uint8Array.from(e.body) };
  }

  protected async _head(key: string): Promise<ObjectInfo | undefined> {
    this.calls.head++;
    const e = this.objects.get(key);
    return e === undefined ? undefined : this.info(key, e);
  }

  protected async _getTags(key: string): Promise<Record<string, string> | undefined> {
    this.calls.getTags++;
    const e = this.objects.get(key);
    return e === undefined ? undefined : { ...e.tags };
  }

  protected async *_list(prefix: string, startAfter: string | undefined): AsyncIterable<string> {
    this.calls.list++;
    const after = startAfter === undefined ? undefined : Buffer.from(startAfter, 'utf8');
    const keys = [...this.objects.keys()]
      .filter((k) => k.startsWith(prefix))
      .map((k) => ({ k, bytes: Buffer.from(k, 'utf8') }))
      .filter((x) => after === undefined || Buffer.compare(x.bytes, after) > 0)
      .sort((a, b) => Buffer.compare(a.bytes, b.bytes));
    for (const { k } of keys) yield k;
  }

  protected async _delete(key: string): Promise<void> {
    this.calls.delete++;
    this.objects.delete(key);
  }
}
