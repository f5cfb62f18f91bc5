export * from './env';
export * from './service';
