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

/**
 * The refined stage takes every staged HL7 v2 ER7 message (FHIR conversion, versions, change
 * events). Locally the in-process hub evaluates it; on AWS it is the filter policy of the
 * refined queue's subscription to the hub topic (infra/src/stacks/refined.ts).
 */
export const REFINED_SUBSCRIPTION = {
  name: 'refined-fhir',
  filterPolicy: { event: ['staged'], protocol: ['hl7v2'], format: ['er7'] } satisfies FilterPolicy,
} as const;
