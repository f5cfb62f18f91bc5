import autocannon from 'autocannon';

/** What one load run measured. */
export interface LoadResult {
  /** Answers with the expected status per second (over the whole run). */
  rate: number;
  p50: number;
  p99: number;
  /** Connection errors, timeouts and answers with another status. */
  errors: number;
  requests: number;
  seconds: number;
}

export interface LoadOptions {
  url: string;
  path: string;
  connections: number;
  seconds: number;
  /** Requests per second over all connections (default: as fast as answered). */
  rate?: number;
  body?: string;
  headers?: Record<string, string>;
  method?: 'GET' | 'POST';
  /** The status every answer should have (default 201). */
  expect?: number;
}

/** Drives a server with autocannon on loopback, bounded in time. */
export async function load(o: LoadOptions): Promise<LoadResult> {
  const expected = o.expect ?? 201;
  let good = 0;
  let other = 0;
  let finish!: (r: autocannon.Result) => void;
  let fail!: (err: unknown) => void;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const instance = autocannon(
    {
      url: `${o.url}${o.path}`,
      method: o.method ?? 'POST',
      connections: o.connections,
      duration: o.seconds,
      ...(o.rate !== undefined ? { overallRate: o.rate } : {}),
      ...(o.body !== undefined ? { body: o.body, idReplacement: true } : {}),
      headers: o.headers ?? {},
      timeout: 30,
    },
    (err, result) => (err ? fail(err) : finish(result)),
  );
  instance.on('response', (_client: unknown, status: number) => {
    if (status === expected) good++;
    else other++;
  });
  const r = await finished;
  const seconds = o.seconds;
  return {
    rate: good / seconds,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.timeouts + other,
    requests: good + other,
    seconds,
  };
}
