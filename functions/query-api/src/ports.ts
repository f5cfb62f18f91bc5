import type { Catalog, ObjectStore } from '@hcdl/lake';

/** The logging the read routes need (Powertools Logger satisfies it). Never pass content. */
export interface QueryLogPort {
  debug(message: string, ...extra: Record<string, unknown>[]): void;
  info(message: string, ...extra: Record<string, unknown>[]): void;
  warn(message: string, ...extra: Record<string, unknown>[]): void;
  error(message: string, ...extra: Record<string, unknown>[]): void;
}

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
>;

/** What the read routes need: read-only catalog methods and object reads. */
export interface QueryApiPorts {
  catalog: QueryCatalog;
  objectStore: Pick<ObjectStore, 'get' | 'head'>;
}

export interface QueryApiDeps extends QueryApiPorts {
  logger: QueryLogPort;
}
