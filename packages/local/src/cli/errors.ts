/**
 * The CLI's error family: each error carries the exit code the process ends with, and a
 * message that is printed as one line (`hcdl <command>: <message>`), never a stack. Messages
 * name files, ids, codes and counts, never message content.
 */
export const ExitCode = {
  Ok: 0,
  /** The input or the lake's answer was refused (validation, rejected or failed messages, no lake). */
  Failed: 1,
  /** The command line itself is wrong (unknown option, missing argument, bad value). */
  Usage: 2,
  /** The lake or the cloud cannot be reached, or refused the credentials. */
  Unreachable: 3,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export class CliError extends Error {
  readonly exitCode: ExitCode;
  constructor(message: string, exitCode: ExitCode, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

/** A usage error found after parsing (two options that cannot go together, a value out of range). */
export class CliUsageError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Usage, options);
    this.name = 'CliUsageError';
  }
}

/** Refused input, or a lake that answered no. */
export class CliInputError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Failed, options);
    this.name = 'CliInputError';
  }
}

/** The lake (or a port to listen on) cannot be reached, or the token is refused. */
export class CliUnreachableError extends CliError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.Unreachable, options);
    this.name = 'CliUnreachableError';
  }
}
