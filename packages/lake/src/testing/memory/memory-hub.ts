import { parseHubEvent } from '../../event-parse';
import type { HubEvent } from '../../events';
import { type Attributes, matchesFilterPolicy } from '../../filter-policy';
import type { Hub, Subscription } from '../../ports/hub';

/**
 * A hub in memory for tests of the use-cases: keeps every published event (as JSON, read back
 * through parseHubEvent like every real subscriber) and, when `deliver` is called, hands the
 * queued ones to the subscriptions whose filter policy matches, in order, until none is left.
 * Nothing runs on its own: the test decides when.
 */
export class MemoryHub implements Hub {
  readonly published: HubEvent[] = [];
  private readonly queue: string[] = [];
  private readonly subscriptions: Subscription[] = [];

  subscribe(subscription: Subscription): void {
    this.subscriptions.push(subscription);
  }

  async publish(event: HubEvent): Promise<void> {
    const wire = JSON.stringify(event);
    this.published.push(read(wire));
    this.queue.push(wire);
  }

  /** Delivers queued events (and the events their handling publishes) until the queue is empty. */
  async deliver(): Promise<void> {
    for (let wire = this.queue.shift(); wire !== undefined; wire = this.queue.shift()) {
      const event = read(wire);
      for (const s of this.subscriptions) {
        if (matchesFilterPolicy(s.filterPolicy, event.attributes as unknown as Attributes)) await s.handle(read(wire));
      }
    }
  }

  /** Names of the published events in order, as `event:messageId`. */
  names(): string[] {
    return this.published.map((e) => `${e.attributes.event}:${e.body.messageId}`);
  }
}

function read(wire: string): HubEvent {
  const e = JSON.parse(wire) as { attributes: Record<string, string>; body: unknown };
  return parseHubEvent(e.attributes, e.body);
}
