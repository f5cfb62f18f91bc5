import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult } from './support/synth';

const ONCALL = 'arn:aws:sns:eu-west-1:123456789012:hcdl-oncall';
let withTargets: SynthResult;
let plain: SynthResult;

beforeAll(() => {
  withTargets = synthAll({ HCDL_ALARM_ACTIONS: ONCALL, HCDL_ALARM_EMAILS: 'oncall@example.org,lab-it@example.org' });
  plain = synthAll();
});
afterAll(() => {
  withTargets.cleanup();
  plain.cleanup();
});

const alarmsOf = (synth: SynthResult) =>
  Object.entries(synth.json).flatMap(([stack, json]) => Object.values(resourcesOf(json, 'aws_cloudwatch_metric_alarm')).map((alarm) => ({ stack, alarm })));
/** The alarm topic as each stack references it: in core its own resource, elsewhere core's output. */
function alarmTopicRef(synth: SynthResult, stack: string): string {
  const core = synth.json.core;
  const topic = findResource(core, 'aws_sns_topic', (t) => t.name === 'hcdl-dev-alarms');
  if (stack === 'core') return refTo(core, 'aws_sns_topic', topic, 'arn');
  const id = Object.entries(resourcesOf(core, 'aws_sns_topic')).find(([, t]) => t === topic)?.[0] as string;
  const output = `cross-stack-output-aws_sns_topic${id}arn`;
  if (core.output?.[output] === undefined) throw new Error('core does not output the alarm topic');
  return `\${data.terraform_remote_state.cross-stack-reference-input-core.outputs.${output}}`;
}

describe('alarms', () => {
  it('every function has an errors alarm, every dead-letter queue a depth alarm, and every other queue redrives to one', () => {
    const names = alarmsOf(plain).map(({ alarm }) => String(alarm.alarm_name));
    const functions = Object.values(plain.json).flatMap((s) => Object.values(resourcesOf(s, 'aws_lambda_function')).map((f) => String(f.function_name)));
    expect(functions.sort()).toEqual([
      'hcdl-dev-core-writer',
      'hcdl-dev-front-door',
      'hcdl-dev-landing',
      'hcdl-dev-query-api',
      'hcdl-dev-refined',
      'hcdl-dev-staging-stage',
      'hcdl-dev-sweeper',
    ]);
    for (const fn of functions) for (const kind of ['errors', 'throttles', 'near-timeout']) expect(names).toContain(`${fn}-${kind}`);
    const queues = Object.values(plain.json).flatMap((s) => Object.entries(resourcesOf(s, 'aws_sqs_queue')));
    const dlqArns = new Set(
      queues.map(([, q]) =>
        q.redrive_policy === undefined ? undefined : (JSON.parse(String(q.redrive_policy)) as { deadLetterTargetArn: string }).deadLetterTargetArn,
      ),
    );
    const deadLetterQueues = queues.filter(([id]) => dlqArns.has(`\${aws_sqs_queue.${id}.arn}`)).map(([, q]) => String(q.name));
    const sourceQueues = queues.filter(([, q]) => q.redrive_policy !== undefined).map(([, q]) => String(q.name));
    expect(deadLetterQueues.sort()).toEqual(['hcdl-dev-landing-dlq', 'hcdl-dev-refined-dlq', 'hcdl-dev-staging-dlq']);
    expect(sourceQueues.sort()).toEqual(['hcdl-dev-landing', 'hcdl-dev-refined', 'hcdl-dev-staging']);
    // every queue is one or the other: nothing waits in a queue without ending up where an alarm sees it
    expect([...deadLetterQueues, ...sourceQueues].sort()).toEqual(queues.map(([, q]) => String(q.name)).sort());
    for (const queue of deadLetterQueues) expect(names).toContain(`${queue}-depth`);
    // runs that fail after their retries are seen before their events reach the DLQ
    expect(names).toContain('hcdl-dev-staging-failed-runs');
  });

  it('every alarm notifies the alarm topic, on alarm and on recovery, with nothing configured', () => {
    const alarms = alarmsOf(plain);
    expect(alarms.length).toBeGreaterThanOrEqual(7);
    for (const { stack, alarm } of alarms) {
      const topic = alarmTopicRef(plain, stack);
      expect([alarm.alarm_name, alarm.alarm_actions, alarm.ok_actions]).toEqual([alarm.alarm_name, [topic], [topic]]);
    }
  });

  it('every alarm also notifies the configured targets', () => {
    const alarms = alarmsOf(withTargets);
    expect(alarms.length).toBe(alarmsOf(plain).length);
    for (const { stack, alarm } of alarms) {
      expect(alarm).toMatchObject({ alarm_actions: [alarmTopicRef(withTargets, stack), ONCALL], ok_actions: [alarmTopicRef(withTargets, stack), ONCALL] });
    }
  });

  it('the alarm topic is encrypted, only CloudWatch alarms of the account publish to it, and the configured addresses are subscribed', () => {
    const core = withTargets.json.core;
    const topic = findResource(core, 'aws_sns_topic', (t) => t.name === 'hcdl-dev-alarms');
    const arn = refTo(core, 'aws_sns_topic', topic, 'arn');
    expect(String(topic.kms_master_key_id)).toMatch(/^\$\{aws_kms_key\./);
    const policy = JSON.parse(String(findResource(core, 'aws_sns_topic_policy', (p) => p.arn === arn).policy)) as { Statement: unknown[] };
    expect(policy.Statement).toEqual([
      {
        Sid: 'CloudWatchAlarmsPublish',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['sns:Publish'],
        Resource: [arn],
        Condition: { StringEquals: { 'aws:SourceAccount': '${data.aws_caller_identity.account.account_id}' } },
      },
    ]);
    const subscriptions = Object.values(resourcesOf(core, 'aws_sns_topic_subscription')).filter((s) => s.topic_arn === arn);
    expect(subscriptions.map((s) => [s.protocol, s.endpoint]).sort()).toEqual([
      ['email', 'lab-it@example.org'],
      ['email', 'oncall@example.org'],
    ]);
    expect(Object.values(resourcesOf(plain.json.core, 'aws_sns_topic_subscription'))).toEqual([]);
  });
});
