import { type LambdaEnvWith, LambdaConfigError, readLambdaEnv } from '@hcdl/aws';
import { type MllpLimits, readMllpLimits } from '@hcdl/local/mllp';

/** The listeners of the container: `port=source` pairs, comma separated (infra/src/stacks/mllp.ts sets it). */
export const LISTENERS_ENV = 'HCDL_MLLP_LISTENERS';
/** Interface the listeners bind (all of the task's by default: the load balancer reaches it over the VPC). */
export const HOST_ENV = 'HCDL_MLLP_HOST';

export interface MllpListenerSetting {
  port: number;
  source: string;
}

export type MllpServiceEnv = LambdaEnvWith<'lakeBucket' | 'catalogTable' | 'idempotencyTable' | 'hubTopicArn'> & {
  listeners: MllpListenerSetting[];
  host: string;
  /** Connections, idle timeout, bytes per connection, TLS: the same settings as the local listener's. */
  limits: MllpLimits;
};

const SOURCE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** `2575=lab,2576=adt` → listeners; a wrong pair names the variable, never its value. */
export function parseListeners(text: string | undefined): MllpListenerSetting[] {
  const pairs = (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  if (pairs.length === 0) throw new LambdaConfigError(LISTENERS_ENV, `${LISTENERS_ENV} is not set (port=source pairs, comma separated)`);
  const listeners = pairs.map((pair) => {
    const [port, source] = pair.split('=');
    const n = Number(port);
    if (!Number.isInteger(n) || n < 0 || n > 65535 || source === undefined || !SOURCE.test(source))
      throw new LambdaConfigError(LISTENERS_ENV, `${LISTENERS_ENV} holds port=source pairs (a port number, a source id)`);
    return { port: n, source };
  });
  const fixed = listeners.filter((l) => l.port !== 0).map((l) => l.port);
  if (new Set(fixed).size !== fixed.length) throw new LambdaConfigError(LISTENERS_ENV, `${LISTENERS_ENV}: each listener needs its own port`);
  return listeners;
}

/** The only place the MLLP container reads its environment (the lake's settings: SETTINGS in @hcdl/lake). */
export function readMllpServiceEnv(env: Readonly<Record<string, string | undefined>> = process.env): MllpServiceEnv {
  const lake = readLambdaEnv(env, ['lakeBucket', 'catalogTable', 'idempotencyTable', 'hubTopicArn']);
  return { ...lake, listeners: parseListeners(env[LISTENERS_ENV]), host: env[HOST_ENV]?.trim() || '0.0.0.0', limits: readMllpLimits(env, lake.maxBodyBytes) };
}
