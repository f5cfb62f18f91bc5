import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_BATCH_MESSAGES, API_BODY_LIMIT_BYTES } from '../src/stacks/front-door';
import { Testing } from 'cdktf';
import { ACCESS_LOG_FORMAT } from '../src/constructs/http-api';
import { SETTINGS } from '@hcdl/lake';
import { API_ROUTES } from '../src/routes';
import { roleStatements } from './support/policies';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';

let synth: SynthResult;
let fd: TfJson;

beforeAll(() => {
  synth = synthAll({ HCDL_API_RATE_LIMIT: '25', HCDL_API_BURST_LIMIT: '50' });
  fd = synth.json['front-door'];
});
afterAll(() => synth.cleanup());

const pool = () => findResource(fd, 'aws_cognito_user_pool', () => true);
const client = () => findResource(fd, 'aws_cognito_user_pool_client', () => true);
const api = () => findResource(fd, 'aws_apigatewayv2_api', () => true);
const fnNamed = (name: string) => findResource(fd, 'aws_lambda_function', (f) => f.function_name === name);
const varsOf = (fn: Record<string, unknown>) => (fn.environment as { variables: Record<string, string> }).variables;
/** Objects under a prefix of core's lake bucket, as this stack references it (a remote-state output). */
const LAKE_OBJECTS = (prefix: string) => new RegExp(`cross-stack-output-aws_s3_bucketlake_bucket_[0-9A-F]+arn\\}/${prefix}\\*$`);

describe('front-door stack: Cognito', () => {
  it('declares custom:read and custom:write as string attributes; only administrators create users', () => {
    const p = pool();
    expect(p).toMatchObject({ name: 'hcdl-dev-users', admin_create_user_config: { allow_admin_create_user_only: true }, deletion_protection: 'INACTIVE' });
    const schema = p.schema as { name: string; attribute_data_type: string; mutable: boolean }[];
    expect(schema.map((s) => [s.name, s.attribute_data_type, s.mutable])).toEqual([
      ['read', 'String', true],
      ['write', 'String', true],
    ]);
  });

  it('app client reads the ABAC attributes but cannot write them (no self-granted sources)', () => {
    const c = client();
    expect(c.user_pool_id).toBe(refTo(fd, 'aws_cognito_user_pool', pool(), 'id'));
    expect(c.generate_secret).toBe(false);
    expect(c.read_attributes).toEqual(expect.arrayContaining(['custom:read', 'custom:write']));
    expect((c.write_attributes as string[]).filter((a) => a.startsWith('custom:'))).toEqual([]);
    expect(c.explicit_auth_flows).toEqual(['ALLOW_USER_SRP_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']);
  });
});

describe('front-door stack: HTTP API', () => {
  it('has a JWT authorizer trusting the pool as issuer and the app client as audience', () => {
    const authorizer = findResource(fd, 'aws_apigatewayv2_authorizer', () => true);
    expect(api()).toMatchObject({ name: 'hcdl-dev-api', protocol_type: 'HTTP' });
    expect(authorizer).toMatchObject({
      authorizer_type: 'JWT',
      identity_sources: ['$request.header.Authorization'],
      jwt_configuration: {
        issuer: `https://cognito-idp.eu-west-1.amazonaws.com/${refTo(fd, 'aws_cognito_user_pool', pool(), 'id')}`,
        audience: [refTo(fd, 'aws_cognito_user_pool_client', client(), 'id')],
      },
    });
  });

  it('routes exactly the contract routes, each to its function, all but /health, /openapi.json and /fhir/metadata behind the authorizer', () => {
    const routes = Object.values(resourcesOf(fd, 'aws_apigatewayv2_route'));
    expect(routes.map((r) => r.route_key).sort()).toEqual(
      [
        'GET /audit',
        'GET /fhir/metadata',
        'GET /fhir/Patient/{id}/$everything',
        'GET /fhir/{type}',
        'GET /fhir/{type}/{id}',
        'GET /fhir/{type}/{id}/_history',
        'GET /fhir/{type}/{id}/_history/{vid}',
        'GET /health',
        'GET /hl7v2/batches/{id}',
        'GET /hl7v2/errors',
        'GET /hl7v2/messages',
        'GET /hl7v2/messages/{id}',
        'GET /hl7v2/messages/{id}/lineage',
        'GET /hl7v2/messages/{id}/raw',
        'GET /hl7v2/messages/{id}/staging',
        'GET /patients',
        'GET /openapi.json',
        'GET /patients/{id}',
        'POST /hl7v2/er7',
        'POST /hl7v2/uploads',
      ].sort(),
    );
    const authorizer = refTo(
      fd,
      'aws_apigatewayv2_authorizer',
      findResource(fd, 'aws_apigatewayv2_authorizer', () => true),
      'id',
    );
    const integrationOf = (fnName: string) => {
      const invokeArn = refTo(fd, 'aws_lambda_function', fnNamed(fnName), 'invoke_arn');
      const integration = findResource(fd, 'aws_apigatewayv2_integration', (i) => i.integration_uri === invokeArn);
      expect(integration).toMatchObject({ integration_type: 'AWS_PROXY', payload_format_version: '2.0' });
      return `integrations/${refTo(fd, 'aws_apigatewayv2_integration', integration, 'id')}`;
    };
    const targets = { frontDoor: integrationOf('hcdl-dev-front-door'), queryApi: integrationOf('hcdl-dev-query-api') };
    for (const expected of API_ROUTES) {
      const route = routes.find((r) => r.route_key === expected.routeKey);
      expect(route?.target).toBe(targets[expected.target]);
      if (expected.authorized) expect(route).toMatchObject({ authorization_type: 'JWT', authorizer_id: authorizer });
      else expect(route).toMatchObject({ authorization_type: 'NONE' });
      expect(route?.authorizer_id === undefined).toBe(!expected.authorized);
    }
    expect(routes.find((r) => r.route_key === 'POST /hl7v2/er7')?.target).toBe(targets.frontDoor);
    expect(routes.find((r) => r.route_key === 'GET /health')?.authorization_type).toBe('NONE');
    // reads are query-api's only: the front door answers the submit, the uploads and the health probe, nothing else
    const frontDoorRoutes = routes.filter((r) => r.target === targets.frontDoor).map((r) => r.route_key);
    expect(frontDoorRoutes.sort()).toEqual(['GET /health', 'POST /hl7v2/er7', 'POST /hl7v2/uploads']);
    for (const r of routes.filter((x) => String(x.route_key).startsWith('GET /') && x.route_key !== 'GET /health')) {
      expect([r.route_key, r.target]).toEqual([r.route_key, targets.queryApi]);
    }
  });

  it('lets API Gateway invoke both functions, from this API only', () => {
    const sourceArn = `${refTo(fd, 'aws_apigatewayv2_api', api(), 'execution_arn')}/*/*`;
    for (const name of ['hcdl-dev-front-door', 'hcdl-dev-query-api']) {
      const fnName = refTo(fd, 'aws_lambda_function', fnNamed(name), 'function_name');
      expect(findResource(fd, 'aws_lambda_permission', (p) => p.function_name === fnName)).toMatchObject({
        principal: 'apigateway.amazonaws.com',
        source_arn: sourceArn,
      });
    }
  });

  it('throttles the default stage and writes JSON access logs without paths, queries or bodies', () => {
    const logs = findResource(fd, 'aws_cloudwatch_log_group', (l) => l.name === '/aws/apigateway/hcdl-dev-api');
    const stage = findResource(fd, 'aws_apigatewayv2_stage', () => true);
    expect(stage).toMatchObject({
      name: '$default',
      auto_deploy: true,
      default_route_settings: { throttling_rate_limit: 25, throttling_burst_limit: 50 },
      access_log_settings: { destination_arn: refTo(fd, 'aws_cloudwatch_log_group', logs, 'arn'), format: ACCESS_LOG_FORMAT },
    });
    expect(logs.retention_in_days).toBe(14);
    const fields = Object.values(JSON.parse(ACCESS_LOG_FORMAT) as Record<string, string>);
    expect(fields).toContain('$context.routeKey');
    for (const leaky of ['$context.path', '$context.http.path', '$request.querystring', '$request.body']) expect(fields.join(' ')).not.toContain(leaky);
  });
});

describe('front-door stack: functions', () => {
  it.each([
    ['hcdl-dev-front-door', 'front-door'],
    ['hcdl-dev-query-api', 'query-api'],
  ])('%s runs its bundle on Node 22 arm64 with X-Ray, logs with retention and an errors alarm', (name, bundle) => {
    expect(fnNamed(name)).toMatchObject({ runtime: 'nodejs22.x', architectures: ['arm64'], handler: 'index.handler', tracing_config: { mode: 'Active' } });
    expect(String(fnNamed(name).filename)).toMatch(new RegExp(`^assets/${bundle}-code/[0-9A-F]+/${bundle}\\.zip$`));
    // the hash Lambda compares is a literal: the base64 SHA-256 of the very zip deployed
    const zip = readFileSync(path.join(synth.outdir, 'stacks', 'front-door', String(fnNamed(name).filename)));
    expect(fnNamed(name).source_code_hash).toBe(createHash('sha256').update(zip).digest('base64'));
    expect(
      Testing.toHaveResourceWithProperties(synth.text('front-door'), 'aws_cloudwatch_log_group', { name: `/aws/lambda/${name}`, retention_in_days: 14 }),
    ).toBe(true);
    expect(
      Testing.toHaveResourceWithProperties(synth.text('front-door'), 'aws_cloudwatch_metric_alarm', { alarm_name: `${name}-errors`, metric_name: 'Errors' }),
    ).toBe(true);
  });

  it("gives the functions core's resources through the lake environment (cross-stack references)", () => {
    const vars = (fnNamed('hcdl-dev-front-door').environment as { variables: Record<string, string> }).variables;
    for (const name of ['HCDL_LAKE_BUCKET', 'HCDL_CATALOG_TABLE', 'HCDL_IDEMPOTENCY_TABLE', 'HCDL_HUB_TOPIC_ARN', 'HCDL_KMS_KEY_ID']) {
      expect(vars[name]).toMatch(/^\$\{data\.terraform_remote_state\.cross-stack-reference-input-core\.outputs\./);
    }
    expect(Object.keys(synth.json.core.output ?? {}).length).toBeGreaterThanOrEqual(5);
  });

  it('the front door mirrors the catalog rows it writes (rejected input) and no longer calls a core-ingest function', () => {
    const frontDoor = varsOf(fnNamed('hcdl-dev-front-door'));
    expect(frontDoor[SETTINGS.catalogMirror.env]).toBe('true');
    expect(Object.keys(frontDoor).filter((v) => /INGEST|FUNCTION|STATE_MACHINE/.test(v))).toEqual([]);
    expect(varsOf(fnNamed('hcdl-dev-query-api'))[SETTINGS.catalogMirror.env]).toBeUndefined();
  });

  it('the front door takes bodies under the API limit and batches under the cap (413 above, pointing at uploads), within the API timeout', () => {
    const vars = (fnNamed('hcdl-dev-front-door').environment as { variables: Record<string, string> }).variables;
    expect(vars).toMatchObject({
      HCDL_MAX_BODY_BYTES: String(API_BODY_LIMIT_BYTES),
      HCDL_MAX_BATCH_MESSAGES: String(API_BATCH_MESSAGES),
      HCDL_SUBMIT_CONCURRENCY: '8',
      HCDL_UPLOAD_MAX_BYTES: String(100 * 1024 * 1024),
    });
    // API Gateway hands a Lambda at most 6 MB, and a binary body arrives base64 encoded (4/3 larger).
    expect(Math.ceil((API_BODY_LIMIT_BYTES * 4) / 3)).toBeLessThan(6 * 1024 * 1024 - 64 * 1024);
    // the HTTP API's integration timeout is 30 s
    expect(Number(fnNamed('hcdl-dev-front-door').timeout)).toBeLessThan(30);
    const qa = (fnNamed('hcdl-dev-query-api').environment as { variables: Record<string, string> }).variables;
    expect(Math.ceil((Number(qa.HCDL_LARGE_OBJECT_BYTES) * 4) / 3)).toBeLessThan(6 * 1024 * 1024 - 64 * 1024);
  });

  it('the front door may write raw/ (untagged), error/ (tagged), MSG# catalog rows and their mirror, dedup records and hub events; it reads no object', () => {
    const statements = roleStatements({ 'front-door': fd }, 'hcdl-dev-eu-west-1-front-door');
    const bySid = (sid: string) => statements.find((st) => st.Sid === sid);
    expect(statements.map((st) => st.Sid)).toEqual([
      'WriteOwnLogs',
      'XRayTracing',
      'IngestRaw',
      'KeepRejected',
      'ReadCatalog',
      'IngestCatalogRows',
      'MirrorCatalogRows',
      'IdempotencyRecords',
      'PublishHubEvents',
      'SignUploads',
      'AppendAudit',
      'UseLakeKey',
    ]);
    // Its audit records are created, never read back (docs/adr/0016).
    expect(bySid('AppendAudit')).toMatchObject({ Action: ['s3:PutObject'], Resource: [expect.stringMatching(LAKE_OBJECTS('audit/'))] });
    // The presigned upload forms it signs are authorized as its PutObject on upload/, and nowhere else.
    expect(bySid('SignUploads')).toMatchObject({ Action: ['s3:PutObject'], Resource: [expect.stringMatching(LAKE_OBJECTS('upload/'))] });
    expect(bySid('IngestRaw')).toMatchObject({ Action: ['s3:PutObject'], Resource: [expect.stringMatching(LAKE_OBJECTS('raw/'))] });
    expect(bySid('KeepRejected')).toMatchObject({ Action: ['s3:PutObject', 's3:PutObjectTagging'], Resource: [expect.stringMatching(LAKE_OBJECTS('error/'))] });
    expect(bySid('MirrorCatalogRows')).toMatchObject({
      Action: ['s3:PutObject'],
      Resource: [expect.stringMatching(LAKE_OBJECTS('catalog/messages/')), expect.stringMatching(LAKE_OBJECTS('catalog/errors/'))],
    });
    expect(bySid('IngestCatalogRows')).toMatchObject({
      Resource: [expect.stringMatching(/aws_dynamodb_tablecatalogarn\}$/)],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['MSG#*'] } },
    });
    expect(bySid('IdempotencyRecords')?.Resource).toEqual([expect.stringMatching(/aws_dynamodb_tableidempotencyarn\}$/)]);
    expect(bySid('PublishHubEvents')).toMatchObject({ Action: ['sns:Publish'], Resource: [expect.stringMatching(/aws_sns_topichubarn\}$/)] });
    const actions = statements.flatMap((st) => (Array.isArray(st.Action) ? st.Action : [st.Action ?? '']));
    expect(actions.filter((a) => /^(s3:(Get|List)|lambda:|states:)/.test(a))).toEqual([]);
  });

  it("query-api serves the FHIR reads from core's resource table: told its name, may GetItem/Query it and its indexes, write nothing there", () => {
    const vars = varsOf(fnNamed('hcdl-dev-query-api'));
    expect(vars[SETTINGS.resourceTable.env]).toMatch(/cross-stack-output-aws_dynamodb_tableresourcesname\}$/);
    const statements = roleStatements({ 'front-door': fd }, 'hcdl-dev-eu-west-1-query-api');
    const onTable = statements.filter((st) => [st.Resource].flat().some((r) => /aws_dynamodb_tableresourcesarn\}/.test(String(r))));
    expect(onTable).toEqual([
      {
        Sid: 'ReadResourceIndex',
        Effect: 'Allow',
        Action: ['dynamodb:GetItem', 'dynamodb:Query'],
        Resource: [expect.stringMatching(/aws_dynamodb_tableresourcesarn\}$/), expect.stringMatching(/aws_dynamodb_tableresourcesarn\}\/index\/\*$/)],
      },
    ]);
    // The table is encrypted with the lake key: reading it needs Decrypt, which the role has (and no Encrypt).
    expect(statements.find((st) => st.Sid === 'DecryptWithLakeKey')).toMatchObject({ Action: ['kms:Decrypt'] });
    const reads = statements.find((st) => st.Sid === 'ReadZones');
    expect(reads?.Resource).toEqual(expect.arrayContaining([expect.stringMatching(LAKE_OBJECTS('refined/'))]));
    // The FHIR routes (metadata public, as FHIR clients read it first) go to query-api.
    const fhirRoutes = API_ROUTES.filter((r) => r.routeKey.startsWith('GET /fhir/'));
    expect(fhirRoutes.map((r) => [r.routeKey, r.target, r.authorized])).toEqual([
      ['GET /fhir/metadata', 'queryApi', false],
      ['GET /fhir/Patient/{id}/$everything', 'queryApi', true],
      ['GET /fhir/{type}', 'queryApi', true],
      ['GET /fhir/{type}/{id}', 'queryApi', true],
      ['GET /fhir/{type}/{id}/_history', 'queryApi', true],
      ['GET /fhir/{type}/{id}/_history/{vid}', 'queryApi', true],
    ]);
  });

  it('outputs the API URL and the Cognito ids the deploy guide uses', () => {
    expect(Object.keys(fd.output ?? {})).toEqual(expect.arrayContaining(['api_url', 'user_pool_id', 'user_pool_client_id']));
  });
});

describe('front-door stack: snapshot', () => {
  it('matches the reviewed synthesized JSON', () => {
    expect(fd).toMatchSnapshot();
  });
});
