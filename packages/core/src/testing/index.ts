export * from './older-parser';
