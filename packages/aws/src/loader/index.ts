export * from './lambda-env';
export * from './lazy-handler';
export * from './log-context';
export * from './aws-runtime';
