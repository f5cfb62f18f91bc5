import { hubContract } from '@hcdl/lake/testing';
import { STAGING_SUBSCRIPTION } from '@hcdl/core';
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
    // The subscription the runtime wires (packages/local/src/runtime/lake.ts), as declared in @hcdl/core.
    routes: [{ subscription: STAGING_SUBSCRIPTION, receives: ['ingested'] }],
  },
);
