/**
 * ObjectStore port: the zones (raw, staging, error, refined) live behind it.
 * Local adapter: a folder; AWS adapter: S3. Both extend BaseObjectStore (./base-object-store.ts),
 * which holds the rules (keys, tags, metadata, listing bounds), so the adapters do I/O only
 * and accept exactly the same inputs. Key layout and policy live in the domain (../zones.ts).
 */
export interface PutObjectInput {
  key: string;
  body: Uint8Array | string;
  contentType?: string;
  /** Small string attributes kept beside the object (S3 user metadata): lower-case names. */
  metadata?: Record<string, string>;
  /** Object tags (S3 tagging), e.g. `data_src` = raw key on staging objects; at most 10. */
  tags?: Record<string, string>;
  /** When true the put fails with ObjectAlreadyExistsError if the key exists. */
  ifNoneMatch?: boolean;
}

export interface ObjectInfo {
  key: string;
  size: number;
  contentType?: string;
  metadata: Record<string, string>;
  lastModified: Date;
}

export interface StoredObject extends ObjectInfo {
  body: Uint8Array;
}

export interface ListOptions {
  /** Only keys strictly after this one (lexicographic), for paging. */
  startAfter?: string;
  limit?: number;
}

export interface CopyObjectInput {
  from: string;
  to: string;
  /** Content type of the copy (default: the source's). */
  contentType?: string;
  /** Tags of the copy (the source's tags are not copied). */
  tags?: Record<string, string>;
  /** When true the copy fails with ObjectAlreadyExistsError if `to` exists. */
  ifNoneMatch?: boolean;
}

export interface ObjectStore {
  /** Durable when the promise resolves (fsync locally, S3 PUT acknowledged in the cloud). */
  put(input: PutObjectInput): Promise<void>;
  /** The object with its content type and metadata (tags are read apart: getTags). */
  get(key: string): Promise<StoredObject | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** The object's tags, or undefined when there is no such object. */
  getTags(key: string): Promise<Record<string, string> | undefined>;
  /**
   * Copies an object inside the store without reading it into the caller (S3 CopyObject);
   * durable when it resolves. Throws NotFoundError when `from` does not exist.
   */
  copy(input: CopyObjectInput): Promise<void>;
  /** Keys under a prefix in lexicographic (UTF-8 byte) order. */
  list(prefix: string, options?: ListOptions): AsyncIterable<string>;
  delete(key: string): Promise<void>;
}
