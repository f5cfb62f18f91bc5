/** Amazon States Language as the staging workflow uses it, read back from a synthesized definition. */

export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: string;
}

export interface AslTaskState {
  Type: string;
  Resource?: string;
  Parameters?: Record<string, string>;
  OutputPath?: string;
  TimeoutSeconds?: number;
  Retry?: AslRetrier[];
  Catch?: unknown[];
  Next?: string;
  End?: boolean;
}

export interface AslDefinition {
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, AslTaskState>;
}

// ASL defaults of a retrier (https://states-language.net/spec.html#retrying-after-error).
const DEFAULT_INTERVAL = 1;
const DEFAULT_MAX_ATTEMPTS = 3;
const DEFAULT_BACKOFF = 2;

/**
 * The retrier Step Functions applies to an error: the first whose ErrorEquals names it,
 * `States.ALL`, or `States.TaskFailed` (which matches every error but `States.Timeout`).
 */
export function retrierFor(state: AslTaskState, error: string): AslRetrier | undefined {
  return (state.Retry ?? []).find(
    (r) => r.ErrorEquals.includes(error) || r.ErrorEquals.includes('States.ALL') || (error !== 'States.Timeout' && r.ErrorEquals.includes('States.TaskFailed')),
  );
}

/** Longest wait of a retrier over all its retries (full jitter waits at most the un-jittered interval). */
function backoffSeconds(r: AslRetrier): number {
  let total = 0;
  for (let k = 0; k < (r.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS); k++) {
    const wait = (r.IntervalSeconds ?? DEFAULT_INTERVAL) * (r.BackoffRate ?? DEFAULT_BACKOFF) ** k;
    total += r.MaxDelaySeconds === undefined ? wait : Math.min(wait, r.MaxDelaySeconds);
  }
  return total;
}

/**
 * Worst-case duration of one run that walks every state from StartAt to its end: for each
 * Task, every retrier spends all its attempts (each retrier counts its own), each attempt
 * runs to the task's TimeoutSeconds, and every back-off waits its longest. A task without its
 * own TimeoutSeconds has no bound (ASL's default is 99999999 s), which is refused.
 */
export function worstCaseRunSeconds(definition: AslDefinition): number {
  let total = 0;
  const seen = new Set<string>();
  for (let name: string | undefined = definition.StartAt; name !== undefined; ) {
    if (seen.has(name)) throw new Error(`state ${name} is visited twice: the walk has a loop`);
    seen.add(name);
    const state: AslTaskState | undefined = definition.States[name];
    if (state === undefined) throw new Error(`state ${name} is not defined`);
    if (state.Type === 'Task') {
      if (state.TimeoutSeconds === undefined) throw new Error(`task ${name} has no TimeoutSeconds`);
      const retriers = state.Retry ?? [];
      const attempts = 1 + retriers.reduce((n: number, r: AslRetrier) => n + (r.MaxAttempts ?? DEFAULT_MAX_ATTEMPTS), 0);
      total += attempts * state.TimeoutSeconds + retriers.reduce((n: number, r: AslRetrier) => n + backoffSeconds(r), 0);
    }
    name = state.End === true ? undefined : state.Next;
  }
  const unvisited = Object.keys(definition.States).filter((s) => !seen.has(s));
  if (unvisited.length > 0) throw new Error(`states off the walk are not counted: ${unvisited.join(', ')}`);
  return total;
}
