import type { FilterPolicy } from '@hcdl/lake';

/**
 * staging-er7 takes every ingested HL7 v2 ER7 message. The same declaration is read by the
 * local hub and by the CDKTF staging stack (SNS subscription filter policy).
 */
export const STAGING_SUBSCRIPTION = {
  name: 'staging-er7',
  filterPolicy: { event: ['ingested'], protocol: ['hl7v2'], format: ['er7'] } satisfies FilterPolicy,
} as const;
