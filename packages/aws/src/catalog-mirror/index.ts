export * from './errors';
export * from './keys';
export * from './mirrored-catalog';
export * from './mirror-writer';
export * from './backfill';
