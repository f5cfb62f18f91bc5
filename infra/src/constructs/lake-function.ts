import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { Construct } from 'constructs';
import { thresholdAlarm } from './alarm';
import type { LambdaCode } from './bundle';
import { lakeLogGroup } from './log-group';
import { allow, assumeRolePolicy, policyDocument, type PolicyStatement } from './policy';

/** The Lambda settings every HCDL function shares. */
export const LAMBDA_RUNTIME = 'nodejs22.x';
export const LAMBDA_ARCHITECTURE = 'arm64';

export interface LakeFunctionProps {
  /** Full function name (already env-prefixed), also the log group's name. */
  functionName: string;
  /** Name of the function's role: IAM names are global, so it carries the region too (globalResourceName). */
  roleName: string;
  /** The zipped dist/ folder of the function's bundle (bundleAsset in ./bundle). */
  code: LambdaCode;
  /** Exported handler in dist/index.mjs, e.g. `index.handler`. */
  handler: string;
  description: string;
  environment: Record<string, string>;
  /** What this function may do besides writing its own logs and traces. */
  statements: PolicyStatement[];
  logRetentionDays: number;
  /** Key encrypting the function's log group (the lake key). */
  logsKmsKeyArn: string;
  memorySize?: number;
  timeout?: number;
}

/** A run longer than this share of the function's timeout raises its duration alarm. */
export const DURATION_ALARM_SHARE = 0.8;

/**
 * One HCDL Lambda: Node 22 on arm64 with X-Ray, its own log group with retention, its own
 * role with an inline least-privilege policy, and alarms on its errors, its throttles and a
 * run that comes near its timeout (a run that reaches it is killed without a word of its own).
 */
export class LakeFunction extends Construct {
  readonly fn: LambdaFunction;
  readonly role: IamRole;
  readonly logGroup: CloudwatchLogGroup;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: LakeFunctionProps) {
    super(scope, id);
    const { code } = props;
    this.logGroup = lakeLogGroup(this, 'logs', {
      name: `/aws/lambda/${props.functionName}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyArn: props.logsKmsKeyArn,
    });
    this.role = new IamRole(this, 'role', {
      name: props.roleName,
      assumeRolePolicy: assumeRolePolicy('lambda.amazonaws.com'),
    });
    const statements: PolicyStatement[] = [
      // The log group is created above, so the function only needs to write streams into it.
      allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [`${this.logGroup.arn}:*`], 'WriteOwnLogs'),
      // X-Ray trace upload has no resource-level permissions: AWS requires Resource "*".
      allow(['xray:PutTraceSegments', 'xray:PutTelemetryRecords'], ['*'], 'XRayTracing'),
      ...props.statements,
    ];
    this.policy = new IamRolePolicy(this, 'policy', { name: 'least-privilege', role: this.role.id, policy: policyDocument(statements) });
    this.fn = new LambdaFunction(this, 'function', {
      functionName: props.functionName,
      description: props.description,
      role: this.role.arn,
      runtime: LAMBDA_RUNTIME,
      architectures: [LAMBDA_ARCHITECTURE],
      handler: props.handler,
      filename: code.asset.path,
      // What the provider compares with the deployed package: base64 SHA-256 of the zip, a
      // literal computed at synth (the zip is deterministic, so it moves only with the code).
      sourceCodeHash: code.sourceCodeHash,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? 30,
      tracingConfig: { mode: 'Active' },
      environment: { variables: { NODE_OPTIONS: '--enable-source-maps', ...props.environment } },
      loggingConfig: { logFormat: 'JSON', logGroup: this.logGroup.name },
      dependsOn: [this.logGroup, this.policy],
    });
    thresholdAlarm(this, 'errors-alarm', {
      alarmName: `${props.functionName}-errors`,
      description: `${props.functionName} reported errors.`,
      namespace: 'AWS/Lambda',
      metricName: 'Errors',
      dimensions: { FunctionName: this.fn.functionName },
      statistic: 'Sum',
      threshold: 1,
    });
    thresholdAlarm(this, 'throttles-alarm', {
      alarmName: `${props.functionName}-throttles`,
      description: `${props.functionName} was throttled (account or reserved concurrency reached): its events wait or are retried.`,
      namespace: 'AWS/Lambda',
      metricName: 'Throttles',
      dimensions: { FunctionName: this.fn.functionName },
      statistic: 'Sum',
      threshold: 1,
    });
    const timeout = props.timeout ?? 30;
    thresholdAlarm(this, 'duration-alarm', {
      alarmName: `${props.functionName}-near-timeout`,
      description: `A run of ${props.functionName} took more than ${DURATION_ALARM_SHARE * 100}% of its ${timeout} s timeout.`,
      namespace: 'AWS/Lambda',
      metricName: 'Duration',
      dimensions: { FunctionName: this.fn.functionName },
      statistic: 'Maximum',
      threshold: Math.round(timeout * 1000 * DURATION_ALARM_SHARE),
    });
  }
}
