import { matchesFilterPolicy, parseHubEvent, PortClosedError, type Attributes, type Hub, type HubEvent, type Subscription } from '@hcdl/lake';

export interface DeadLetter {
  subscription: string;
  event: HubEvent;
  /** The error's class name (and code, when it has one); never its message, which can quote input. */
  error: string;
  at: string;
}

/** `TypeError`, `SqliteError SQLITE_BUSY`: what failed, without the message (which can quote input). */
export function errorLabel(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? `${err.name} ${code}` : err.name;
}

/** Reads the published copy back through the one hub event parser, as an SNS or SQS subscriber does. */
function fromWire(wire: string): HubEvent {
  const e = JSON.parse(wire) as { attributes: Record<string, string | undefined>; body: unknown };
  return parseHubEvent(e.attributes, e.body);
}

/** Delivery attempts of one event to one subscriber, and the first wait between two (doubled each time): the hub's defaults. */
export const DELIVERY_ATTEMPTS = 3;
export const DELIVERY_BACKOFF_MS = 50;

/**
 * Runs `attempt` until it succeeds, at most `maxAttempts` times, waiting `backoffMs` after the
 * first failure and twice as long after each next one; `stop()` true after a failure gives up
 * at once (a closing hub). Resolves with nothing on success, else with the last failure.
 */
export async function withRetries(
  attempt: () => Promise<void>,
  options: { maxAttempts?: number | undefined; backoffMs?: number | undefined; stop?: () => boolean } = {},
): Promise<{ error: unknown } | undefined> {
  const max = options.maxAttempts ?? DELIVERY_ATTEMPTS;
  let wait = options.backoffMs ?? DELIVERY_BACKOFF_MS;
  for (let n = 1; ; n++) {
    try {
      await attempt();
      return undefined;
    } catch (error) {
      if (n >= max || options.stop?.() === true) return { error };
      await new Promise((r) => setTimeout(r, wait));
      wait *= 2;
    }
  }
}

export interface InProcessHubOptions {
  /** Delivery attempts per subscriber before the event is dead-lettered (default 3). */
  maxAttempts?: number;
  /** Base backoff between attempts in ms, doubled each time (default 50). */
  backoffMs?: number;
  onDeadLetter?: (letter: DeadLetter) => void;
}

/** The deliveries of a subscription with a concurrency: how many run, and who waits for a turn. */
interface Turns {
  running: number;
  waiting: (() => void)[];
}

/**
 * Pub/sub hub inside one process: each subscription's SNS filter policy (the same
 * declaration the cloud stack uses) is evaluated on the event attributes, and matching
 * subscribers get the event asynchronously, with retries and a dead-letter record, as SNS
 * does with a DLQ. Like SNS, the hub carries the event as JSON: it is serialized when
 * published and every delivery attempt gets its own copy, read back by the same parser as
 * the SNS and SQS readers (parseHubEvent), so neither the publisher nor a subscriber
 * changing its object later changes what others receive, and a malformed event fails the
 * delivery as it would on AWS. Delivery is
 * at-least-once within the process; work lost with the process is resumed from the catalog
 * at start (see the runtime).
 */
export class InProcessHub implements Hub {
  private readonly subscriptions: Subscription[] = [];
  private readonly turns = new Map<Subscription, Turns>();
  private readonly inFlight = new Set<Promise<void>>();
  readonly deadLetters: DeadLetter[] = [];
  private closed = false;

  constructor(private readonly options: InProcessHubOptions = {}) {}

  subscribe(subscription: Subscription): void {
    const limit = subscription.concurrency;
    if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
      throw new RangeError(`subscription ${subscription.name}: concurrency must be a whole number of at least 1`);
    }
    this.subscriptions.push(subscription);
    if (limit !== undefined) this.turns.set(subscription, { running: 0, waiting: [] });
  }

  /** Waits for a turn of a subscription with a concurrency (none needed without one); resolves with its release. */
  private async turn(s: Subscription): Promise<() => void> {
    const turns = this.turns.get(s);
    if (turns === undefined) return () => undefined;
    if (turns.running >= (s.concurrency as number)) await new Promise<void>((resolve) => turns.waiting.push(resolve));
    else turns.running++;
    return () => {
      // The turn passes straight to the next waiter (running stays the same), else it is freed.
      const next = turns.waiting.shift();
      if (next !== undefined) next();
      else turns.running--;
    };
  }

  async publish(event: HubEvent): Promise<void> {
    if (this.closed) throw new PortClosedError('hub is closed');
    const wire = JSON.stringify(event);
    for (const s of this.subscriptions) {
      if (!matchesFilterPolicy(s.filterPolicy, event.attributes as unknown as Attributes)) continue;
      const p = this.deliver(s, wire).finally(() => this.inFlight.delete(p));
      this.inFlight.add(p);
    }
  }

  private async deliver(s: Subscription, wire: string): Promise<void> {
    await Promise.resolve();
    const release = await this.turn(s);
    try {
      const failed = await withRetries(() => s.handle(fromWire(wire)), {
        maxAttempts: this.options.maxAttempts,
        backoffMs: this.options.backoffMs,
        stop: () => this.closed,
      });
      if (failed === undefined) return;
      const letter: DeadLetter = { subscription: s.name, event: JSON.parse(wire) as HubEvent, error: errorLabel(failed.error), at: new Date().toISOString() };
      this.deadLetters.push(letter);
      this.options.onDeadLetter?.(letter);
    } finally {
      release();
    }
  }

  /** Events waiting for a turn of the subscription named `name` (one with a concurrency; 0 otherwise). */
  waiting(name: string): number {
    for (const [s, turns] of this.turns) if (s.name === name) return turns.waiting.length;
    return 0;
  }

  /** Whether a delivery is in flight. */
  busy(): boolean {
    return this.inFlight.size > 0;
  }

  /** Resolves when no delivery is in flight (including deliveries those deliveries caused). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async close(): Promise<void> {
    await this.idle();
    this.closed = true;
  }
}
