export * from './record';
export * from './routes';
