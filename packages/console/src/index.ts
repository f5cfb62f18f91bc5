export * from './build';
export * from './csp';
export * from './assets';
