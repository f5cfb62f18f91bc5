import { hubContract } from '@hcdl/lake/testing';
import { CORE_WRITER_SUBSCRIPTION } from '@hcdl/fn-core-writer';
import { STAGING_SUBSCRIPTION } from '@hcdl/fn-staging-er7';
import { InProcessHub } from '../../src/adapters/in-process-hub';

hubContract(
  'InProcessHub',
  async () => {
    const hub = new InProcessHub({ maxAttempts: 3, backoffMs: 1 });
    return { hub, subscribe: (s) => hub.subscribe(s), settle: () => hub.idle(), close: () => hub.close() };
  },
  {
    maxAttempts: 3,
    deadLetters: (h) => (h.hub as InProcessHub).deadLetters,
    // The subscriptions the runtime wires (packages/local/src/runtime/lake.ts), as declared beside their functions.
    routes: [
      { subscription: STAGING_SUBSCRIPTION, receives: ['ingested'] },
      { subscription: CORE_WRITER_SUBSCRIPTION, receives: ['staged', 'failed'] },
    ],
  },
);
