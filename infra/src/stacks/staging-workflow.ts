/**
 * Amazon States Language of the staging workflow: normalize -> parse, each a Lambda task
 * with retries; a run that still fails is kept in the workflow's dead-letter queue (its input
 * holds only pointers: message id, source, raw key, attempt) and then fails.
 */

export interface StagingWorkflowRefs {
  normalizeFunctionArn: string;
  parseFunctionArn: string;
  deadLetterQueueUrl: string;
}

/** Retries of every Lambda task: Lambda's own transient faults, then task failures (throttled S3/DynamoDB, ...). */
export const TASK_RETRY = [
  // A malformed execution input will never succeed: no retry.
  { ErrorEquals: ['ValidationError'], MaxAttempts: 0 },
  {
    ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException'],
    IntervalSeconds: 1,
    MaxAttempts: 4,
    BackoffRate: 2,
    JitterStrategy: 'FULL',
  },
  { ErrorEquals: ['States.TaskFailed', 'States.Timeout'], IntervalSeconds: 2, MaxAttempts: 2, BackoffRate: 2, JitterStrategy: 'FULL' },
] as const;

const CATCH_ALL = [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'KeepFailedRun' }] as const;

function lambdaTask(functionArn: string, next: { Next: string } | { End: true }) {
  return {
    Type: 'Task',
    Resource: 'arn:aws:states:::lambda:invoke',
    Parameters: { FunctionName: functionArn, 'Payload.$': '$' },
    OutputPath: '$.Payload',
    TimeoutSeconds: 120,
    Retry: TASK_RETRY,
    Catch: CATCH_ALL,
    ...next,
  };
}

/** The state machine definition as an object (rendered with JSON.stringify: tokens resolve inside). */
export function stagingWorkflowDefinition(refs: StagingWorkflowRefs) {
  return {
    Comment: 'HCDL staging of one HL7 v2 ER7 message: normalize then parse (pointers only in the state)',
    StartAt: 'Normalize',
    TimeoutSeconds: 300,
    States: {
      Normalize: lambdaTask(refs.normalizeFunctionArn, { Next: 'Parse' }),
      Parse: lambdaTask(refs.parseFunctionArn, { End: true }),
      KeepFailedRun: {
        Type: 'Task',
        Resource: 'arn:aws:states:::sqs:sendMessage',
        Parameters: { QueueUrl: refs.deadLetterQueueUrl, 'MessageBody.$': '$' },
        Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 }],
        Next: 'RunFailed',
      },
      RunFailed: { Type: 'Fail', Error: 'StagingRunFailed', Cause: 'normalize or parse failed after retries; the run is in the staging dead-letter queue' },
    },
  };
}
