import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { HubEventName, type HubEvent } from '../events';
import { matchesFilterPolicy, type Attributes } from '../filter-policy';
import type { Hub } from '../ports/hub';
import { hubEventFromSns, type SnsRecordLike } from '../sns-envelope';
import type { HubRoute } from './hub-contract';
import { hubEvent } from './hub-fixtures';

/** The part of an SNS `PublishCommand` input a hub event travels in. */
export interface SnsPublishLike {
  Message?: string;
  MessageAttributes?: Record<string, { DataType?: string; StringValue?: string }>;
}

export interface HubWireHarness {
  hub: Hub;
  /** The publish inputs the hub sent so far, in order (e.g. from aws-sdk-client-mock's `commandCalls`). */
  sent(): SnsPublishLike[];
  close?: () => Promise<void>;
}

export type HubWireFactory = () => Promise<HubWireHarness>;

/** What SNS hands a subscribed Lambda for one publish input. */
export function snsRecordOf(input: SnsPublishLike): SnsRecordLike {
  const attributes = Object.entries(input.MessageAttributes ?? {}).map(([k, a]) => [k, { Type: a.DataType, Value: a.StringValue }]);
  return { Sns: { Message: input.Message ?? '', MessageAttributes: Object.fromEntries(attributes) as Record<string, { Type?: string; Value?: string }> } };
}

/** The attributes a filter policy sees for one publish input (all `String` attributes). */
function attributesOf(input: SnsPublishLike): Attributes {
  const out: Record<string, string> = {};
  for (const [k, a] of Object.entries(input.MessageAttributes ?? {})) if (a.StringValue !== undefined) out[k] = a.StringValue;
  return out;
}

/**
 * Contract of a Hub adapter that publishes to SNS, checked on what it sends (no delivery
 * in tests): one publish per event, the claim-check body as JSON, non-empty String
 * attributes, the event read back unchanged by `hubEventFromSns`, and the declared routes
 * evaluated on the attributes actually sent (SNS filter semantics: `matchesFilterPolicy`).
 */
export function hubWireContract(name: string, factory: HubWireFactory, options: { routes?: readonly HubRoute[] } = {}): void {
  describe(`Hub wire contract: ${name}`, () => {
    let harness: HubWireHarness;
    beforeEach(async () => {
      harness = await factory();
    });
    afterEach(async () => {
      await harness.close?.();
    });

    it('sends one publish per event, in order', async () => {
      const events = [hubEvent({ event: 'ingested' }), hubEvent({ event: 'staged' }), hubEvent({ event: 'failed' })];
      for (const e of events) await harness.hub.publish(e);
      const sent = harness.sent();
      expect(sent).toHaveLength(3);
      expect(sent.map((s) => hubEventFromSns(snsRecordOf(s)).body.messageId)).toEqual(events.map((e) => e.body.messageId));
    });

    it('sends the body as JSON and every attribute as a non-empty String', async () => {
      const e = hubEvent({ event: 'failed', messageType: 'ORU^R01' }, { codes: ['NO_MSH'], errors: 1, stage: 'parse' });
      await harness.hub.publish(e);
      const [input] = harness.sent();
      expect(JSON.parse(input?.Message ?? 'null')).toEqual(e.body);
      expect(input?.MessageAttributes).toEqual({
        event: { DataType: 'String', StringValue: 'failed' },
        protocol: { DataType: 'String', StringValue: 'hl7v2' },
        format: { DataType: 'String', StringValue: 'er7' },
        source: { DataType: 'String', StringValue: e.attributes.source },
        messageType: { DataType: 'String', StringValue: 'ORU^R01' },
      });
    });

    it('lets the subscriber read the event back unchanged (non-ASCII text included)', async () => {
      const e: HubEvent = hubEvent({ event: 'failed', source: 'Hôpital-Élan' }, { codes: ['Hôpital Élan — 日本'] });
      await harness.hub.publish(e);
      expect(hubEventFromSns(snsRecordOf(harness.sent()[0] ?? {}))).toEqual(JSON.parse(JSON.stringify(e)));
    });

    it('leaves out an empty attribute (SNS refuses empty values); it reads back as empty', async () => {
      const e = hubEvent({ event: 'ingested', messageType: '' });
      await harness.hub.publish(e);
      const [input] = harness.sent();
      expect(Object.keys(input?.MessageAttributes ?? {})).not.toContain('messageType');
      expect(hubEventFromSns(snsRecordOf(input ?? {})).attributes.messageType).toBe('');
    });

    const routes = options.routes ?? [];
    if (routes.length > 0) {
      it.each(routes.map((r) => ({ ...r, title: r.subscription.name })))('$title: the attributes sent select exactly its events', async (route) => {
        const names = Object.values(HubEventName);
        for (const event of names) await harness.hub.publish(hubEvent({ event }));
        const selected = harness.sent().filter((s) => matchesFilterPolicy(route.subscription.filterPolicy, attributesOf(s)));
        expect(selected.map((s) => hubEventFromSns(snsRecordOf(s)).attributes.event).sort()).toEqual([...route.receives].sort());
      });
    }
  });
}
