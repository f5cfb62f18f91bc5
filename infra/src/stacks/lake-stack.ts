import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { type TerraformOutput, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { configureBackend } from '../backend';
import { globalResourceName, resourceName, type InfraConfig } from '../config';
import { AlarmActions } from '../constructs/alarm-actions';
import type { CoreResources } from './core';

/**
 * Whether a referenced attribute (`<type>.<id>.<attribute>`, as cdktf names cross-stack
 * references) holds a secret: passwords, secret keys, private keys, tokens (the AWS
 * provider's sensitive attributes are named so). Secrets should not cross stacks at all
 * (Secrets Manager is the place); if one ever does, its output stays sensitive.
 */
export function isSecretAttribute(identifier: string): boolean {
  const attribute = identifier.split('.').slice(2).join('.');
  return /(secret|password|private_key|token)/i.test(attribute);
}

/**
 * Every HCDL stack: the AWS provider for the configured region (tagged) and its state backend;
 * a stack with alarms sends them to the alarm topic (notifyAlarmsTo).
 */
export class LakeStack extends TerraformStack {
  constructor(
    scope: Construct,
    id: string,
    protected readonly config: InfraConfig,
  ) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'hcdl', environment: config.env, stack: id } }],
    });
    configureBackend(this, id, config);
  }

  private alarmTargets: AlarmActions | undefined;

  /**
   * Every alarm of this stack notifies the lake's alarm topic (core's) and the configured
   * further targets, on alarm and on recovery (applied in prepareStack, to every alarm the
   * stack holds by then).
   */
  protected notifyAlarmsTo(alarmTopicArn: string): void {
    this.alarmTargets = new AlarmActions([alarmTopicArn, ...this.config.alarmActions]);
  }

  /**
   * Sets the alarm targets before cdktf resolves the stack: prepareStack is where cross-stack
   * references become outputs of the producing stack, and it runs for every stack before any
   * is written (an Aspect runs later, while this stack is written, too late for core to
   * output the alarm topic's ARN).
   */
  override prepareStack(): void {
    const targets = this.alarmTargets;
    if (targets !== undefined) for (const node of this.node.findAll()) targets.visit(node);
    super.prepareStack();
  }

  /**
   * cdktf 0.21 marks every output it creates for a cross-stack reference `sensitive` (with no
   * option to say otherwise), and Terraform carries the mark through `terraform_remote_state`:
   * the consumer's plan showed `(sensitive value)` for every IAM policy and Lambda setting
   * built from core's names and ARNs, so a reviewer could not see an IAM change in a pull
   * request. Names and ARNs are not secrets: their outputs are left readable. An attribute
   * that is a secret (isSecretAttribute) keeps the mark.
   */
  override registerOutgoingCrossStackReference(identifier: string): TerraformOutput {
    const output = super.registerOutgoingCrossStackReference(identifier);
    output.sensitive = isSecretAttribute(identifier);
    return output;
  }

  /** The environment's name of a regional resource: `hcdl-<env>-<name>`. */
  protected resourceName(name: string): string {
    return resourceName(this.config.env, name);
  }

  /** The environment's name of a global resource (IAM): `hcdl-<env>-<region>-<name>`. */
  protected globalName(name: string): string {
    return globalResourceName(this.config.env, this.config.region, name);
  }

  /** What every lake function shares: core's HCDL_* variables, log retention, logs under the lake key. */
  protected lakeFunctionDefaults(core: CoreResources): { environment: Record<string, string>; logRetentionDays: number; logsKmsKeyArn: string } {
    return { environment: { ...core.lakeEnvironment() }, logRetentionDays: this.config.logRetentionDays, logsKmsKeyArn: core.key.arn };
  }
}
