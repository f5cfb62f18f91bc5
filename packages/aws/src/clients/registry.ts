/** Endpoint overrides per service (loopback test servers, LocalStack); absent: the AWS default. */
export interface ClientEndpoints {
  s3?: string;
  dynamodb?: string;
  sns?: string;
  sqs?: string;
  eventbridge?: string;
}

export interface AwsClientsConfig {
  region: string;
  endpoints?: ClientEndpoints;
  /** Explicit credentials (tests); absent: the default provider chain (the Lambda role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
}

/** What every SDK v3 client has and the registry needs. */
export interface DestroyableClient {
  destroy(): void;
}

/**
 * How to build one kind of client. Each factory lives in its own module with the one SDK
 * package it needs, so a bundle imports (and a cold start loads) only the SDK packages of
 * the factories its code reaches.
 */
export interface ClientFactory<C extends DestroyableClient> {
  readonly name: string;
  create(config: AwsClientsConfig, clients: AwsClientRegistry): C;
}

/** Region, endpoint override and credentials of one service's client. */
export function clientOptions(
  config: AwsClientsConfig,
  endpoint: string | undefined,
): { region: string; endpoint?: string; credentials?: AwsClientsConfig['credentials'] } {
  return {
    region: config.region,
    ...(endpoint !== undefined ? { endpoint } : {}),
    ...(config.credentials !== undefined ? { credentials: config.credentials } : {}),
  };
}

/**
 * The clients of one container, each created on its first `get` and then reused. Creating
 * the registry builds nothing (a Lambda makes one on its first invocation; a function that
 * never publishes never constructs an SNS client).
 */
export class AwsClientRegistry {
  private readonly made = new Map<ClientFactory<DestroyableClient>, DestroyableClient>();

  constructor(readonly config: AwsClientsConfig) {}

  get<C extends DestroyableClient>(factory: ClientFactory<C>): C {
    let client = this.made.get(factory) as C | undefined;
    if (client === undefined) {
      client = factory.create(this.config, this);
      this.made.set(factory, client);
    }
    return client;
  }

  /** Names of the clients created so far, in creation order. */
  created(): string[] {
    return [...this.made.keys()].map((f) => f.name);
  }

  /** Releases the sockets of the clients created so far (tests, or a process that stops). */
  destroy(): void {
    for (const client of [...this.made.values()].reverse()) client.destroy();
    this.made.clear();
  }
}
