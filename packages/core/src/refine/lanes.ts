/**
 * One lane per key: work taken on a key waits for the work taken on it before. The refine
 * use-case takes a resource's lane from reading its current version to issuing its commit,
 * so the messages of one process that restate the same resource (the same patient, the same
 * attending doctor in every message of a ward) follow each other instead of racing: a race
 * lost to a sibling costs a conflict, a re-read and a re-hash, and a hot resource loses it
 * again and again. The store still refuses a race with another process (its condition on the
 * previous version); the lanes only keep a process from racing itself.
 */
export class KeyedLanes {
  private readonly tails = new Map<string, Promise<void>>();

  /** Resolves when the key is free, with the function that frees it again (call it once). */
  async acquire(key: string): Promise<() => void> {
    const before = this.tails.get(key);
    let free!: () => void;
    const mine = new Promise<void>((resolve) => {
      free = resolve;
    });
    const tail = before === undefined ? mine : before.then(() => mine);
    this.tails.set(key, tail);
    if (before !== undefined) await before;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      free();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    };
  }

  /** Keys with work taken or waiting (tests: nothing is left behind). */
  get size(): number {
    return this.tails.size;
  }
}
