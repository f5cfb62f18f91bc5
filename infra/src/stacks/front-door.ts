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
  tableAndIndexArns,
  writeObjects,
} from '../constructs/policy';
import { LakeUserPool } from '../constructs/user-pool';
import { LAMBDAS } from '../handlers';
import { API_ROUTES } from '../routes';
import { ZonePrefix } from '../zones';
import type { CoreResources } from './core';
import { LakeStack } from './lake-stack';

/**
 * Largest body the front door takes (HCDL_MAX_BODY_BYTES on AWS). API Gateway hands a Lambda
 * at most 6 MB of request payload, and binary bodies (`application/hl7-v2`) arrive base64
 * encoded: about 4.4 MB of HL7. Below that the front door answers its own 413 naming the upload
 * path; above it API Gateway refuses the request itself (413, without the lake's JSON).
 */
export const API_BODY_LIMIT_BYTES = 4_000_000;
/** Most messages one POST may hold: a batch this long is ingested well within the API's 30 s (HCDL_MAX_BATCH_MESSAGES). */
export const API_BATCH_MESSAGES = 1000;
/** Messages of one batch ingested at once by the front door and the landing function (HCDL_SUBMIT_CONCURRENCY). */
export const SUBMIT_CONCURRENCY = 8;
/** Reads larger than this are answered with a presigned GET (a Lambda answer is at most 6 MB, base64). */
export const LARGE_OBJECT_BYTES = 4_000_000;
/** The API's integration timeout is 30 s: the front door stops before it. */
const FRONT_DOOR_TIMEOUT_SECONDS = 29;

export interface FrontDoorStackProps {
  config: InfraConfig;
  bundles: BundleSource;
  core: CoreResources;
}

/**
 * front-door: who may call the lake and how. Cognito user pool (custom:read / custom:write)
 * and its app client, the HTTP API with a JWT authorizer and the contract routes, the
 * front-door function (submit + ingest: the message is durable before the 2xx) and the
 * query-api function (reads, the FHIR read API over core's resource table included).
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
      description: 'HCDL front door: POST /hl7v2/er7 (ABAC, limits, batches, dedup, durable ingest), POST /hl7v2/uploads',
      ...defaults,
      timeout: FRONT_DOOR_TIMEOUT_SECONDS,
      environment: {
        ...defaults.environment,
        // Rejected input is recorded with status error: its rows are mirrored for Athena.
        [SETTINGS.catalogMirror.env]: 'true',
        [SETTINGS.maxBodyBytes.env]: String(API_BODY_LIMIT_BYTES),
        [SETTINGS.maxBatchMessages.env]: String(API_BATCH_MESSAGES),
        [SETTINGS.submitConcurrency.env]: String(SUBMIT_CONCURRENCY),
        [SETTINGS.uploadMaxBytes.env]: String(config.uploadMaxBytes),
      },
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
        // Presigned upload forms are signed with this role: S3 authorizes the client's POST as
        // this role's PutObject on upload/ (and the SSE-KMS data key as its kms use below).
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Upload]), 'SignUploads'),
        // Each submission's audit record (create-only objects; never read back here).
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Audit]), 'AppendAudit'),
        // SSE-KMS puts, the KMS-encrypted tables and topic.
        kmsUse(core.key.arn),
      ],
    });

    this.queryApi = new LakeFunction(this, 'query-api', {
      functionName: name('query-api'),
      roleName: this.globalName('query-api'),
      code: bundleAsset(this, 'query-api-code', props.bundles, LAMBDAS.queryApi.bundle),
      handler: LAMBDAS.queryApi.handler,
      description: 'HCDL reads: messages, raw, staging, lineage, errors, batches, patients, FHIR resources (ABAC on custom:read)',
      ...this.lakeFunctionDefaults(core),
      // Large raw and staging objects are answered with a presigned GET signed by this role (its GetObject).
      environment: {
        ...defaults.environment,
        [SETTINGS.largeObjectBytes.env]: String(LARGE_OBJECT_BYTES),
        [SETTINGS.resourceTable.env]: core.resourceTable.name,
      },
      statements: [
        // refined/: a FHIR version whose body the resource table does not hold is read from its object.
        ...readObjects(lake, [ZonePrefix.Raw, ZonePrefix.Staging, ZonePrefix.Error, ZonePrefix.Refined], 'ReadZones'),
        // The FHIR read routes: the resource index, read only (the refined function alone commits versions).
        allow(['dynamodb:GetItem', 'dynamodb:Query'], tableAndIndexArns(core.resourceTable.arn), 'ReadResourceIndex'),
        // Each read's audit record, and GET /audit reading the trail back (docs/adr/0016).
        allow(['s3:PutObject', 's3:GetObject'], objectArns(lake, [ZonePrefix.Audit]), 'AuditTrail'),
        catalogRead(core.catalogTable.arn),
        kmsDecrypt(core.key.arn),
        // The audit records are SSE-KMS objects like every other of the lake bucket.
        allow(['kms:GenerateDataKey'], [core.key.arn], 'EncryptAuditRecords'),
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
      ...(config.consoleOrigins !== undefined ? { consoleOrigins: config.consoleOrigins } : {}),
    });

    new TerraformOutput(this, 'api_url', { value: this.httpApi.url, description: 'Base URL of the HCDL API' });
    new TerraformOutput(this, 'user_pool_id', { value: this.userPool.pool.id });
    new TerraformOutput(this, 'user_pool_client_id', { value: this.userPool.client.id });
  }
}
