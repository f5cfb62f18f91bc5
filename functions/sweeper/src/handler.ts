import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { awsClientsFor, dynamoCatalogFor, hubFor, lazyHandler, stagingDeadLettersFor, withLogContext } from '@hcdl/aws';
import { readSweeperEnv } from './env';
import { createHandler, type SweepMetrics, type SweepSummary } from './index';

/** Service dimension of the sweep's metrics (the alarms name it). */
export const SWEEP_SERVICE = 'sweeper';

/**
 * Lambda entry `index.handler`, run by an EventBridge Scheduler schedule. Its metrics are
 * written in CloudWatch embedded metric format (a JSON log line CloudWatch turns into metrics:
 * no PutMetricData call, no extra permission). The catalog is the plain table: the sweep's
 * only write (a waiting row's updatedAt) changes nothing the Athena mirror shows.
 */
export const handler = lazyHandler((): ((input: unknown, context: unknown) => Promise<SweepSummary>) => {
  const env = readSweeperEnv();
  const logger = new Logger({ serviceName: 'hcdl-sweeper', logLevel: env.logLevel });
  const powertools = new Metrics({ namespace: env.metricsNamespace, serviceName: SWEEP_SERVICE });
  const metrics: SweepMetrics = {
    add: (name, unit, value) => powertools.addMetric(name, unit === 'Seconds' ? MetricUnit.Seconds : MetricUnit.Count, value),
    flush: () => powertools.publishStoredMetrics(),
  };
  const clients = awsClientsFor(env);
  return withLogContext(
    logger,
    createHandler({
      catalog: dynamoCatalogFor(env, clients),
      hub: hubFor(env, clients),
      deadLetters: stagingDeadLettersFor(env, clients),
      logger,
      metrics,
      config: { resumeAfterMinutes: env.resumeAfterMinutes },
    }),
  );
});
