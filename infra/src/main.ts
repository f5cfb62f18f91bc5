import path from 'node:path';
import { App } from 'cdktf';
import { buildStacks } from './app';
import { defaultBundleSource } from './constructs/bundle';
import { ensureBundles } from './ensure-bundles';
import { loadInfraConfig } from './env';
import { BUNDLE_NAMES } from './handlers';

/**
 * `pnpm synth` / `cdktf synth|deploy`: builds missing bundles, then writes every stack to
 * cdktf.out/stacks/<name> (plain Terraform JSON). The environment comes from HCDL_ENV or the
 * cdktf context `hcdlEnv` (`cdktf.json` "context", or CDKTF_CONTEXT_JSON).
 */
function main(): void {
  const app = new App({ stackTraces: false });
  const context = app.node.tryGetContext('hcdlEnv') as unknown;
  const config = loadInfraConfig({ context: { env: typeof context === 'string' ? context : undefined } });
  const bundles = defaultBundleSource();
  ensureBundles(bundles, BUNDLE_NAMES, path.resolve(bundles.functionsRoot, '..'));
  buildStacks(app, config, bundles);
  app.synth();
  console.log(`HCDL ${config.env} (${config.region}): synthesized ${app.node.children.length} stacks into ${app.outdir}`);
}

main();
