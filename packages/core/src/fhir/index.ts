export * from './answers';
export * from './search-params';
export * from './capability';
export * from './bundles';
export * from './changes';
export * from './routes';
