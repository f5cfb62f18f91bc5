import { SETTINGS } from '@hcdl/lake';
import type { Construct } from 'constructs';
import { TerraformOutput } from 'cdktf';
import type { InfraConfig } from '../config';
import { bundleAsset, type BundleSource } from '../constructs/bundle';
import { LakeHttpApi } from '../constructs/http-api';
import { LakeFunction } from '../constructs/lake-function';
import {
  allow,
  catalogRead,
  catalogWriteMessages,
  idempotencyUse,
  kmsDecrypt,
  kmsUse,
  objectArns,
  publishToHub,
  readObjects,
  writeObjects,
} from '../constructs/policy';
import { LakeUserPool } from '../constructs/user-pool';
import { LAMBDAS } from '../handlers';
import { API_ROUTES } from '../routes';
import { ZonePrefix } from '../zones';
import type { CoreResources } from './core';
import { LakeStack } from './lake-stack';

export interface FrontDoorStackProps {
  config: InfraConfig;
  bundles: BundleSource;
  core: CoreResources;
}

/**
 * front-door: who may call the lake and how. Cognito user pool (custom:read / custom:write)
 * and its app client, the HTTP API with a JWT authorizer and the contract routes, the
 * front-door function (submit + ingest: the message is durable before the 2xx) and the
 * query-api function (reads).
 */
export class FrontDoorStack extends LakeStack {
  readonly userPool: LakeUserPool;
  readonly httpApi: LakeHttpApi;
  readonly frontDoor: LakeFunction;
  readonly queryApi: LakeFunction;

  constructor(scope: Construct, id: string, props: FrontDoorStackProps) {
    super(scope, id, props.config);
    const { config, core } = props;
    this.notifyAlarmsTo(core.alarmTopic.arn);
    const name = (n: string) => this.resourceName(n);
    const lake = core.lakeBucket.arn;

    this.userPool = new LakeUserPool(this, 'users', { name: name('users'), protect: config.protected });

    const defaults = this.lakeFunctionDefaults(core);
    this.frontDoor = new LakeFunction(this, 'front-door', {
      functionName: name('front-door'),
      roleName: this.globalName('front-door'),
      code: bundleAsset(this, 'front-door-code', props.bundles, LAMBDAS.frontDoor.bundle),
      handler: LAMBDAS.frontDoor.handler,
      description: 'HCDL front door: POST /hl7v2/er7 (ABAC, limits, batches, dedup, durable ingest)',
      ...defaults,
      // Rejected input is recorded with status error: its rows are mirrored for Athena.
      environment: { ...defaults.environment, [SETTINGS.catalogMirror.env]: 'true' },
      statements: [
        // The ingest use-case (ADR 0006): raw bytes of every message, put untagged and never
        // overwritten (no tagging right on raw/); input that is not HL7 also goes to the error
        // zone, tagged with its raw key. Never staging/, never the patient index.
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Raw]), 'IngestRaw'),
        writeObjects(lake, [ZonePrefix.Error], 'KeepRejected'),
        // Message and error rows only (MSG# keys); reads for the retried-write checks.
        catalogRead(core.catalogTable.arn),
        catalogWriteMessages(core.catalogTable.arn, 'IngestCatalogRows'),
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.CatalogMessages, ZonePrefix.CatalogErrors]), 'MirrorCatalogRows'),
        idempotencyUse(core.idempotencyTable.arn),
        publishToHub(core.hubTopic.arn),
        // SSE-KMS puts, the KMS-encrypted tables and topic.
        kmsUse(core.key.arn),
      ],
    });

    this.queryApi = new LakeFunction(this, 'query-api', {
      functionName: name('query-api'),
      roleName: this.globalName('query-api'),
      code: bundleAsset(this, 'query-api-code', props.bundles, LAMBDAS.queryApi.bundle),
      handler: LAMBDAS.queryApi.handler,
      description: 'HCDL reads: messages, raw, staging, lineage, errors, patients (ABAC on custom:read)',
      ...this.lakeFunctionDefaults(core),
      statements: [
        ...readObjects(lake, [ZonePrefix.Raw, ZonePrefix.Staging, ZonePrefix.Error], 'ReadZones'),
        catalogRead(core.catalogTable.arn),
        kmsDecrypt(core.key.arn),
      ],
    });

    this.httpApi = new LakeHttpApi(this, 'http', {
      name: name('api'),
      issuer: this.userPool.issuer(config.region),
      audience: [this.userPool.client.id],
      routes: API_ROUTES,
      functions: { frontDoor: this.frontDoor.fn, queryApi: this.queryApi.fn },
      throttle: config.throttle,
      logRetentionDays: config.logRetentionDays,
      logsKmsKeyArn: core.key.arn,
    });

    new TerraformOutput(this, 'api_url', { value: this.httpApi.url, description: 'Base URL of the HCDL API' });
    new TerraformOutput(this, 'user_pool_id', { value: this.userPool.pool.id });
    new TerraformOutput(this, 'user_pool_client_id', { value: this.userPool.client.id });
  }
}
