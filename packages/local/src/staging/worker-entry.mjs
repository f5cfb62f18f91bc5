// The file a staging worker thread loads: the lake's sources are TypeScript, run through tsx
// (as `pnpm start` runs the main thread), registered here because a worker does not
// inherit the main thread's loader.
import os from 'node:os';
import { register } from 'tsx/esm/api';

// Staging yields part of the CPU to the thread that accepts messages (nice 5: about a quarter
// of a core it shares with it): under a flood, ingest keeps answering and the staging backlog
// drains when the flood ebbs. On Linux a nice value is a thread's own (elsewhere it would be
// the whole process's, so it is left alone).
if (process.platform === 'linux') {
  try {
    os.setPriority(5);
  } catch {
    // Not allowed here: staging runs at the normal priority.
  }
}
register();
const worker = await import('./worker.ts');

export const stage = worker.stage;
export const locate = worker.locate;
