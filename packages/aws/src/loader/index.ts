export * from './lambda-env';
export * from './lazy-handler';
