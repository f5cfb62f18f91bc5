/**
 * ObjectStore port: the zones (raw, staging, error, refined) live behind it.
 * Local adapter: a folder; AWS adapter: S3. Adapters do I/O only; key layout and
 * policy live in the domain (see ../zones.ts).
 */
export interface PutObjectInput {
  key: string;
  body: Uint8Array | string;
  contentType?: string;
  /** Small string attributes kept beside the object (S3 user metadata). */
  metadata?: Record<string, string>;
  /** Object tags (S3 tagging), e.g. `data_src` = raw key on staging objects. */
  tags?: Record<string, string>;
  /** When true the put fails with ObjectAlreadyExistsError if the key exists. */
  ifNoneMatch?: boolean;
}

export interface ObjectInfo {
  key: string;
  size: number;
  contentType?: string;
  metadata: Record<string, string>;
  tags: Record<string, string>;
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

export interface ObjectStore {
  /** Durable when the promise resolves (fsync locally, S3 PUT acknowledged in the cloud). */
  put(input: PutObjectInput): Promise<void>;
  get(key: string): Promise<StoredObject | undefined>;
  head(key: string): Promise<ObjectInfo | undefined>;
  /** Keys under a prefix in lexicographic order. */
  list(prefix: string, options?: ListOptions): AsyncIterable<string>;
  delete(key: string): Promise<void>;
}
