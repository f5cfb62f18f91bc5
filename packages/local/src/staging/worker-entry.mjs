// The file a staging worker thread loads: the lake's sources are TypeScript, run through tsx
// (as `pnpm start` runs the main thread), registered here because a worker does not
// inherit the main thread's loader.
import { register } from 'tsx/esm/api';

register();
const worker = await import('./worker.ts');

export const stage = worker.stage;
export const locate = worker.locate;
