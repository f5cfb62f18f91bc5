export * from './object-store';
export * from './catalog';
export * from './hub';
export * from './idempotency';
export * from './log';
export * from './base-object-store';
export * from './http';
export * from './audit';
