/** Error family of the infra package: every failure the app raises is an InfraError. */
export class InfraError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfraError';
  }
}

/** The environment variables do not describe a deployable configuration. */
export class InfraConfigError extends InfraError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'InfraConfigError';
  }
}

/** A function bundle (functions/<name>/dist/index.mjs) is missing at synth time. */
export class MissingBundleError extends InfraError {
  readonly functionName: string;
  readonly bundlePath: string;
  constructor(functionName: string, bundlePath: string) {
    super(`The Lambda bundle of "${functionName}" is missing (${bundlePath}). Run \`pnpm build\` at the repository root first, then synth again.`);
    this.name = 'MissingBundleError';
    this.functionName = functionName;
    this.bundlePath = bundlePath;
  }
}
