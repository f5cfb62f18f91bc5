import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Aspects, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { configureBackend } from '../backend';
import { resourceName, type InfraConfig } from '../config';
import { AlarmActions } from '../constructs/alarm-actions';
import type { CoreResources } from './core';

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

  /** The environment's name of a resource: `hcdl-<env>-<name>`. */
  protected resourceName(name: string): string {
    return resourceName(this.config.env, name);
  }

  /** What every lake function shares: core's HCDL_* variables, log retention, logs under the lake key. */
  protected lakeFunctionDefaults(core: CoreResources): { environment: Record<string, string>; logRetentionDays: number; logsKmsKeyArn: string } {
    return { environment: { ...core.lakeEnvironment() }, logRetentionDays: this.config.logRetentionDays, logsKmsKeyArn: core.key.arn };
  }
}
