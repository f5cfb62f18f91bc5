export * from './records';
export * from './identifiers';
export * from './resolve';
export * from './facts';
export * from './index-message';
