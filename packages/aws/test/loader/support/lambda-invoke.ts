/**
 * Synchronous Lambda invokes (InvokeCommand, RequestResponse) forwarded in process to
 * another bundle's export, the way the Lambda service runs them: the payload goes through
 * JSON both ways, and a thrown error becomes `FunctionError: 'Unhandled'` with the
 * runtime's `{ errorType, errorMessage }` payload. Every LambdaClient instance is mocked,
 * the bundles' included (they import this very @aws-sdk/client-lambda, external to them).
 */
import { InvokeCommand, LambdaClient, type InvokeCommandInput } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { lambdaContext } from './events';

export type InvokedHandler = (event: unknown, context: unknown) => Promise<unknown>;

export interface LambdaInvokes {
  /** InvokeCommand inputs since the last reset. */
  calls(): InvokeCommandInput[];
  /** The parsed payloads of those calls. */
  payloads(): unknown[];
  reset(): void;
  restore(): void;
}

const encode = (value: unknown): Uint8Array => Buffer.from(JSON.stringify(value ?? null), 'utf8');

/** Routes invokes of each function name (or ARN) to its handler; an unknown name is the service's ResourceNotFoundException. */
export function forwardLambdaInvokes(functions: Record<string, InvokedHandler>): LambdaInvokes {
  const lambda = mockClient(LambdaClient);
  const arm = (): void => {
    lambda.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
      const name = input.FunctionName ?? '';
      const fn = functions[name];
      if (fn === undefined)
        throw Object.assign(new Error(`Function not found: ${name}`), { name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
      if (input.InvocationType !== 'RequestResponse') throw new Error(`only RequestResponse invokes are forwarded, got ${String(input.InvocationType)}`);
      const event = JSON.parse(Buffer.from(input.Payload as Uint8Array).toString('utf8')) as unknown;
      try {
        const result = await fn(event, lambdaContext(name.split(':').pop() ?? name));
        return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: encode(result) };
      } catch (err) {
        const e = err instanceof Error ? err : new Error(String(err));
        return {
          StatusCode: 200,
          ExecutedVersion: '$LATEST',
          FunctionError: 'Unhandled',
          Payload: encode({ errorType: e.name, errorMessage: e.message, trace: [] }),
        };
      }
    });
  };
  arm();
  const calls = (): InvokeCommandInput[] => lambda.commandCalls(InvokeCommand).map((c) => c.args[0].input);
  return {
    calls,
    payloads: () => calls().map((c) => JSON.parse(Buffer.from(c.Payload as Uint8Array).toString('utf8')) as unknown),
    reset() {
      lambda.reset();
      arm();
    },
    restore: () => lambda.restore(),
  };
}
