export * from './adapters/folder-object-store';
export * from './adapters/sqlite-catalog';
export * from './adapters/in-process-hub';
export * from './adapters/sqlite-persistence-layer';
export * from './adapters/local-adapters';
