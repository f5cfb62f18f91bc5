import type { Catalog, LogPort, ObjectStore } from '@hcdl/lake';

/** The read-only catalog methods the routes call. */
export type QueryCatalog = Pick<
  Catalog,
  | 'getMessage'
  | 'listMessages'
  | 'listErrors'
  | 'getPatientIdByIdentifier'
  | 'listIdentifiersOfPatient'
  | 'listPatientLinks'
  | 'listPatientMerges'
  | 'getPatientMerge'
  | 'getPatientOccurrence'
  | 'listPatientOccurrences'
  | 'listPatientConflicts'
>;

/**
 * Objects too large for the transport's answer (a Lambda answer is at most 6 MB, base64) are
 * answered with a redirect to a short-lived presigned GET instead of their bytes.
 */
export interface LargeObjectRedirect {
  signer: { presignDownload(key: string, expiresSeconds: number): Promise<string> };
  /** Objects larger than this many bytes are redirected. */
  thresholdBytes: number;
  /** Validity of the presigned GET (default 300 s). */
  expiresSeconds?: number;
}

/** What the read routes need: read-only catalog methods and object reads. */
export interface QueryApiPorts {
  catalog: QueryCatalog;
  objectStore: Pick<ObjectStore, 'get' | 'head'>;
  /** Absent (the local lake): every object is answered inline. */
  largeObjects?: LargeObjectRedirect;
}

export interface QueryApiDeps extends QueryApiPorts {
  logger: LogPort;
}
