// The infra app as a library: stacks, constructs and configuration (main.ts is the entry point).
export * from './app';
export * from './config';
export * from './env';
export * from './errors';
export * from './handlers';
export * from './routes';
export * from './zones';
export * from './constructs/bundle';
export * from './constructs/policy';
export * from './stacks/lake-stack';
export * from './stacks/core';
export * from './stacks/front-door';
export * from './stacks/staging';
export * from './stacks/staging-workflow';
export * from './stacks/analytics';
