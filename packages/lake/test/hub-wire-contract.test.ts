import type { HubEvent } from '../src/events';
import type { Hub } from '../src/ports/hub';
import { snsAttributesOf } from '../src/sns-envelope';
import { hubWireContract, type SnsPublishLike } from '../src/testing/hub-wire-contract';

/**
 * Self-test of the wire suite on the smallest SNS publisher the domain allows: body as
 * JSON, attributes from snsAttributesOf. The AWS SNS hub runs the same suite on the
 * PublishCommand inputs it sends (packages/aws/test/sns-hub.contract.test.ts).
 */
class RecordingSnsHub implements Hub {
  readonly inputs: SnsPublishLike[] = [];
  async publish(event: HubEvent): Promise<void> {
    this.inputs.push({ Message: JSON.stringify(event.body), MessageAttributes: snsAttributesOf(event.attributes) });
  }
}

hubWireContract(
  'reference SNS publisher',
  async () => {
    const hub = new RecordingSnsHub();
    return { hub, sent: () => hub.inputs };
  },
  {
    routes: [
      { subscription: { name: 'staging-like', filterPolicy: { event: ['ingested'], protocol: ['hl7v2'], format: ['er7'] } }, receives: ['ingested'] },
      { subscription: { name: 'outcome-listener', filterPolicy: { event: ['staged', 'failed'], protocol: ['hl7v2'] } }, receives: ['staged', 'failed'] },
      { subscription: { name: 'all-but-ingested', filterPolicy: { event: [{ 'anything-but': 'ingested' }] } }, receives: ['staged', 'failed', 'fhir-changed'] },
    ],
  },
);
