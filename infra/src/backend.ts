import { LocalBackend, S3Backend, type TerraformStack } from 'cdktf';
import type { InfraConfig } from './config';

/**
 * S3 state with locking when a state bucket is configured (DynamoDB lock table, or S3's
 * native lock file when no table is given), else a local state file per env and stack.
 */
export function configureBackend(stack: TerraformStack, stackName: string, config: InfraConfig): void {
  const remote = config.stateBackend;
  if (remote === undefined) {
    // Terraform runs in cdktf.out/stacks/<stack>: the path is relative to that folder, so the
    // state lands beside cdktf.json and every stack's remote-state lookups find the same file.
    new LocalBackend(stack, { path: `../../../terraform.${config.env}.${config.region}.${stackName}.tfstate` });
    return;
  }
  const backend = new S3Backend(stack, {
    bucket: remote.bucket,
    // The region is part of the key: one environment may be deployed to two regions.
    key: `${remote.keyPrefix}/${config.env}/${config.region}/${stackName}.tfstate`,
    region: remote.region,
    encrypt: true,
    ...(remote.lockTable !== undefined ? { dynamodbTable: remote.lockTable } : {}),
  });
  // cdktf 0.21's S3Backend has no typed option for the native lock file (Terraform >= 1.10).
  if (remote.lockTable === undefined) backend.addOverride('use_lockfile', true);
}
