import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resourcesOf, synthAll, type SynthResult } from './support/synth';

const ONCALL = 'arn:aws:sns:eu-west-1:123456789012:hcdl-oncall';
let withTargets: SynthResult;
let without: SynthResult;

beforeAll(() => {
  withTargets = synthAll({ HCDL_ALARM_ACTIONS: ONCALL });
  without = synthAll();
});
afterAll(() => {
  withTargets.cleanup();
  without.cleanup();
});

const alarmsOf = (synth: SynthResult) => Object.values(synth.json).flatMap((stack) => Object.values(resourcesOf(stack, 'aws_cloudwatch_metric_alarm')));

describe('alarms', () => {
  it('every function has an errors alarm, every dead-letter queue a depth alarm, and every other queue redrives to one', () => {
    const names = alarmsOf(without).map((a) => String(a.alarm_name));
    const functions = Object.values(without.json).flatMap((s) => Object.values(resourcesOf(s, 'aws_lambda_function')).map((f) => String(f.function_name)));
    expect(functions.sort()).toEqual(['hcdl-dev-core-writer', 'hcdl-dev-front-door', 'hcdl-dev-query-api', 'hcdl-dev-staging-stage']);
    for (const fn of functions) expect(names).toContain(`${fn}-errors`);
    const queues = Object.values(without.json).flatMap((s) => Object.entries(resourcesOf(s, 'aws_sqs_queue')));
    const dlqArns = new Set(
      queues.map(([, q]) =>
        q.redrive_policy === undefined ? undefined : (JSON.parse(String(q.redrive_policy)) as { deadLetterTargetArn: string }).deadLetterTargetArn,
      ),
    );
    const deadLetterQueues = queues.filter(([id]) => dlqArns.has(`\${aws_sqs_queue.${id}.arn}`)).map(([, q]) => String(q.name));
    const sourceQueues = queues.filter(([, q]) => q.redrive_policy !== undefined).map(([, q]) => String(q.name));
    expect(deadLetterQueues).toEqual(['hcdl-dev-staging-dlq']);
    expect(sourceQueues).toEqual(['hcdl-dev-staging']);
    // every queue is one or the other: nothing waits in a queue without ending up where an alarm sees it
    expect([...deadLetterQueues, ...sourceQueues].sort()).toEqual(queues.map(([, q]) => String(q.name)).sort());
    for (const queue of deadLetterQueues) expect(names).toContain(`${queue}-depth`);
    // runs that fail after their retries are seen before their events reach the DLQ
    expect(names).toContain('hcdl-dev-staging-failed-runs');
  });

  it('notify nobody unless targets are configured', () => {
    for (const alarm of alarmsOf(without)) expect(alarm.alarm_actions).toBeUndefined();
  });

  it('notify the configured targets, on alarm and on recovery', () => {
    const alarms = alarmsOf(withTargets);
    expect(alarms.length).toBe(alarmsOf(without).length);
    for (const alarm of alarms) expect(alarm).toMatchObject({ alarm_actions: [ONCALL], ok_actions: [ONCALL] });
  });
});
