import type { App } from 'cdktf';
import type { InfraConfig } from './config';
import type { BundleSource } from './constructs/bundle';
import { AnalyticsStack } from './stacks/analytics';
import { CoreStack } from './stacks/core';
import { FrontDoorStack } from './stacks/front-door';
import { StagingStack } from './stacks/staging';

/** Stack names: the folders under cdktf.out/stacks and the names `cdktf deploy` takes. */
export const StackName = { Core: 'core', FrontDoor: 'front-door', Staging: 'staging', Analytics: 'analytics' } as const;

export interface HcdlStacks {
  core: CoreStack;
  frontDoor: FrontDoorStack;
  staging: StagingStack;
  analytics: AnalyticsStack;
}

/** Builds every HCDL stack into the app; core's resources are handed to the others as props. */
export function buildStacks(app: App, config: InfraConfig, bundles: BundleSource): HcdlStacks {
  const core = new CoreStack(app, StackName.Core, { config });
  const frontDoor = new FrontDoorStack(app, StackName.FrontDoor, { config, bundles, core });
  const staging = new StagingStack(app, StackName.Staging, { config, bundles, core });
  const analytics = new AnalyticsStack(app, StackName.Analytics, { config, core });
  return { core, frontDoor, staging, analytics };
}
