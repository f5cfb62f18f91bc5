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
  it('every function has an errors alarm and every queue a depth alarm, in every stack', () => {
    const names = alarmsOf(without).map((a) => String(a.alarm_name));
    const functions = Object.values(without.json).flatMap((s) => Object.values(resourcesOf(s, 'aws_lambda_function')).map((f) => String(f.function_name)));
    const queues = Object.values(without.json).flatMap((s) => Object.values(resourcesOf(s, 'aws_sqs_queue')).map((q) => String(q.name)));
    expect(functions).toHaveLength(7);
    expect(queues).toHaveLength(3);
    for (const fn of functions) expect(names).toContain(`${fn}-errors`);
    for (const queue of queues) expect(names).toContain(`${queue}-depth`);
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
