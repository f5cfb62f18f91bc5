import type { App } from 'cdktf';
import type { InfraConfig } from './config';
import type { BundleSource } from './constructs/bundle';
import { AnalyticsStack } from './stacks/analytics';
import { CoreStack } from './stacks/core';
import { FrontDoorStack } from './stacks/front-door';
import { LandingStack } from './stacks/landing';
import { MllpStack } from './stacks/mllp';
import { RefinedStack } from './stacks/refined';
import { StagingStack } from './stacks/staging';

/** Stack names: the folders under cdktf.out/stacks and the names `cdktf deploy` takes (`mllp` only when configured). */
export const StackName = { Core: 'core', FrontDoor: 'front-door', Staging: 'staging', Landing: 'landing', Analytics: 'analytics', Refined: 'refined' } as const;
/** The optional stack: built when the environment has an `mllp` section. */
export const MLLP_STACK = 'mllp';

export interface HcdlStacks {
  core: CoreStack;
  frontDoor: FrontDoorStack;
  staging: StagingStack;
  landing: LandingStack;
  analytics: AnalyticsStack;
  refined: RefinedStack;
  mllp?: MllpStack;
}

/** Builds every HCDL stack into the app; core's resources are handed to the others as props. */
export function buildStacks(app: App, config: InfraConfig, bundles: BundleSource): HcdlStacks {
  const core = new CoreStack(app, StackName.Core, { config });
  const frontDoor = new FrontDoorStack(app, StackName.FrontDoor, { config, bundles, core });
  const staging = new StagingStack(app, StackName.Staging, { config, bundles, core });
  const landing = new LandingStack(app, StackName.Landing, { config, bundles, core });
  const analytics = new AnalyticsStack(app, StackName.Analytics, { config, core });
  const refined = new RefinedStack(app, StackName.Refined, { config, bundles, core });
  const mllpConfig = config.mllp;
  if (mllpConfig === undefined) return { core, frontDoor, staging, landing, analytics, refined };
  const mllp = new MllpStack(app, MLLP_STACK, { config: { ...config, mllp: mllpConfig }, core });
  return { core, frontDoor, staging, landing, analytics, refined, mllp };
}
