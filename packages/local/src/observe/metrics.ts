import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StagingBacklog } from '../staging/scheduler';

/** Submission outcomes by HTTP status: what a dashboard splits ingest by. */
export const INGEST_OUTCOME: Record<number, string> = {
  201: 'ingested',
  409: 'duplicate',
  400: 'rejected',
  401: 'unauthorized',
  403: 'forbidden',
  413: 'too-large',
  415: 'unsupported-media-type',
};

/** What the metrics read when scraped (gauges are computed then, not kept up to date). */
export interface MetricsSources {
  backlog(): StagingBacklog;
}

/**
 * The local lake's Prometheus metrics (prom-client, one registry per lake: two lakes in one
 * process, as in tests, do not share counters). Labels are route templates and outcomes,
 * never ids: cardinality stays bounded and no identifier reaches a metrics store.
 */
export function createLakeMetrics(sources: MetricsSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'hcdl_process_' });
  const requests = new Counter({
    name: 'hcdl_http_requests_total',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const duration = new Histogram({
    name: 'hcdl_http_request_duration_seconds',
    help: 'HTTP request latency by method and route template',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const ingest = new Counter({
    name: 'hcdl_ingest_requests_total',
    help: 'Submissions by transport and outcome (ingested, duplicate, rejected, unauthorized, forbidden, too-large, ...)',
    labelNames: ['transport', 'outcome'] as const,
    registers: [registry],
  });
  const ingestDuration = new Histogram({
    name: 'hcdl_ingest_duration_seconds',
    help: 'Submission latency until durable, by transport',
    labelNames: ['transport'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const messages = new Counter({ name: 'hcdl_messages_ingested_total', help: 'Messages stored in the raw zone (every transport)', registers: [registry] });
  const staged = new Counter({
    name: 'hcdl_staging_outcomes_total',
    help: 'Staging outcomes (staged, failed)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const lag = new Histogram({
    name: 'hcdl_staging_lag_seconds',
    help: 'Time from receipt to the staging outcome',
    labelNames: ['outcome'] as const,
    buckets: [0.01, 0.05, 0.1, 0.5, 1, 5, 30, 60, 300, 1800, 3600],
    registers: [registry],
  });
  const backlog = (name: string, help: string, pick: (b: StagingBacklog) => number | null) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(pick(sources.backlog()) ?? 0);
      },
    });
  backlog('hcdl_staging_backlog_messages', 'Messages stored and not staged yet (capped count)', (b) => b.waiting);
  backlog('hcdl_staging_oldest_waiting_seconds', 'Age of the oldest message waiting for staging', (b) => b.oldestWaitingSeconds);
  backlog('hcdl_staging_in_flight', 'Messages being staged now', (b) => b.staging);
  const mllp = new Gauge({ name: 'hcdl_mllp_connections', help: 'Open MLLP connections', registers: [registry] });
  const mllpConnections = new Counter({ name: 'hcdl_mllp_connections_total', help: 'MLLP connections accepted', registers: [registry] });

  return {
    registry,
    /** One HTTP request served (route: its template, or `unmatched`). */
    request(method: string, route: string, status: number, seconds: number): void {
      requests.inc({ method, route, status: String(status) });
      duration.observe({ method, route }, seconds);
    },
    /** One submission answered (HTTP status, or the MLLP ACK mapped to one). */
    submission(transport: 'http' | 'mllp', status: number, seconds: number): void {
      ingest.inc({ transport, outcome: INGEST_OUTCOME[status] ?? (status >= 500 ? 'error' : 'other') });
      ingestDuration.observe({ transport }, seconds);
    },
    ingested(): void {
      messages.inc();
    },
    stagingOutcome(outcome: 'staged' | 'failed', lagSeconds: number): void {
      staged.inc({ outcome });
      lag.observe({ outcome }, Math.max(0, lagSeconds));
    },
    /** The open MLLP connections changed (listener hook). */
    mllpConnections(open: number, accepted: boolean): void {
      mllp.set(open);
      if (accepted) mllpConnections.inc();
    },
    async text(): Promise<{ contentType: string; body: string }> {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}

export type LakeMetrics = ReturnType<typeof createLakeMetrics>;
