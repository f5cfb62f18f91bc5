import { hubContract } from '@hcdl/lake/testing';
import { CORE_WRITER_SUBSCRIPTION } from '@hcdl/fn-core-writer';
import { STAGING_SUBSCRIPTION } from '@hcdl/fn-staging-er7';
import { InProcessHub } from '../../src/adapters/in-process-hub';

// The hub of one test; the harness only exposes the Hub port, the dead letters come from here.
let current: InProcessHub | undefined;

hubContract(
  'InProcessHub',
  async () => {
    const hub = new InProcessHub({ maxAttempts: 3, backoffMs: 1 });
    current = hub;
    return { hub, subscribe: (s) => hub.subscribe(s), settle: () => hub.idle(), close: () => hub.close() };
  },
  {
    maxAttempts: 3,
    deadLetters: () => current?.deadLetters ?? [],
    routes: [
      { subscription: STAGING_SUBSCRIPTION, receives: ['ingested'] },
      { subscription: CORE_WRITER_SUBSCRIPTION, receives: ['staged', 'failed'] },
    ],
  },
);
