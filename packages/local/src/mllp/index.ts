export * from './framing';
export * from './listener';
