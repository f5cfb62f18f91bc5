#!/usr/bin/env node
// `pnpm hcdl` and `pnpm start`: run the compiled CLI (plain Node, no TypeScript compiler at
// run time), building it first when it is missing or older than its sources
// (scripts/build-cli.mjs), so a fresh clone's first command works.
import { pathToFileURL } from 'node:url';
import { ensureCli } from './build-cli.mjs';

const main = await ensureCli();
const cli = await import(pathToFileURL(main).href);
process.exitCode = await cli.main(process.argv.slice(2));
