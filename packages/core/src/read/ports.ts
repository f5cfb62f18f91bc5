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
>;

/** What the read routes need: read-only catalog methods and object reads. */
export interface QueryApiPorts {
  catalog: QueryCatalog;
  objectStore: Pick<ObjectStore, 'get' | 'head'>;
}

export interface QueryApiDeps extends QueryApiPorts {
  logger: LogPort;
}
