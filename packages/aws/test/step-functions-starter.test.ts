import { beforeEach, describe, expect, it } from '@jest/globals';
import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { ValidationError } from '@hcdl/lake';
import { AwsAdapterConfigError } from '../src/errors';
import { stagingExecutionName, StepFunctionsStarter } from '../src/sfn/step-functions-starter';

const ARN = 'arn:aws:states:us-east-1:123456789012:stateMachine:hcdl-dev-staging';
const sfn = mockClient(SFNClient);
const client = (): SFNClient => new SFNClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'y' } });
const ID = '01J8Z3Q4R5S6T7V8W9X0Y1Z2A3';

beforeEach(() => {
  sfn.reset();
  sfn.on(StartExecutionCommand).resolves({ executionArn: `${ARN}:x`, startDate: new Date() });
});

describe('StepFunctionsStarter', () => {
  it('starts the staging state machine with the execution name and the input as JSON', async () => {
    const input = { messageId: ID, source: 'lab-a', rawKey: `raw/source=lab-a/${ID}.hl7`, attempt: 2 };
    await new StepFunctionsStarter(client(), ARN).start(stagingExecutionName(ID, 2), input);
    const calls = sfn.commandCalls(StartExecutionCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({ stateMachineArn: ARN, name: `${ID}-2`, input: JSON.stringify(input) });
  });

  it('names executions deterministically per message and attempt', () => {
    expect(stagingExecutionName(ID, 1)).toBe(`${ID}-1`);
    expect(stagingExecutionName(ID, 1)).toBe(stagingExecutionName(ID, 1));
    expect(stagingExecutionName(ID, 2)).not.toBe(stagingExecutionName(ID, 1));
    expect(() => stagingExecutionName('bad id/..', 1)).toThrow(ValidationError);
    expect(() => stagingExecutionName('x'.repeat(80), 1)).toThrow(ValidationError);
  });

  it('treats ExecutionAlreadyExists (a redelivered event) as started', async () => {
    sfn.on(StartExecutionCommand).rejects(new ExecutionAlreadyExists({ message: 'exists', $metadata: {} }));
    await expect(new StepFunctionsStarter(client(), ARN).start(`${ID}-1`, { messageId: ID })).resolves.toBeUndefined();
  });

  it('propagates other failures', async () => {
    sfn.on(StartExecutionCommand).rejects(new Error('throttled'));
    await expect(new StepFunctionsStarter(client(), ARN).start(`${ID}-1`, { messageId: ID })).rejects.toThrow('throttled');
  });

  it('refuses an invalid name and a missing state machine ARN without calling Step Functions', async () => {
    await expect(new StepFunctionsStarter(client(), ARN).start('has space', {})).rejects.toBeInstanceOf(ValidationError);
    await expect(new StepFunctionsStarter(client(), undefined).start(`${ID}-1`, {})).rejects.toBeInstanceOf(AwsAdapterConfigError);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });
});
