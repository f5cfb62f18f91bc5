import { readMllpServiceEnv } from './env';
import { startMllpService } from './service';

/**
 * The container's entry point (`node server.mjs`, the image's CMD). ECS stops a task with
 * SIGTERM, then SIGKILL after the task's stop timeout: the listeners stop taking connections
 * and answer the frames in flight first, so no sender loses an ACK it waits for.
 */
async function main(): Promise<void> {
  const service = await startMllpService(readMllpServiceEnv());
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    service.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  // A configuration error names its variable; nothing else is printed (no stack, no value).
  process.stderr.write(
    `hcdl-mllp: ${err instanceof Error ? `${err.name}: ${err.name === 'LambdaConfigError' || err.name === 'MllpConfigError' ? err.message : 'failed to start'}` : 'failed to start'}\n`,
  );
  process.exit(1);
});
