import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { Aspects, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { configureBackend } from '../backend';
import type { InfraConfig } from '../config';
import { AlarmActions } from '../constructs/alarm-actions';

/**
 * Every HCDL stack: the AWS provider for the configured region (tagged), its state backend,
 * and its alarms wired to the configured targets (aspects run per stack, not from the app).
 */
export class LakeStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: InfraConfig) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'hcdl', environment: config.env, stack: id } }],
    });
    configureBackend(this, id, config);
    if (config.alarmActions.length > 0) Aspects.of(this).add(new AlarmActions(config.alarmActions));
  }
}
