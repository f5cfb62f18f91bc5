import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STAGING_SUBSCRIPTION } from '@hcdl/fn-staging-er7/subscription';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';

let synth: SynthResult;
let st: TfJson;

beforeAll(() => {
  synth = synthAll();
  st = synth.json.staging;
});
afterAll(() => synth.cleanup());

const fnNamed = (name: string) => findResource(st, 'aws_lambda_function', (f) => f.function_name === name);
const machine = () => findResource(st, 'aws_sfn_state_machine', () => true);
const queueNamed = (name: string) => findResource(st, 'aws_sqs_queue', (q) => q.name === name);

interface TaskState {
  Type: string;
  Resource: string;
  Parameters: Record<string, string>;
  OutputPath?: string;
  Next?: string;
  End?: boolean;
  Retry: { ErrorEquals: string[]; MaxAttempts: number }[];
  Catch: { ErrorEquals: string[]; Next: string }[];
}

describe('staging stack: trigger', () => {
  it('is subscribed to the hub with the filter policy declared in functions/staging-er7/src/subscription.ts', () => {
    const sub = findResource(st, 'aws_sns_topic_subscription', () => true);
    expect(JSON.parse(sub.filter_policy as string)).toEqual(STAGING_SUBSCRIPTION.filterPolicy);
    expect(sub).toMatchObject({
      protocol: 'lambda',
      filter_policy_scope: 'MessageAttributes',
      endpoint: refTo(st, 'aws_lambda_function', fnNamed('hcdl-dev-staging-trigger'), 'arn'),
      topic_arn: expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-core\.outputs\.cross-stack-output-aws_sns_topic/),
    });
  });

  it('sends what SNS cannot deliver and what the function still fails on to an encrypted DLQ', () => {
    const dlq = queueNamed('hcdl-dev-staging-trigger-dlq');
    const dlqArn = refTo(st, 'aws_sqs_queue', dlq, 'arn');
    expect(dlq.kms_master_key_id).toEqual(expect.stringContaining('aws_kms_key'));
    expect(JSON.parse(findResource(st, 'aws_sns_topic_subscription', () => true).redrive_policy as string)).toEqual({ deadLetterTargetArn: dlqArn });
    expect(fnNamed('hcdl-dev-staging-trigger').dead_letter_config).toEqual({ target_arn: dlqArn });
    // SNS may write into the DLQ, only for deliveries from the hub topic
    const queuePolicy = JSON.parse(
      findResource(st, 'aws_sqs_queue_policy', (p) => p.queue_url === refTo(st, 'aws_sqs_queue', dlq, 'url')).policy as string,
    ) as {
      Statement: { Principal: unknown; Condition: { ArnEquals: Record<string, string> } }[];
    };
    expect(queuePolicy.Statement[0]?.Principal).toEqual({ Service: 'sns.amazonaws.com' });
    expect(queuePolicy.Statement[0]?.Condition.ArnEquals['aws:SourceArn']).toContain('aws_sns_topic');
  });

  it('knows the state machine it starts', () => {
    const vars = (fnNamed('hcdl-dev-staging-trigger').environment as { variables: Record<string, string> }).variables;
    expect(vars.HCDL_STAGING_STATE_MACHINE_ARN).toBe(refTo(st, 'aws_sfn_state_machine', machine(), 'arn'));
  });
});

describe('staging stack: workflow', () => {
  it('is an Express state machine with tracing and logging (no execution data) to a retained log group', () => {
    const logs = findResource(st, 'aws_cloudwatch_log_group', (l) => l.name === '/aws/vendedlogs/states/hcdl-dev-staging');
    expect(logs.retention_in_days).toBe(14);
    expect(machine()).toMatchObject({
      name: 'hcdl-dev-staging',
      type: 'EXPRESS',
      tracing_configuration: { enabled: true },
      logging_configuration: { level: 'ALL', include_execution_data: false, log_destination: `${refTo(st, 'aws_cloudwatch_log_group', logs, 'arn')}:*` },
    });
  });

  it('runs normalize then parse as Lambda tasks with retries, keeping failed runs in its DLQ', () => {
    const definition = JSON.parse(machine().definition as string) as { StartAt: string; States: Record<string, TaskState> };
    expect(definition.StartAt).toBe('Normalize');
    const normalize = definition.States.Normalize as TaskState;
    const parse = definition.States.Parse as TaskState;
    expect(normalize).toMatchObject({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Parameters: { FunctionName: refTo(st, 'aws_lambda_function', fnNamed('hcdl-dev-staging-normalize'), 'arn'), 'Payload.$': '$' },
      OutputPath: '$.Payload',
      Next: 'Parse',
    });
    expect(parse).toMatchObject({ Parameters: { FunctionName: refTo(st, 'aws_lambda_function', fnNamed('hcdl-dev-staging-parse'), 'arn') }, End: true });
    for (const task of [normalize, parse]) {
      const lambdaRetry = task.Retry.find((r) => r.ErrorEquals.includes('Lambda.TooManyRequestsException'));
      expect(lambdaRetry?.MaxAttempts).toBeGreaterThan(0);
      expect(task.Retry.find((r) => r.ErrorEquals.includes('ValidationError'))?.MaxAttempts).toBe(0);
      expect(task.Catch).toEqual([expect.objectContaining({ ErrorEquals: ['States.ALL'], Next: 'KeepFailedRun' })]);
    }
    expect(definition.States.KeepFailedRun).toMatchObject({
      Resource: 'arn:aws:states:::sqs:sendMessage',
      Parameters: { QueueUrl: refTo(st, 'aws_sqs_queue', queueNamed('hcdl-dev-staging-workflow-dlq'), 'url') },
      Next: 'RunFailed',
    });
    expect(definition.States.RunFailed?.Type).toBe('Fail');
  });

  it('deploys the staging-er7 bundle once for its three handlers', () => {
    const names = ['hcdl-dev-staging-trigger', 'hcdl-dev-staging-normalize', 'hcdl-dev-staging-parse'];
    expect(names.map((n) => fnNamed(n).handler)).toEqual(['index.handler', 'index.normalize', 'index.parse']);
    expect(new Set(names.map((n) => fnNamed(n).filename)).size).toBe(1);
    for (const n of names) expect(fnNamed(n)).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], tracing_config: { mode: 'Active' } });
  });

  it("alarms on DLQ depth, failed runs and every function's errors", () => {
    const alarms = Object.values(resourcesOf(st, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
    expect(alarms.sort()).toEqual(
      [
        'hcdl-dev-staging-failed-runs',
        'hcdl-dev-staging-normalize-errors',
        'hcdl-dev-staging-parse-errors',
        'hcdl-dev-staging-trigger-dlq-depth',
        'hcdl-dev-staging-trigger-errors',
        'hcdl-dev-staging-workflow-dlq-depth',
      ].sort(),
    );
  });
});

describe('staging stack: snapshot', () => {
  it('matches the reviewed synthesized JSON', () => {
    expect(st).toMatchSnapshot();
  });
});
