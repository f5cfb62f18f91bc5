import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import { configureBackend } from '../backend';
import type { InfraConfig } from '../config';

/** Every HCDL stack: the AWS provider for the configured region (tagged) and its state backend. */
export class LakeStack extends TerraformStack {
  constructor(scope: Construct, id: string, config: InfraConfig) {
    super(scope, id);
    new AwsProvider(this, 'aws', {
      region: config.region,
      defaultTags: [{ tags: { project: 'hcdl', environment: config.env, stack: id } }],
    });
    configureBackend(this, id, config);
  }
}
