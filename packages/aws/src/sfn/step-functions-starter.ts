import { StartExecutionCommand, type SFNClient, type StartExecutionCommandInput } from '@aws-sdk/client-sfn';
import { ValidationError } from '@hcdl/lake';
import { AwsAdapterConfigError, awsErrorName } from '../errors';

/** Step Functions execution names: 1-80 of letters, digits, `-` and `_`. */
const EXECUTION_NAME = /^[A-Za-z0-9_-]{1,80}$/;

/**
 * The staging execution name of a message attempt: `<messageId>-<attempt>` (a ULID is 26
 * characters, so it always fits). Deterministic, so a redelivered `ingested` event names the
 * same execution; the same rule as `executionName` in functions/staging-er7/src/workflow.ts.
 */
export function stagingExecutionName(messageId: string, attempt: number): string {
  const name = `${messageId}-${attempt}`;
  if (!EXECUTION_NAME.test(name)) throw new ValidationError('staging execution name is not a valid Step Functions name');
  return name;
}

/**
 * Starts the staging Express state machine (the staging-er7 trigger's WorkflowStarter).
 * Input is the staging execution input as JSON (`{ messageId, source, rawKey, attempt }`,
 * pointers only). `ExecutionAlreadyExists` (a name reused with another input) counts as
 * started: the attempt is already running or ran. Express workflows do not deduplicate
 * names the way Standard ones do, so a repeated start of one attempt can run twice; the
 * core-writer's conditional catalog update (expected status) keeps the outcome single.
 */
export class StepFunctionsStarter {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArn: string | undefined,
  ) {}

  /** The exact StartExecution input (exported for tests of the request shape). */
  startInput(name: string, input: object): StartExecutionCommandInput {
    if (this.stateMachineArn === undefined) throw new AwsAdapterConfigError('no staging state machine ARN is configured');
    if (!EXECUTION_NAME.test(name)) throw new ValidationError('execution name must be 1-80 letters, digits, "-" or "_"');
    return { stateMachineArn: this.stateMachineArn, name, input: JSON.stringify(input) };
  }

  async start(name: string, input: object): Promise<void> {
    try {
      await this.sfn.send(new StartExecutionCommand(this.startInput(name, input)));
    } catch (err) {
      if (awsErrorName(err) === 'ExecutionAlreadyExists') return;
      throw err;
    }
  }
}
