export * from './records';
export * from './identifiers';
export * from './resolve';
export * from './index-message';
