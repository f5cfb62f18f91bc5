export * from './athena';
