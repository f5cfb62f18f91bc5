import type { HubEvent } from '../events';

/**
 * Hub port: pub/sub of claim-check events (pointers, never message bodies).
 * Local adapter: in-process hub evaluating SNS filter policies; AWS: SNS topic.
 */
export interface Hub {
  /** Resolves once the event is accepted by the hub (not necessarily delivered). */
  publish(event: HubEvent): Promise<void>;
}

/** A subscriber of the hub; the filter policy is declared once beside its function. */
export interface Subscription {
  name: string;
  filterPolicy: FilterPolicy;
  handle(event: HubEvent): Promise<void>;
  /**
   * At most this many deliveries to this subscriber at once; the others wait, in publication
   * order (on AWS: the subscriber's queue and its function's reserved concurrency). Absent:
   * every matching event is delivered at once.
   */
  concurrency?: number;
}

/**
 * SNS filter policy (MessageAttributes scope): attribute name -> list of conditions.
 * Conditions: exact string/number, {prefix}, {suffix}, {"anything-but": ...},
 * {numeric: [op, n, ...]}, {exists: boolean}, {"equals-ignore-case": s}; `$or` supported.
 */
export type FilterCondition =
  | string
  | number
  | null
  | { prefix: string }
  | { suffix: string }
  | { 'equals-ignore-case': string }
  | { 'anything-but': string | number | (string | number)[] | { prefix: string } | { suffix: string } }
  | { numeric: (string | number)[] }
  | { exists: boolean };

/** `$or` is the one key that is not an attribute (the index signature must admit its type). */
export interface FilterPolicy {
  [attribute: string]: FilterCondition[] | FilterPolicy[] | undefined;
  $or?: FilterPolicy[];
}
