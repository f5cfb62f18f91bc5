import { QueryError } from './errors';

/** Configuration of `hcdl query --athena`: read here, once per process, and nowhere else. */
export interface AthenaCliConfig {
  workgroup: string;
  database: string;
  region?: string;
  /** Athena data catalog (default AwsDataCatalog). */
  catalog?: string;
}

export class AthenaConfigError extends QueryError {
  constructor(message: string) {
    super(message);
    this.name = 'AthenaConfigError';
  }
}

/**
 * HCDL_ATHENA_WORKGROUP and HCDL_ATHENA_DATABASE (the analytics stack's outputs) are
 * required; the region is HCDL_ATHENA_REGION, else AWS_REGION, else the SDK's own chain.
 */
export function readAthenaConfig(env: NodeJS.ProcessEnv = process.env): AthenaCliConfig {
  const workgroup = env.HCDL_ATHENA_WORKGROUP ?? '';
  const database = env.HCDL_ATHENA_DATABASE ?? '';
  const missing = [workgroup === '' ? 'HCDL_ATHENA_WORKGROUP' : '', database === '' ? 'HCDL_ATHENA_DATABASE' : ''].filter(Boolean);
  if (missing.length > 0) throw new AthenaConfigError(`--athena needs ${missing.join(' and ')} (outputs of the analytics stack)`);
  const config: AthenaCliConfig = { workgroup, database };
  const region = env.HCDL_ATHENA_REGION || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (region) config.region = region;
  if (env.HCDL_ATHENA_CATALOG) config.catalog = env.HCDL_ATHENA_CATALOG;
  return config;
}
