import middy from '@middy/core';
import { createIngestedPublisher, createSweep, type DeadLetterQueue, type ReconcileResult, type ResumeStaleResult } from '@hcdl/core';
import type { Catalog, Hub, LogPort } from '@hcdl/lake';

/** The metrics the sweep reports (CloudWatch embedded metric format on Lambda: Powertools Metrics). */
export interface SweepMetrics {
  add(name: SweepMetricName, unit: 'Seconds' | 'Count', value: number): void;
  /** Writes the metrics of this run (one EMF log line). */
  flush(): void;
}

/** Metric names (the alarms in infra/src/stacks/sweeper.ts use them). */
export const SweepMetric = {
  /** Age of the oldest message still waiting for staging: the business alarm. */
  OldestIngestedAge: 'OldestIngestedAgeSeconds',
  Resumed: 'ResumedMessages',
  Waiting: 'WaitingMessages',
  DeadLettersCleared: 'DeadLettersCleared',
  DeadLettersStranded: 'DeadLettersStranded',
} as const;
export type SweepMetricName = (typeof SweepMetric)[keyof typeof SweepMetric];

export interface SweeperDeps {
  catalog: Pick<Catalog, 'listMessages' | 'getMessage' | 'updateMessage'>;
  hub: Hub;
  deadLetters: DeadLetterQueue;
  logger: LogPort;
  metrics: SweepMetrics;
  config: { resumeAfterMinutes: number };
  now?: () => Date;
}

export interface SweepSummary {
  resume: ResumeStaleResult;
  deadLetters: ReconcileResult;
}

/**
 * The sweep function (EventBridge Scheduler, every few minutes): thin wiring of @hcdl/core's
 * sweep use-case. Dead letters whose message has its outcome are cleared first, then rows
 * still `ingested` after the bound are published again; the oldest waiting row's age is
 * reported as a metric whatever happens, so its alarm sees a stalled lake.
 */
export function createHandler(deps: SweeperDeps) {
  const clock = (): Date => deps.now?.() ?? new Date();
  const publishIngested = createIngestedPublisher({ hub: deps.hub, logger: deps.logger, now: () => clock().toISOString() });
  const sweep = createSweep({ catalog: deps.catalog, logger: deps.logger, now: clock, publishIngested });
  return middy(async (_input: unknown): Promise<SweepSummary> => {
    const deadLetters = await sweep.reconcileDeadLetters(deps.deadLetters);
    const resume = await sweep.resumeStale({ olderThanMs: deps.config.resumeAfterMinutes * 60_000 });
    const m = deps.metrics;
    m.add(SweepMetric.OldestIngestedAge, 'Seconds', resume.oldestAgeSeconds);
    m.add(SweepMetric.Resumed, 'Count', resume.resumed);
    m.add(SweepMetric.Waiting, 'Count', resume.waiting);
    m.add(SweepMetric.DeadLettersCleared, 'Count', deadLetters.cleared);
    m.add(SweepMetric.DeadLettersStranded, 'Count', deadLetters.stranded);
    m.flush();
    return { resume, deadLetters };
  });
}
