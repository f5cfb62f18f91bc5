export * from './errors';
export * from './protocol';
export * from './remote-core-ingest';
