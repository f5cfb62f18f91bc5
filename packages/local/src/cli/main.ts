#!/usr/bin/env node
import { Command } from 'commander';
import { ExitCode } from './errors';
import { attach, CommanderError, exitCodeOf, type CliContext, routeOutput } from './kit';
import { COMMANDS } from './registry';
import { HCDL_VERSION } from './version';
import type { CliIo } from './commands/io';

const DESCRIPTION = `HCDL, the HL7 v2 data lake. Exit status: 0 ok, 1 refused input or failed work,
2 usage error, 3 lake unreachable or credentials refused.`;

/**
 * Runs `hcdl <argv>` and resolves to the exit code; never starts anything for `--help`. Only
 * the module of the command named is loaded (the others are listed by name for the help).
 */
export async function main(
  argv: string[],
  io: CliIo = { stdout: process.stdout, stderr: process.stderr },
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  const wanted = argv[0] === 'help' ? argv[1] : argv[0];
  const ctx: CliContext = { io, env };
  const program = new Command('hcdl')
    .description(DESCRIPTION)
    .version(HCDL_VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help');
  program.helpCommand('help [command]', 'show help for a command');
  let code: number = ExitCode.Ok;
  for (const entry of COMMANDS) {
    const cmd = program.command(entry.args === undefined ? entry.name : `${entry.name} ${entry.args}`).description(entry.summary);
    if (entry.name !== wanted) continue;
    let spec;
    try {
      spec = await entry.load();
    } catch {
      io.stderr.write(`hcdl: the '${entry.name}' command is not available in this build\n`);
      return ExitCode.Usage;
    }
    // A command that parses its own arguments gets them untouched.
    if ('raw' in spec) return argv[0] === 'help' ? spec.raw(['--help'], io, env) : spec.raw(argv.slice(1), io, env);
    cmd.helpOption('-h, --help', 'show help');
    attach(spec.declare(cmd), spec, ctx, (c) => {
      code = c;
    });
  }
  routeOutput(program, io);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) return exitCodeOf(err);
    throw err;
  }
  return code;
}

/** `hcdl <command> <args>` run in-process, for a command module's own `run<Name>` export. */
export const runNamed = (name: string, args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> => main([name, ...args], io, env);

if (process.argv[1] !== undefined && /cli[\\/]main\.(ts|js|mjs)$/.test(process.argv[1])) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      process.stderr.write(`hcdl: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = ExitCode.Failed;
    },
  );
}
