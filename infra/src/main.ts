import path from 'node:path';
import { App } from 'cdktf';
import { buildStacks } from './app';
import { defaultBundleSource } from './constructs/bundle';
import { ensureBundles } from './ensure-bundles';
import { loadInfraConfig } from './env';
import { InfraError } from './errors';
import { BUNDLE_NAMES } from './handlers';

/**
 * `pnpm synth` / `cdktf synth|deploy`: builds missing bundles (unless HCDL_BUNDLES_DIR
 * points at prebuilt ones), then writes every stack to
 * cdktf.out/stacks/<name> (plain Terraform JSON). The environment comes from HCDL_ENV or the
 * cdktf context `hcdlEnv` (`cdktf.json` "context", or CDKTF_CONTEXT_JSON).
 */
function main(): void {
  const app = new App({ stackTraces: false });
  const context = app.node.tryGetContext('hcdlEnv') as unknown;
  const config = loadInfraConfig({ context: { env: typeof context === 'string' ? context : undefined } });
  let bundles = defaultBundleSource();
  if (config.bundlesDir !== undefined) bundles = { functionsRoot: config.bundlesDir };
  else ensureBundles(bundles, BUNDLE_NAMES, path.resolve(bundles.functionsRoot, '..'));
  buildStacks(app, config, bundles);
  app.synth();
  console.log(`HCDL ${config.env} (${config.region}): synthesized ${app.node.children.length} stacks into ${app.outdir}`);
}

try {
  main();
} catch (err) {
  // Configuration and bundle problems are the user's to fix: say what, without a stack.
  if (!(err instanceof InfraError)) throw err;
  console.error(`hcdl infra: ${err.message}`);
  process.exitCode = 1;
}
