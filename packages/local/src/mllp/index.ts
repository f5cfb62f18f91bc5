export * from './audit';
export * from './framing';
export * from './listener';
export * from './limits';
