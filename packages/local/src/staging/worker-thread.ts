/**
 * The module a staging worker thread runs: lowers its own priority, then serves `stage` and
 * `locate`. Loaded through worker-entry.mjs when the lake runs from the TypeScript sources,
 * and bundled as worker-entry.mjs beside the compiled CLI (scripts/build-cli.mjs).
 */
import { lowerThreadPriority } from '../runtime/thread-priority';

// Staging yields part of the CPU to the thread that accepts messages (5 nice steps below it:
// about a quarter of a core it shares with it): under a flood, ingest keeps answering and the
// staging backlog drains when the flood ebbs. The refined stage's thread yields more (10).
lowerThreadPriority(5);

export { locate, prepare, stage } from './worker';
