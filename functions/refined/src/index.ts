import middy from '@middy/core';
import { createRefine, createRelay, type Refine } from '@hcdl/core';
import {
  type Catalog,
  HubEventName,
  hubEventFromSqs,
  isHubEvent,
  type LogPort,
  type ObjectStore,
  type ResourceStore,
  type ResourceVersion,
  type SqsRecordLike,
} from '@hcdl/lake';

export interface RefinedDeps {
  objectStore: ObjectStore;
  catalog: Pick<Catalog, 'getMessage' | 'getPatientIdByIdentifier' | 'listMessages'>;
  resources: ResourceStore;
  /** Publishes versions, in commit order, to the refined bus (FhirChangePublisher.publish). */
  publish: (versions: readonly ResourceVersion[]) => Promise<void>;
  logger: LogPort;
  now?: () => Date;
}

/** The SQS batch the Lambda receives from the refined queue (SNS raw delivery: each body is a `staged` event body). */
export interface SqsBatch {
  Records: (SqsRecordLike & { messageId: string })[];
}

/** Partial batch response: only failed records go back to the queue (then its dead-letter queue). */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

const errorName = (err: unknown): string => (err instanceof Error ? err.name : typeof err);

/**
 * The refined function (hub topic → refined queue, filter REFINED_SUBSCRIPTION → Lambda, with
 * partial batch failure): thin wiring of @hcdl/core's refine use-case and outbox relay on the
 * DynamoDB resource table, the S3 lake and the EventBridge bus. A record that fails is retried,
 * then kept in the dead-letter queue; versions it committed stay in the outbox and the next
 * drain publishes them. A record that is not a `staged` event never will be: logged and dropped.
 */
export function createHandler(deps: RefinedDeps, injected?: { refine?: Refine }) {
  const now = (): string => (deps.now?.() ?? new Date()).toISOString();
  const relay = createRelay({
    resources: deps.resources,
    objectStore: deps.objectStore,
    logger: deps.logger,
    announceAll: deps.publish,
  });
  const refine =
    injected?.refine ?? createRefine({ objectStore: deps.objectStore, catalog: deps.catalog, resources: deps.resources, relay, logger: deps.logger, now });

  return middy(async (event: SqsBatch): Promise<BatchResponse> => {
    const failures: BatchResponse['batchItemFailures'] = [];
    // One message at a time: messages of one patient refined together would only race for versions.
    for (const record of event.Records) {
      let messageId: string;
      try {
        const hubEvent = hubEventFromSqs(record);
        if (!isHubEvent(hubEvent, HubEventName.Staged)) {
          deps.logger.warn('refined queue message dropped: not a staged event', { event: hubEvent.attributes.event, queueMessageId: record.messageId });
          continue;
        }
        messageId = hubEvent.body.messageId;
      } catch (err) {
        deps.logger.warn('refined queue message dropped: not a hub event', { error: errorName(err), queueMessageId: record.messageId });
        continue;
      }
      try {
        await refine({ messageId });
      } catch (err) {
        deps.logger.error('refine failed; the message will be retried', { error: errorName(err), messageId, queueMessageId: record.messageId });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    // Versions left pending by an earlier run that died after its commit.
    if (failures.length === 0) await relay.drain();
    return { batchItemFailures: failures };
  });
}
