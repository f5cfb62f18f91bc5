// The file the refined stage's thread loads when the lake runs from its TypeScript sources
// (tsx): registered here because a worker does not inherit the main thread's loader. The
// compiled CLI ships its own refined-entry.mjs, the bundle of refined-thread.ts.
import { register } from 'tsx/esm/api';

register();
await import('./refined-thread.ts');
