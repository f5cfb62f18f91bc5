import { readConfig } from '../../runtime/env';
import { openLocalLake } from '../../runtime/lake';
import { startServer } from '../../runtime/server';
import { startMllpListener, type MllpListener } from '../../mllp/listener';
import type { CliIo } from './io';

/** `hcdl serve`: the lake on its embedded defaults until SIGINT/SIGTERM. */
export async function runServe(_args: string[], io: CliIo): Promise<number> {
  const config = readConfig();
  const lake = await openLocalLake(config);
  const server = await startServer(lake);
  io.stderr.write(`HCDL lake listening on ${server.url} (data: ${config.dataDir})\n`);
  let mllp: MllpListener | undefined;
  if (config.mllp !== undefined) {
    mllp = await startMllpListener({
      ...config.mllp,
      maxFrameBytes: config.maxBodyBytes,
      submit: lake.app.submit,
      defer: lake.durably,
      logger: lake.logger,
      onConnections: lake.metrics.mllpConnections,
    });
    io.stderr.write(`MLLP listener on ${config.mllp.host}:${mllp.port} (source: ${config.mllp.source})\n`);
  }
  if (lake.devIssuer !== undefined)
    io.stderr.write(`dev OIDC issuer ${lake.devIssuer.issuer}; get a token with: pnpm hcdl token --write <sources> --read <sources>\n`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await mllp?.close();
  await server.close();
  await lake.idle();
  await lake.close();
  return 0;
}
