export * from './memory-object-store';
export * from './memory-catalog';
export * from './memory-hub';
export * from './memory-persistence-layer';
export * from './memory-resource-store';
export * from './memory-audit-trail';
