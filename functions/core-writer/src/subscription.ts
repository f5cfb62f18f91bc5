import type { FilterPolicy } from '@hcdl/lake';

/** core-writer consumes the staging outcomes. Read by the local hub and the CDKTF stack. */
export const CORE_WRITER_SUBSCRIPTION = {
  name: 'core-writer',
  filterPolicy: { event: ['staged', 'failed'], protocol: ['hl7v2'] } satisfies FilterPolicy,
} as const;
