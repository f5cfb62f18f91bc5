export * from './object-store';
export * from './catalog';
export * from './hub';
export * from './idempotency';
