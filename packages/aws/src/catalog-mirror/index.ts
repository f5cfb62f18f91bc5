export * from './errors';
export * from './keys';
export * from './mirrored-catalog';
