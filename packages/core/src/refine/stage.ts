import {
  type Catalog,
  type ChangeFeed,
  fhirChangedEvent,
  type Hub,
  type HubEvent,
  type LogPort,
  type ObjectStore,
  type ResourceStore,
  type ResourceVersion,
} from '@hcdl/lake';
import { createFhirApi, type FhirApi } from '../fhir/routes';
import { createRebuild, type Rebuild } from './rebuild';
import { createRefine, type Refine } from './refine';
import { createRelay, type Relay } from './relay';

export interface RefinedStageDeps {
  objectStore: ObjectStore;
  /** Refined objects the relay writes at once (RelayDeps.putsAtOnce). */
  putsAtOnce?: number;
  catalog: Pick<Catalog, 'getMessage' | 'getPatientIdByIdentifier' | 'listMessages'>;
  resources: ResourceStore;
  changeFeed?: ChangeFeed;
  /** Where versions are announced (`fhir-changed`); absent: not announced (on AWS the refined function announces them on its bus). */
  hub?: Hub;
  /**
   * Announces a batch of `fhir-changed` events in commit order at once, instead of `hub` one
   * by one (the local lake's refined thread hands them to the main thread's hub in one message).
   */
  publishAll?: (events: readonly HubEvent[]) => Promise<void>;
  logger: LogPort;
  now: () => string;
  failpoint?: (name: string) => Promise<void>;
}

/** The refined FHIR stage of one process: the refine use-case, its outbox relay and the FHIR read routes. */
export interface RefinedStage {
  refine: Refine;
  relay: Relay;
  fhir: FhirApi;
  /** Refines the staged messages again (after a mapping change). */
  rebuild: Rebuild;
}

/** Messages whose MSH-9 the relay remembers (an announcement names the message type; a drain reads few messages). */
const TYPE_CACHE = 1000;

export function createRefinedStage(deps: RefinedStageDeps): RefinedStage {
  const types = new Map<string, string>();
  async function messageTypeOf(messageId: string): Promise<string> {
    let t = types.get(messageId);
    if (t === undefined) {
      t = (await deps.catalog.getMessage(messageId))?.messageType ?? 'UNKNOWN';
      if (types.size >= TYPE_CACHE) types.delete(types.keys().next().value as string);
      types.set(messageId, t);
    }
    return t;
  }
  const hub = deps.hub;
  const publishAll = deps.publishAll;
  const eventOf = async (v: ResourceVersion) => fhirChangedEvent(v, await messageTypeOf(v.messageId));
  const relay = createRelay({
    resources: deps.resources,
    objectStore: deps.objectStore,
    logger: deps.logger,
    ...(deps.putsAtOnce !== undefined ? { putsAtOnce: deps.putsAtOnce } : {}),
    ...(publishAll !== undefined
      ? {
          announceAll: async (versions: readonly ResourceVersion[]) => {
            const events: HubEvent[] = [];
            for (const v of versions) events.push(await eventOf(v));
            await publishAll(events);
          },
        }
      : hub !== undefined
        ? { announce: async (v: ResourceVersion) => hub.publish(await eventOf(v)) }
        : {}),
  });
  const refine = createRefine({
    objectStore: deps.objectStore,
    catalog: deps.catalog,
    resources: deps.resources,
    relay,
    logger: deps.logger,
    now: deps.now,
    ...(deps.failpoint !== undefined ? { failpoint: deps.failpoint } : {}),
  });
  const fhir = createFhirApi({
    resources: deps.resources,
    objectStore: deps.objectStore,
    ...(deps.changeFeed !== undefined ? { changeFeed: deps.changeFeed } : {}),
  });
  return { refine, relay, fhir, rebuild: createRebuild({ catalog: deps.catalog, refine, logger: deps.logger }) };
}
