/**
 * The module a staging worker thread runs: lowers its own priority, then serves `stage` and
 * `locate`. Loaded through worker-entry.mjs when the lake runs from the TypeScript sources,
 * and bundled as worker-entry.mjs beside the compiled CLI (scripts/build-cli.mjs).
 */
import os from 'node:os';

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

export { locate, stage } from './worker';
