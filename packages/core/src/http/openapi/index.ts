export * from './types';
export * from './routes';
export * from './document';
export * from './markdown';
