import { HubEventName, isHubEvent, messageIdTime } from '@hcdl/lake';
import type { InProcessHub } from '../adapters/in-process-hub';
import type { LakeMetrics } from './metrics';

/**
 * Counts what the hub carries: messages stored (every transport), staging outcomes and their
 * lag from receipt (the message id's own time: ids are ULIDs of the receive instant).
 */
export function subscribeMetrics(hub: Pick<InProcessHub, 'subscribe'>, metrics: LakeMetrics): void {
  hub.subscribe({
    name: 'metrics',
    filterPolicy: { event: [HubEventName.Ingested, HubEventName.Staged, HubEventName.Failed] },
    handle: async (event) => {
      if (isHubEvent(event, HubEventName.Ingested)) return metrics.ingested();
      const outcome = isHubEvent(event, HubEventName.Staged) ? 'staged' : isHubEvent(event, HubEventName.Failed) ? 'failed' : undefined;
      if (outcome === undefined) return;
      const body = event.body as { messageId: string; at: string };
      metrics.stagingOutcome(outcome, (Date.parse(body.at) - messageIdTime(body.messageId)) / 1000);
    },
  });
}
