// The file a staging worker thread loads when the lake runs from its TypeScript sources
// (tsx): registered here because a worker does not inherit the main thread's loader. The
// compiled CLI ships its own worker-entry.mjs, the bundle of worker-thread.ts.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker-thread.ts');

export const stage = worker.stage;
export const locate = worker.locate;
export const prepare = worker.prepare;
