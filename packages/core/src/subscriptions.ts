import type { FilterPolicy } from '@hcdl/lake';

/**
 * The hub subscriptions of the application's use-cases, declared once and read by the local
 * hub (packages/local) and by the CDKTF stacks (SNS subscription filter policies).
 */

/** The staging workflow takes every ingested HL7 v2 ER7 message. */
export const STAGING_SUBSCRIPTION = {
  name: 'staging-er7',
  filterPolicy: { event: ['ingested'], protocol: ['hl7v2'], format: ['er7'] } satisfies FilterPolicy,
} as const;
