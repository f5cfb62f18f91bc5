import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { HubEventName, type HubEvent } from '../events';
import type { FilterPolicy, Hub, Subscription } from '../ports/hub';
import { hubEvent, policyCases, type Recorder, recorder } from './hub-fixtures';
import { uniqueTag } from './support';

export interface HubHarness {
  hub: Hub;
  /** Adds a subscriber; the hub evaluates its filter policy on each event's attributes. */
  subscribe(subscription: Subscription): void | Promise<void>;
  /**
   * Resolves once every delivery caused so far has ended (handled, or given up after the
   * retries), including deliveries of events that subscribers published meanwhile.
   */
  settle(): Promise<void>;
  close?: () => Promise<void>;
}

export type HubFactory = () => Promise<HubHarness>;

/** A declared subscription (name + filter policy, as in functions/<fn>/src/subscription.ts). */
export interface SubscriptionDeclaration {
  name: string;
  filterPolicy: FilterPolicy;
}

/** What a declared subscription must receive among the hub event names (hl7v2/er7 events). */
export interface HubRoute {
  subscription: SubscriptionDeclaration;
  receives: readonly HubEventName[];
}

export interface HubContractOptions {
  /** Declared subscriptions and the events each must (and must not) receive. */
  routes?: readonly HubRoute[];
  /**
   * The hub's retry promise: how many times it calls a failing subscriber with one event
   * before giving up. Omit when the hub makes a single attempt.
   */
  maxAttempts?: number;
  /** Where the hub records the events it gave up on (dead letters), if it exposes them. */
  deadLetters?: (harness: HubHarness) => readonly { subscription: string; event: HubEvent }[];
}

/**
 * Contract of the Hub port (ports/hub.ts) for adapters that deliver: filter-policy routing
 * on message attributes, fan-out, events arriving unchanged, failure isolation and retries,
 * and the declared routes. Each test opens a fresh hub from the factory.
 */
export function hubContract(name: string, factory: HubFactory, options: HubContractOptions = {}): void {
  describe(`Hub contract: ${name}`, () => {
    let harness: HubHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.settle();
      await harness.close?.();
    });

    async function subscribe(filterPolicy: FilterPolicy, handle?: (e: HubEvent) => Promise<void>): Promise<Recorder> {
      const rec = recorder(uniqueTag('sub-'), handle);
      await harness.subscribe({ name: rec.name, filterPolicy, handle: rec.handle });
      return rec;
    }

    describe('filter policies on message attributes', () => {
      it.each(policyCases())('$title', async ({ policy, matches, misses }) => {
        const rec = await subscribe(policy);
        const hits = matches.map((a) => hubEvent(a));
        const others = misses.map((a) => hubEvent(a));
        for (const e of [...others, ...hits]) await harness.hub.publish(e);
        await harness.settle();
        expect(rec.ids().sort()).toEqual(hits.map((e) => e.body.messageId).sort());
      });

      it('delivers only to the subscriptions whose policy matches', async () => {
        const staging = await subscribe({ event: ['ingested'], protocol: ['hl7v2'] });
        const writer = await subscribe({ event: ['staged', 'failed'] });
        const adtOnly = await subscribe({ messageType: [{ prefix: 'ADT^' }] });
        const [ing, stg, fail] = [hubEvent({ event: 'ingested' }), hubEvent({ event: 'staged', messageType: 'ORU^R01' }), hubEvent({ event: 'failed' })];
        for (const e of [ing, stg, fail]) await harness.hub.publish(e);
        await harness.settle();
        expect(staging.ids()).toEqual([ing.body.messageId]);
        expect(writer.ids().sort()).toEqual([stg.body.messageId, fail.body.messageId].sort());
        expect(adtOnly.ids().sort()).toEqual([ing.body.messageId, fail.body.messageId].sort());
      });
    });

    describe('delivery', () => {
      it('fans one event out to every matching subscriber, once each', async () => {
        const recs = await Promise.all([
          subscribe({ event: ['ingested'] }),
          subscribe({ source: [{ prefix: 'lab' }] }),
          subscribe({ event: [{ exists: true }] }),
        ]);
        const e = hubEvent({ event: 'ingested', source: `lab-${uniqueTag()}` });
        await harness.hub.publish(e);
        await harness.settle();
        for (const rec of recs) expect(rec.ids()).toEqual([e.body.messageId]);
      });

      it('hands each subscriber the attributes and pointer body unchanged', async () => {
        const recs = await Promise.all([subscribe({ event: ['failed'] }), subscribe({ event: ['failed'] })]);
        const e = hubEvent(
          { event: 'failed', source: 'Hôpital-Élan', messageType: 'ORU^R01' },
          { stage: 'parse', attempt: 2, errorKey: 'error/source=x/dt=2031-05-06/m.hl7', errors: 3, codes: ['NO_MSH', 'Hôpital Élan — 日本'] },
        );
        const expected = JSON.parse(JSON.stringify(e)) as HubEvent;
        await harness.hub.publish(e);
        await harness.settle();
        for (const rec of recs) expect(rec.events).toEqual([expected]);
      });

      it('delivers what was published, whatever the publisher or a subscriber changes later', async () => {
        const mutator = await subscribe({ event: ['staged'] }, async (got) => {
          got.body.source = 'tampered';
          got.attributes.source = 'tampered';
        });
        const [a, b] = await Promise.all([subscribe({ event: ['staged'] }), subscribe({ event: ['staged'] })]);
        const e = hubEvent({ event: 'staged' }, { stagingKey: 'staging/x.json' });
        const expected = JSON.parse(JSON.stringify(e)) as HubEvent;
        await harness.hub.publish(e);
        e.body.source = 'changed-after-publish';
        await harness.settle();
        expect(mutator.events).toHaveLength(1);
        expect(a.events).toEqual([expected]);
        expect(b.events).toEqual([expected]);
      });

      it('resolves publish without waiting for the subscribers to finish', async () => {
        let release = (): void => undefined;
        const gate = new Promise<void>((r) => (release = r));
        const slow = await subscribe({ event: ['ingested'] }, () => gate);
        const e = hubEvent({ event: 'ingested' });
        await harness.hub.publish(e);
        expect(slow.done()).toEqual([]);
        release();
        await harness.settle();
        expect(slow.done()).toEqual([e.body.messageId]);
      });

      it('delivers events a subscriber publishes while handling one', async () => {
        const last = await subscribe({ event: ['staged'] });
        const first = await subscribe({ event: ['ingested'] }, async (got) => {
          await harness.hub.publish(hubEvent({ event: 'staged', source: got.attributes.source }, { messageId: got.body.messageId }));
        });
        const e = hubEvent({ event: 'ingested' });
        await harness.hub.publish(e);
        await harness.settle();
        expect(first.ids()).toEqual([e.body.messageId]);
        expect(last.ids()).toEqual([e.body.messageId]);
        expect(last.events[0]?.attributes.source).toBe(e.attributes.source);
      });

      it('delivers nothing when no subscription matches, and publish still resolves', async () => {
        const rec = await subscribe({ event: ['fhir-changed'] });
        await expect(harness.hub.publish(hubEvent({ event: 'ingested' }))).resolves.toBeUndefined();
        await harness.settle();
        expect(rec.events).toEqual([]);
      });
    });

    describe('failing subscribers', () => {
      const maxAttempts = options.maxAttempts ?? 1;

      it('a subscriber that always fails does not keep the others from the event', async () => {
        const failing = await subscribe({ event: ['ingested'] }, async () => {
          throw new Error('subscriber down');
        });
        const ok = await subscribe({ event: ['ingested'] });
        const e = hubEvent({ event: 'ingested' });
        await harness.hub.publish(e);
        await harness.settle();
        expect(ok.ids()).toEqual([e.body.messageId]);
        expect(failing.ids()).toEqual(Array.from({ length: maxAttempts }, () => e.body.messageId));
        expect(failing.done()).toEqual([]);
        if (options.deadLetters) {
          const letters = options.deadLetters(harness).filter((l) => l.subscription === failing.name);
          expect(letters.map((l) => l.event)).toEqual([e]);
          expect(options.deadLetters(harness).some((l) => l.subscription === ok.name)).toBe(false);
        }
      });

      if (maxAttempts > 1) {
        it(`retries a failing subscriber until it succeeds (up to ${maxAttempts} attempts)`, async () => {
          let calls = 0;
          const flaky = await subscribe({ event: ['staged'] }, async () => {
            calls += 1;
            if (calls < maxAttempts) throw new Error(`transient ${calls}`);
          });
          const e = hubEvent({ event: 'staged' });
          await harness.hub.publish(e);
          await harness.settle();
          expect(calls).toBe(maxAttempts);
          expect(flaky.done()).toEqual([e.body.messageId]);
          if (options.deadLetters) expect(options.deadLetters(harness).filter((l) => l.subscription === flaky.name)).toEqual([]);
        });
      }
    });

    const routes = options.routes ?? [];
    if (routes.length > 0) {
      describe('declared routes', () => {
        const names = Object.values(HubEventName);
        it.each(routes.map((r) => ({ ...r, title: r.subscription.name })))('$title receives exactly its events', async (route) => {
          const rec = await subscribe(route.subscription.filterPolicy);
          const events = names.map((event) => hubEvent({ event }));
          for (const e of events) await harness.hub.publish(e);
          await harness.settle();
          const expected = events.filter((e) => route.receives.includes(e.attributes.event)).map((e) => e.attributes.event);
          expect(rec.events.map((e) => e.attributes.event).sort()).toEqual([...expected].sort());
        });
      });
    }
  });
}
