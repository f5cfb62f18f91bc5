import { type Catalog, type MessageRecord, MessageStatus } from '@hcdl/lake';

export interface OutcomeWatchOptions {
  catalog: Pick<Catalog, 'getMessage'>;
  /** How often the catalog is read again while waiting, in ms (a `notify` wakes the waiters at once). */
  pollMs?: number;
}

/**
 * Waits for the staging outcome of messages (status `staged` or `error`) without holding
 * anything else up: the catalog is the truth, read again every `pollMs`; where the process
 * sees its own hub (the local lake), `notify` on each `staged` / `failed` event wakes the
 * waiters at once. Used by the application ACK (docs/ack.md).
 */
export function createOutcomeWatch(options: OutcomeWatchOptions) {
  const pollMs = options.pollMs ?? 250;
  const waiters = new Map<string, Set<() => void>>();

  const done = (r: MessageRecord | undefined): boolean => r === undefined || r.status !== MessageStatus.Ingested;

  /** The row once its staging ended, or as it stands when `timeoutMs` ran out (still `ingested`). */
  async function wait(messageId: string, timeoutMs: number): Promise<MessageRecord | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const row = await options.catalog.getMessage(messageId);
      const left = deadline - Date.now();
      if (done(row) || left <= 0) return row;
      await new Promise<void>((resolve) => {
        const set = waiters.get(messageId) ?? new Set<() => void>();
        waiters.set(messageId, set);
        const wake = (): void => {
          clearTimeout(timer);
          set.delete(wake);
          if (set.size === 0 && waiters.get(messageId) === set) waiters.delete(messageId);
          resolve();
        };
        const timer = setTimeout(wake, Math.min(pollMs, left));
        set.add(wake);
      });
    }
  }

  /** A message's outcome was recorded (a `staged` or `failed` event): its waiters read the row again. */
  function notify(messageId: string): void {
    for (const wake of [...(waiters.get(messageId) ?? [])]) wake();
  }

  return { wait, notify };
}

export type OutcomeWatch = ReturnType<typeof createOutcomeWatch>;
