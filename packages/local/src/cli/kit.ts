import { type Command, CommanderError, InvalidArgumentError } from 'commander';
import { CliError, ExitCode } from './errors';
import type { CliIo } from './commands/io';

/** What a command runs with: where it prints, the environment it reads (tests pass their own). */
export interface CliContext {
  io: CliIo;
  env: NodeJS.ProcessEnv;
}

/**
 * A command on commander: `declare` adds its options and help text to the command (named
 * with its arguments by the registry), `run` does the work and resolves to the exit code.
 * `run` gets the declared arguments in order and the parsed options.
 */
export interface CommandSpec {
  declare(cmd: Command): Command;
  run(ctx: CliContext, args: unknown[], opts: Record<string, unknown>): Promise<number>;
}

/**
 * A command that still parses its own arguments (`(args, io) => code`): registered with
 * every argument passed through untouched, its own `--help` included. The way in for a
 * command written before the CLI moved to commander; port it to a CommandSpec when touched.
 */
export interface RawCommandSpec {
  raw: (args: string[], io: CliIo, env: NodeJS.ProcessEnv) => Promise<number>;
}

export type AnyCommandSpec = CommandSpec | RawCommandSpec;

/** The full name of a command (`hcdl mirror backfill`). */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c !== null; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Writes `hcdl <command>: <message>` (one line) and returns the error's exit code. */
export function reportError(io: CliIo, cmd: Command, err: unknown): number {
  if (err instanceof CliError) {
    io.stderr.write(`${commandPath(cmd)}: ${err.message}\n`);
    if (err.exitCode === ExitCode.Usage) io.stderr.write(usageLine(cmd));
    return err.exitCode;
  }
  const e = err instanceof Error ? err : new Error(String(err));
  io.stderr.write(`${commandPath(cmd)}: ${e.name === 'Error' ? '' : `${e.name}: `}${e.message.split('\n')[0]}\n`);
  return ExitCode.Failed;
}

function usageLine(cmd: Command): string {
  return `usage: ${commandPath(cmd)} ${cmd.usage()} (${commandPath(cmd)} --help for more)\n`;
}

/**
 * Routes commander's output to the io, and its errors to one line naming the command plus its
 * usage line, on every command of the tree.
 */
export function routeOutput(cmd: Command, io: CliIo): void {
  cmd.configureOutput({
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => write(`${commandPath(cmd)}: ${s.replace(/^error: /, '')}${cmd.parent === null ? '' : usageLine(cmd)}`),
  });
  cmd.exitOverride();
  for (const sub of cmd.commands) routeOutput(sub, io);
}

/** The exit code of an error commander threw (exitOverride): help and version are success. */
export function exitCodeOf(err: CommanderError): number {
  if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version') return ExitCode.Ok;
  // `hcdl help` asked for it; bare `hcdl` shows it for want of a command.
  if (err.code === 'commander.help') return err.exitCode === 0 ? ExitCode.Ok : ExitCode.Usage;
  return ExitCode.Usage;
}

export { CommanderError };

/** The leaf command an action runs on (a spec's `declare` may add subcommands, e.g. `mirror backfill`). */
export function attach(cmd: Command, spec: CommandSpec, ctx: CliContext, done: (code: number) => void): void {
  cmd.action(async (...params: unknown[]) => {
    const self = params[params.length - 1] as Command;
    try {
      done(await spec.run(ctx, self.processedArgs, self.opts()));
    } catch (err) {
      done(reportError(ctx.io, self, err));
    }
  });
}

// Option value parsers: a bad value is a usage error (exit 2) naming the option.

/** An integer within [min, max]. */
export function integer(min: number, max = Number.MAX_SAFE_INTEGER): (v: string) => number {
  return (v) => {
    const n = Number(v);
    if (!/^-?\d+$/.test(v.trim()) || n < min || n > max)
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min} is expected` : `an integer from ${min} to ${max} is expected`);
    return n;
  };
}

/** An ISO-8601 instant, normalized to `toISOString()`. */
export function instant(v: string): string {
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw new InvalidArgumentError('an ISO-8601 instant is expected, e.g. 2024-05-01T00:00:00Z');
  return new Date(t).toISOString();
}

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A source id (1-64 letters, digits, `.`, `_`, `-`). */
export function sourceId(v: string): string {
  if (!SOURCE.test(v)) throw new InvalidArgumentError('a source id is 1-64 letters, digits, ".", "_" or "-"');
  return v;
}

/** Comma-separated source ids. */
export function sourceList(v: string): string[] {
  const list = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  if (list.length === 0 || list.some((s) => !SOURCE.test(s))) throw new InvalidArgumentError('comma-separated source ids are expected');
  return [...new Set(list)];
}
