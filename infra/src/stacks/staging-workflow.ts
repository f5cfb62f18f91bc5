/**
 * Amazon States Language of the staging workflow (Express, started synchronously by the
 * staging pipe, one run per `ingested` event): Stage (read raw, normalize and parse once,
 * staging JSON + patient facts or diagnostics) then Outcome (core-writer: the zones, the
 * catalog, the patient index, `staged`/`failed`). A run that still fails after the task
 * retries fails: the pipe leaves the `ingested` event in the staging queue, which retries it
 * and then keeps it in its dead-letter queue for a redrive.
 */

export interface StagingWorkflowRefs {
  stageFunctionArn: string;
  outcomeFunctionArn: string;
}

/** Error names of inputs that can never succeed (no retry): a malformed state or event. */
export const NEVER_RETRIED = ['StepInputError', 'ValidationError'] as const;

/**
 * Retries of every Lambda task: Lambda's own transient faults, then task failures (throttled
 * S3/DynamoDB, ...). Each retrier counts its own attempts, so a task runs at most
 * 1 + 3 + 2 = 6 times, waiting at most 1 + 2 + 4 s and 2 + 4 s between them.
 */
export const TASK_RETRY = [
  { ErrorEquals: [...NEVER_RETRIED], MaxAttempts: 0 },
  {
    ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
    IntervalSeconds: 1,
    MaxAttempts: 3,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
  { ErrorEquals: ['States.TaskFailed', 'States.Timeout'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
] as const;

/** Longest a task may run (the functions' own timeout is shorter). */
export const TASK_TIMEOUT_SECONDS = 20;
/**
 * Longest a whole run may take (an Express workflow's limit is 5 minutes); the staging
 * queue's visibility timeout is longer. Every retry of both tasks fits inside it: the worst
 * case is 2 tasks x (6 attempts x 20 s + 13 s of back-off) = 266 s (infra/test/staging.test.ts
 * computes it from the synthesized definition), so a run is never cut short by its own timeout
 * while a retry it promises is still due.
 */
export const WORKFLOW_TIMEOUT_SECONDS = 300;

function lambdaTask(functionArn: string, next: { Next: string } | { End: true }) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArn, 'Payload.$': '$' },
    OutputPath: '$.Payload',
    TimeoutSeconds: TASK_TIMEOUT_SECONDS,
    Retry: TASK_RETRY,
    ...next,
  };
}

/** The state machine definition as an object (rendered with JSON.stringify: tokens resolve inside). */
export function stagingWorkflowDefinition(refs: StagingWorkflowRefs) {
  return {
    Comment: 'HCDL staging of one HL7 v2 ER7 message: stage (parse once) then record the outcome',
    StartAt: 'Stage',
    TimeoutSeconds: WORKFLOW_TIMEOUT_SECONDS,
    States: {
      Stage: lambdaTask(refs.stageFunctionArn, { Next: 'Outcome' }),
      Outcome: lambdaTask(refs.outcomeFunctionArn, { End: true }),
    },
  };
}
