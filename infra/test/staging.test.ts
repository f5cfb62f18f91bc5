import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { STAGING_SUBSCRIPTION } from '@hcdl/core/subscriptions';
import { failedEvent, ingestedEvent, type MessageRecord, matchesFilterPolicy, MessageStatus, rawKey, stagedEvent } from '@hcdl/lake';
import { LAMBDAS } from '../src/handlers';
import { STAGING_MAX_RECEIVES } from '../src/stacks/staging';
import { RESUME_AFTER_MINUTES, SWEEP_EVERY_MINUTES } from '../src/stacks/sweeper';
import { stagingWorkflowDefinition, TASK_RETRY, TASK_TIMEOUT_SECONDS } from '../src/stacks/staging-workflow';
import { roleStatements, type Statement } from './support/policies';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';
import { type AslDefinition, type AslTaskState, retrierFor, worstCaseRunSeconds } from './support/workflow';

let synth: SynthResult;
let st: TfJson;

beforeAll(() => {
  synth = synthAll();
  st = synth.json.staging;
});
afterAll(() => synth.cleanup());

const fnNamed = (name: string) => findResource(st, 'aws_lambda_function', (f) => f.function_name === name);
const stageFn = () => fnNamed('hcdl-dev-staging-stage');
const coreWriterFn = () => fnNamed('hcdl-dev-core-writer');
const sweeperFn = () => fnNamed('hcdl-dev-sweeper');
const machine = () => findResource(st, 'aws_sfn_state_machine', () => true);
const definition = () => JSON.parse(machine().definition as string) as AslDefinition;
const task = (name: string) => definition().States[name] as AslTaskState;
const queueNamed = (name: string) => findResource(st, 'aws_sqs_queue', (q) => q.name === name);
const stagingQueue = () => queueNamed('hcdl-dev-staging');
const dlq = () => queueNamed('hcdl-dev-staging-dlq');
const subscription = () => findResource(st, 'aws_sns_topic_subscription', () => true);
const pipe = () => findResource(st, 'aws_pipes_pipe', () => true);
const varsOf = (fn: Record<string, unknown>) => (fn.environment as { variables: Record<string, string> }).variables;

/** Core's lake key and hub topic, as the staging stack references them (remote-state outputs). */
const LAKE_KEY = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-core\.outputs\.cross-stack-output-aws_kms_key[\w-]*arn\}$/;
const HUB_TOPIC = /^\$\{data\.terraform_remote_state\.cross-stack-reference-input-core\.outputs\.cross-stack-output-aws_sns_topichub[\w-]*arn\}$/;

/** An ER7 message's row as the front door writes it. */
const ROW: MessageRecord = {
  messageId: '01JAB3CDEFGHJKMNPQRSTVWXYZ',
  source: 'clinic-a',
  protocol: 'hl7v2',
  format: 'er7',
  status: MessageStatus.Ingested,
  receivedAt: '2024-10-16T00:00:00.000Z',
  updatedAt: '2024-10-16T00:00:00.000Z',
  contentHash: 'ab'.repeat(32),
  size: 120,
  rawKey: rawKey('clinic-a', '01JAB3CDEFGHJKMNPQRSTVWXYZ'),
  attempts: 0,
  messageType: 'ADT^A01',
};

describe('staging stack: queue', () => {
  it('is encrypted with the lake key and redrives an event to its DLQ after STAGING_MAX_RECEIVES runs', () => {
    const queue = stagingQueue();
    expect(queue.kms_master_key_id).toMatch(LAKE_KEY);
    expect(JSON.parse(queue.redrive_policy as string)).toEqual({
      deadLetterTargetArn: refTo(st, 'aws_sqs_queue', dlq(), 'arn'),
      maxReceiveCount: STAGING_MAX_RECEIVES,
    });
    expect(STAGING_MAX_RECEIVES).toBeGreaterThan(1);
    // the DLQ keeps events 14 days, encrypted too, and redrives nowhere
    expect(dlq()).toMatchObject({ kms_master_key_id: expect.stringMatching(LAKE_KEY), message_retention_seconds: 14 * 24 * 3600 });
    expect(dlq().redrive_policy).toBeUndefined();
    expect(Number(dlq().message_retention_seconds)).toBeGreaterThan(Number(queue.message_retention_seconds));
  });

  it('keeps a received event invisible longer than a whole workflow run may take (no second run while the first one lives)', () => {
    expect(Number(stagingQueue().visibility_timeout_seconds)).toBeGreaterThan(definition().TimeoutSeconds);
  });
});

describe('staging stack: hub subscription', () => {
  it('delivers the hub to the queue raw, with the filter policy declared in @hcdl/core/subscriptions', () => {
    const sub = subscription();
    expect(sub).toMatchObject({
      protocol: 'sqs',
      endpoint: refTo(st, 'aws_sqs_queue', stagingQueue(), 'arn'),
      raw_message_delivery: true,
      filter_policy_scope: 'MessageAttributes',
      topic_arn: expect.stringMatching(HUB_TOPIC),
    });
    expect(JSON.parse(sub.filter_policy as string)).toEqual(STAGING_SUBSCRIPTION.filterPolicy);
  });

  it('the filter policy lets `ingested` of an ER7 message through, and not `staged` or `failed`', () => {
    const policy = JSON.parse(subscription().filter_policy as string) as typeof STAGING_SUBSCRIPTION.filterPolicy;
    expect(matchesFilterPolicy(policy, { ...ingestedEvent(ROW).attributes })).toBe(true);
    expect(matchesFilterPolicy(policy, { ...ingestedEvent({ ...ROW, messageType: undefined }).attributes })).toBe(true);
    const staged = stagedEvent({ ...ROW, status: MessageStatus.Staged, stagingKey: 'staging/x.json', attempts: 1 });
    const failed = failedEvent({ ...ROW, status: MessageStatus.Error, errorKey: 'error/x.hl7', attempts: 1 }, { stage: 'parse', diagnostics: [] });
    expect(matchesFilterPolicy(policy, { ...staged.attributes })).toBe(false);
    expect(matchesFilterPolicy(policy, { ...failed.attributes })).toBe(false);
  });

  it('lets only the hub topic send to the queue, and subscribes once that policy exists', () => {
    const policies = Object.values(resourcesOf(st, 'aws_sqs_queue_policy'));
    expect(policies).toHaveLength(1);
    const queuePolicy = policies[0] as Record<string, unknown>;
    expect(queuePolicy.queue_url).toBe(refTo(st, 'aws_sqs_queue', stagingQueue(), 'url'));
    expect((JSON.parse(queuePolicy.policy as string) as { Statement: unknown[] }).Statement).toEqual([
      {
        Sid: 'HubDelivers',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Resource: refTo(st, 'aws_sqs_queue', stagingQueue(), 'arn'),
        Condition: { ArnEquals: { 'aws:SourceArn': subscription().topic_arn } },
      },
    ]);
    expect(subscription().depends_on).toEqual([`aws_sqs_queue_policy.${Object.keys(resourcesOf(st, 'aws_sqs_queue_policy'))[0]}`]);
  });
});

describe('staging stack: pipe', () => {
  it('starts one synchronous workflow run per queued event', () => {
    expect(pipe()).toMatchObject({
      name: 'hcdl-dev-staging',
      source: refTo(st, 'aws_sqs_queue', stagingQueue(), 'arn'),
      target: refTo(st, 'aws_sfn_state_machine', machine(), 'arn'),
      source_parameters: { sqs_queue_parameters: { batch_size: 1 } },
      target_parameters: { step_function_state_machine_parameters: { invocation_type: 'REQUEST_RESPONSE' } },
    });
  });

  it('runs as a role EventBridge Pipes assumes, which may read the queue, decrypt it and start this machine only', () => {
    const role = findResource(st, 'aws_iam_role', (r) => r.name === 'hcdl-dev-eu-west-1-staging-pipe');
    expect(pipe().role_arn).toBe(refTo(st, 'aws_iam_role', role, 'arn'));
    expect(JSON.parse(role.assume_role_policy as string)).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'pipes.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    expect(roleStatements({ staging: st }, 'hcdl-dev-eu-west-1-staging-pipe')).toEqual([
      {
        Sid: 'ReadStagingQueue',
        Effect: 'Allow',
        Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        Resource: [refTo(st, 'aws_sqs_queue', stagingQueue(), 'arn')],
      },
      { Sid: 'DecryptQueuedEvents', Effect: 'Allow', Action: ['kms:Decrypt'], Resource: [expect.stringMatching(LAKE_KEY)] },
      { Sid: 'RunStaging', Effect: 'Allow', Action: ['states:StartSyncExecution'], Resource: [refTo(st, 'aws_sfn_state_machine', machine(), 'arn')] },
    ]);
    // the pipe is created once its role may do its work
    const policyId = Object.entries(resourcesOf(st, 'aws_iam_role_policy')).find(([, p]) => p.role === refTo(st, 'aws_iam_role', role, 'id'))?.[0];
    expect(pipe().depends_on).toEqual([`aws_iam_role_policy.${String(policyId)}`]);
  });
});

describe('staging stack: workflow', () => {
  it('is an Express state machine with tracing, logging errors only and no execution data, to a retained encrypted log group', () => {
    const logs = findResource(st, 'aws_cloudwatch_log_group', (l) => l.name === '/aws/vendedlogs/states/hcdl-dev-staging');
    expect(logs).toMatchObject({ retention_in_days: 14, kms_key_id: expect.stringMatching(LAKE_KEY) });
    expect(machine()).toMatchObject({
      name: 'hcdl-dev-staging',
      type: 'EXPRESS',
      tracing_configuration: { enabled: true },
      logging_configuration: { level: 'ERROR', include_execution_data: false, log_destination: `${refTo(st, 'aws_cloudwatch_log_group', logs, 'arn')}:*` },
    });
  });

  it('runs Stage then Outcome, each invoking its own function with the state as payload', () => {
    const def = definition();
    expect(def.StartAt).toBe('Stage');
    expect(Object.keys(def.States).sort()).toEqual(['Outcome', 'Stage']);
    const common = { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', OutputPath: '$.Payload', TimeoutSeconds: TASK_TIMEOUT_SECONDS };
    expect(task('Stage')).toMatchObject({
      ...common,
      Parameters: { FunctionName: refTo(st, 'aws_lambda_function', stageFn(), 'arn'), 'Payload.$': '$' },
      Next: 'Outcome',
    });
    expect(task('Outcome')).toMatchObject({
      ...common,
      Parameters: { FunctionName: refTo(st, 'aws_lambda_function', coreWriterFn(), 'arn'), 'Payload.$': '$' },
      End: true,
    });
    expect(task('Stage').End).toBeUndefined();
    expect(task('Outcome').Next).toBeUndefined();
  });

  it('retries each task with TASK_RETRY and catches nothing: a failed run goes back to the queue', () => {
    for (const name of ['Stage', 'Outcome']) {
      expect([name, task(name).Retry]).toEqual([name, JSON.parse(JSON.stringify(TASK_RETRY))]);
      expect([name, task(name).Catch]).toEqual([name, undefined]);
    }
  });

  it.each(['StepInputError', 'ValidationError'])('never retries %s (an input that can never succeed)', (error) => {
    for (const name of ['Stage', 'Outcome']) expect([name, retrierFor(task(name), error)?.MaxAttempts]).toEqual([name, 0]);
  });

  it.each(['Lambda.TooManyRequestsException', 'Lambda.ServiceException', 'States.Timeout', 'States.TaskFailed', 'Sandbox.Timedout'])(
    'retries %s (transient)',
    (error) => {
      const retried = ['Stage', 'Outcome'].map((name) => [name, (retrierFor(task(name), error)?.MaxAttempts ?? 0) > 0]);
      expect(retried).toEqual([
        ['Stage', true],
        ['Outcome', true],
      ]);
    },
  );

  it('fits every retry it promises inside the run timeout, within the Express limit of 5 minutes', () => {
    const def = definition();
    const budget = worstCaseRunSeconds(def);
    // 2 tasks x (6 attempts x 20 s + (1 + 2 + 4) + (2 + 4) s of back-off)
    expect(budget).toBe(2 * (6 * TASK_TIMEOUT_SECONDS + 13));
    expect(budget).toBeLessThanOrEqual(def.TimeoutSeconds);
    expect(def.TimeoutSeconds).toBeLessThanOrEqual(300);
  });

  it('the budget check fails on a definition whose retries outlast the run', () => {
    const tooLong = stagingWorkflowDefinition({ stageFunctionArn: 'stage', outcomeFunctionArn: 'outcome' }) as unknown as AslDefinition;
    for (const state of Object.values(tooLong.States)) {
      (state as AslTaskState).TimeoutSeconds = 30;
      (state as AslTaskState).Retry = [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 4, BackoffRate: 2 }];
    }
    expect(worstCaseRunSeconds(tooLong)).toBe(2 * (5 * 30 + 15));
    expect(worstCaseRunSeconds(tooLong)).toBeGreaterThan(tooLong.TimeoutSeconds);
    // ASL defaults count too: a retrier without MaxAttempts retries 3 times, 1 s then doubling
    const defaults = {
      ...tooLong,
      States: { Stage: { ...(tooLong.States.Stage as AslTaskState), Retry: [{ ErrorEquals: ['States.ALL'] }], Next: undefined, End: true } },
    };
    expect(worstCaseRunSeconds(defaults as AslDefinition)).toBe(4 * 30 + 1 + 2 + 4);
    // and a task without its own timeout has no bound at all
    const unbounded = { ...defaults, States: { Stage: { ...defaults.States.Stage, TimeoutSeconds: undefined } } };
    expect(() => worstCaseRunSeconds(unbounded as unknown as AslDefinition)).toThrow(/TimeoutSeconds/);
  });

  it('may invoke its two functions and nothing else', () => {
    const statements = roleStatements({ staging: st }, 'hcdl-dev-eu-west-1-staging-workflow');
    const invoke = statements.filter((s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]).some((a) => String(a).startsWith('lambda:')));
    const fns = [refTo(st, 'aws_lambda_function', stageFn(), 'arn'), refTo(st, 'aws_lambda_function', coreWriterFn(), 'arn')];
    expect(invoke).toEqual([{ Sid: 'InvokeSteps', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [...fns, ...fns.map((f) => `${f}:*`)] }]);
    const other = statements
      .flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action ?? '']))
      .filter((a) => !/^(lambda:InvokeFunction|logs:|xray:)/.test(a));
    expect(other).toEqual([]);
  });
});

describe('staging stack: functions', () => {
  it.each([
    ['hcdl-dev-staging-stage', LAMBDAS.stagingStage],
    ['hcdl-dev-core-writer', LAMBDAS.coreWriter],
  ])('%s runs its bundle and handler on Node 22 arm64 with X-Ray, stopping before its task times out', (name, { bundle, handler }) => {
    const fn = fnNamed(name);
    expect(fn).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler, tracing_config: { mode: 'Active' } });
    expect(String(fn.filename)).toMatch(new RegExp(`^assets/${bundle}-code/[0-9A-F]+/${bundle}\\.zip$`));
    expect(Number(fn.timeout)).toBeLessThan(TASK_TIMEOUT_SECONDS);
    // invoked synchronously by the workflow only: no dead-letter queue, no other trigger
    expect(fn.dead_letter_config).toBeUndefined();
    const logGroup = findResource(st, 'aws_cloudwatch_log_group', (l) => l.name === `/aws/lambda/${name}`);
    expect(logGroup.retention_in_days).toBe(14);
  });

  it('nothing but the workflow invokes them: no Lambda permission, no Lambda subscription', () => {
    expect(resourcesOf(st, 'aws_lambda_permission')).toEqual({});
    expect(Object.values(resourcesOf(st, 'aws_sns_topic_subscription')).map((s) => s.protocol)).toEqual(['sqs']);
    expect(resourcesOf(st, 'aws_lambda_event_source_mapping')).toEqual({});
  });

  it("both read core's resources from the lake environment; only core-writer mirrors the catalog", () => {
    for (const fn of [stageFn(), coreWriterFn()]) {
      for (const name of ['HCDL_LAKE_BUCKET', 'HCDL_KMS_KEY_ID', 'HCDL_CATALOG_TABLE', 'HCDL_HUB_TOPIC_ARN']) {
        expect([fn.function_name, name, varsOf(fn)[name]]).toEqual([
          fn.function_name,
          name,
          expect.stringMatching(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-core\.outputs\./),
        ]);
      }
      expect(Object.keys(varsOf(fn)).filter((v) => /INGEST|STATE_MACHINE/.test(v))).toEqual([]);
    }
    expect(varsOf(coreWriterFn()).HCDL_CATALOG_MIRROR).toBe('true');
    expect(varsOf(stageFn()).HCDL_CATALOG_MIRROR).toBeUndefined();
  });
});

describe('staging stack: alarms', () => {
  it("alarms on failed, timed-out and throttled runs, on hub delivery failures, on the DLQ's depth, on each function's errors, throttles and near-timeout runs, and on the oldest waiting message", () => {
    const alarms = Object.values(resourcesOf(st, 'aws_cloudwatch_metric_alarm'));
    const perFunction = ['hcdl-dev-core-writer', 'hcdl-dev-staging-stage', 'hcdl-dev-sweeper'].flatMap((fn) => [
      `${fn}-errors`,
      `${fn}-throttles`,
      `${fn}-near-timeout`,
    ]);
    expect(alarms.map((a) => a.alarm_name).sort()).toEqual(
      [
        ...perFunction,
        'hcdl-dev-staging-dlq-depth',
        'hcdl-dev-staging-failed-runs',
        'hcdl-dev-staging-timed-out-runs',
        'hcdl-dev-staging-throttled',
        'hcdl-dev-hub-delivery-failures',
        'hcdl-dev-sweeper-oldest-ingested',
      ].sort(),
    );
    const alarm = (name: string) => alarms.find((a) => a.alarm_name === name);
    expect(alarm('hcdl-dev-staging-failed-runs')).toMatchObject({
      namespace: 'AWS/States',
      metric_name: 'ExecutionsFailed',
      dimensions: { StateMachineArn: refTo(st, 'aws_sfn_state_machine', machine(), 'arn') },
      threshold: 1,
    });
    expect(alarm('hcdl-dev-staging-dlq-depth')).toMatchObject({
      namespace: 'AWS/SQS',
      metric_name: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: refTo(st, 'aws_sqs_queue', dlq(), 'name') },
      threshold: 1,
    });
    for (const fn of [stageFn(), coreWriterFn(), sweeperFn()]) {
      const dimensions = { FunctionName: refTo(st, 'aws_lambda_function', fn, 'function_name') };
      expect(alarm(`${String(fn.function_name)}-errors`)).toMatchObject({ namespace: 'AWS/Lambda', metric_name: 'Errors', dimensions });
      expect(alarm(`${String(fn.function_name)}-throttles`)).toMatchObject({ namespace: 'AWS/Lambda', metric_name: 'Throttles', dimensions, threshold: 1 });
      // a run that comes within 20% of its timeout, before one is killed by it
      expect(alarm(`${String(fn.function_name)}-near-timeout`)).toMatchObject({
        namespace: 'AWS/Lambda',
        metric_name: 'Duration',
        statistic: 'Maximum',
        dimensions,
        threshold: Number(fn.timeout) * 1000 * 0.8,
      });
    }
    for (const [name, metric] of [
      ['hcdl-dev-staging-timed-out-runs', 'ExecutionsTimedOut'],
      ['hcdl-dev-staging-throttled', 'ExecutionThrottled'],
    ] as const) {
      expect(alarm(name)).toMatchObject({
        namespace: 'AWS/States',
        metric_name: metric,
        dimensions: { StateMachineArn: refTo(st, 'aws_sfn_state_machine', machine(), 'arn') },
      });
    }
    expect(alarm('hcdl-dev-hub-delivery-failures')).toMatchObject({
      namespace: 'AWS/SNS',
      metric_name: 'NumberOfNotificationsFailed',
      dimensions: { TopicName: expect.stringMatching(/cross-stack-output-aws_sns_topichub[\w-]*name\}$/) },
      threshold: 1,
    });
    // the business alarm: a message waited twice the resume bound (the sweep's metric, embedded metric format)
    expect(alarm('hcdl-dev-sweeper-oldest-ingested')).toMatchObject({
      namespace: 'HCDL/dev',
      metric_name: 'OldestIngestedAgeSeconds',
      dimensions: { service: 'sweeper' },
      statistic: 'Maximum',
      threshold: 2 * RESUME_AFTER_MINUTES * 60,
    });
  });
});

describe('staging stack: snapshot', () => {
  it('matches the reviewed synthesized JSON', () => {
    expect(st).toMatchSnapshot();
  });
});

describe('staging stack: the stranded-message sweep', () => {
  it('runs the sweeper every few minutes from an EventBridge Scheduler schedule, whose role may invoke only it', () => {
    const schedule = findResource(st, 'aws_scheduler_schedule', (x) => x.name === 'hcdl-dev-sweep');
    expect(schedule).toMatchObject({
      schedule_expression: `rate(${SWEEP_EVERY_MINUTES} minutes)`,
      flexible_time_window: { mode: 'OFF' },
      target: {
        arn: refTo(st, 'aws_lambda_function', sweeperFn(), 'arn'),
        input: JSON.stringify({ schedule: 'hcdl-dev-sweep' }),
        retry_policy: { maximum_retry_attempts: 0 },
      },
    });
    expect(roleStatements(synth.json, 'hcdl-dev-eu-west-1-sweeper-schedule')).toEqual([
      { Sid: 'RunTheSweep', Effect: 'Allow', Action: ['lambda:InvokeFunction'], Resource: [refTo(st, 'aws_lambda_function', sweeperFn(), 'arn')] },
    ]);
  });

  it('tells the sweeper the dead-letter queue, the resume bound and its metrics namespace', () => {
    expect(varsOf(sweeperFn())).toMatchObject({
      HCDL_STAGING_DLQ_URL: refTo(st, 'aws_sqs_queue', dlq(), 'url'),
      HCDL_RESUME_AFTER_MINUTES: String(RESUME_AFTER_MINUTES),
      HCDL_METRICS_NAMESPACE: 'HCDL/dev',
      HCDL_CATALOG_TABLE: expect.any(String),
      HCDL_HUB_TOPIC_ARN: expect.any(String),
    });
    expect(varsOf(sweeperFn()).HCDL_CATALOG_MIRROR).toBeUndefined();
    // longer than the staging queue's whole retry span: a message still being retried is not resumed
    expect(RESUME_AFTER_MINUTES * 60).toBeGreaterThanOrEqual(STAGING_MAX_RECEIVES * Number(stagingQueue().visibility_timeout_seconds));
  });

  it("the sweeper's role: the status index, updatedAt of MSG# rows, the hub, the dead-letter queue; no object", () => {
    const statements = roleStatements(synth.json, 'hcdl-dev-eu-west-1-sweeper');
    const sids = statements.map((x) => x.Sid);
    expect(sids).toEqual(['WriteOwnLogs', 'XRayTracing', 'ReadCatalog', 'MoveWaitingRows', 'PublishHubEvents', 'ReconcileDeadLetters', 'UseLakeKey']);
    expect(statements.find((x) => x.Sid === 'MoveWaitingRows')).toMatchObject({
      Action: ['dynamodb:UpdateItem'],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MSG#*'] } },
    });
    expect(statements.find((x) => x.Sid === 'ReconcileDeadLetters')).toMatchObject({
      Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      Resource: [refTo(st, 'aws_sqs_queue', dlq(), 'arn')],
    });
    expect(JSON.stringify(statements)).not.toContain('s3:');
  });
});
