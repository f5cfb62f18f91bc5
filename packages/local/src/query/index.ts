export * from './errors';
export * from './paths';
export * from './catalog-tables';
export * from './staging-view';
export * from './engine';
export * from './compact';
export * from './format';
export * from './env';
