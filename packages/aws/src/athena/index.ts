export * from './errors';
export * from './run-query';
