import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Aspects, type TerraformOutput, TerraformStack } from 'cdktf';
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
 * Every HCDL stack: the AWS provider for the configured region (tagged), its state backend,
 * and its alarms wired to the configured targets (aspects run per stack, not from the app).
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
    if (config.alarmActions.length > 0) Aspects.of(this).add(new AlarmActions(config.alarmActions));
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
