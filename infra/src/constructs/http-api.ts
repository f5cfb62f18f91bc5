import { Apigatewayv2Api } from '@cdktf/provider-aws/lib/apigatewayv2-api';
import { Apigatewayv2Authorizer } from '@cdktf/provider-aws/lib/apigatewayv2-authorizer';
import { Apigatewayv2Integration } from '@cdktf/provider-aws/lib/apigatewayv2-integration';
import { Apigatewayv2Route } from '@cdktf/provider-aws/lib/apigatewayv2-route';
import { Apigatewayv2Stage } from '@cdktf/provider-aws/lib/apigatewayv2-stage';
import type { CloudwatchLogGroup } from '@cdktf/provider-aws/lib/cloudwatch-log-group';
import type { LambdaFunction } from '@cdktf/provider-aws/lib/lambda-function';
import { LambdaPermission } from '@cdktf/provider-aws/lib/lambda-permission';
import { Construct } from 'constructs';
import type { ApiRoute, ApiTarget } from '../routes';
import { InfraError } from '../errors';
import { thresholdAlarm } from './alarm';
import { lakeLogGroup } from './log-group';

export interface LakeHttpApiProps {
  /** Full API name (already env-prefixed). */
  name: string;
  /** OIDC issuer and audience (app client id) the JWT authorizer accepts. */
  issuer: string;
  audience: string[];
  routes: readonly ApiRoute[];
  functions: Record<ApiTarget, LambdaFunction>;
  throttle: { rateLimit: number; burstLimit: number };
  logRetentionDays: number;
  /** Key encrypting the access log group (the lake key). */
  logsKmsKeyArn: string;
  /** Web console origins allowed by CORS (docs/console.md); none: no CORS configuration. */
  consoleOrigins?: readonly string[];
}

/**
 * Access log line: request and route metadata only. No path (it holds ids), no query string
 * (it may hold patient identifiers), no headers, no body.
 */
export const ACCESS_LOG_FORMAT = JSON.stringify({
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  routeKey: '$context.routeKey',
  status: '$context.status',
  responseLength: '$context.responseLength',
  integrationLatency: '$context.integrationLatency',
  latency: '$context.responseLatency',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  sourceIp: '$context.identity.sourceIp',
});

/**
 * API Gateway HTTP API: JWT authorizer on the Authorization header, one Lambda proxy
 * integration (payload 2.0) per function, the contract routes, and the `$default` stage with
 * throttling, JSON access logs and an alarm on 5xx answers.
 */
export class LakeHttpApi extends Construct {
  readonly api: Apigatewayv2Api;
  readonly authorizer: Apigatewayv2Authorizer;
  readonly stage: Apigatewayv2Stage;
  readonly accessLogs: CloudwatchLogGroup;

  constructor(scope: Construct, id: string, props: LakeHttpApiProps) {
    super(scope, id);
    const origins = props.consoleOrigins ?? [];
    this.api = new Apigatewayv2Api(this, 'api', {
      name: props.name,
      protocolType: 'HTTP',
      description: 'HCDL HL7 v2 ingest and read API',
      // A console on another origin sends the token in Authorization (never a cookie): no credentials.
      ...(origins.length > 0
        ? {
            corsConfiguration: {
              allowOrigins: [...origins],
              allowMethods: ['GET', 'POST', 'OPTIONS'],
              allowHeaders: ['authorization', 'content-type'],
              exposeHeaders: ['x-hcdl-message-id'],
              allowCredentials: false,
              maxAge: 3600,
            },
          }
        : {}),
    });
    this.authorizer = new Apigatewayv2Authorizer(this, 'jwt', {
      apiId: this.api.id,
      name: 'jwt',
      authorizerType: 'JWT',
      identitySources: ['$request.header.Authorization'],
      jwtConfiguration: { issuer: props.issuer, audience: props.audience },
    });
    const integrations = new Map<ApiTarget, Apigatewayv2Integration>();
    for (const [target, fn] of Object.entries(props.functions) as [ApiTarget, LambdaFunction][]) {
      integrations.set(
        target,
        new Apigatewayv2Integration(this, `${target}-integration`, {
          apiId: this.api.id,
          integrationType: 'AWS_PROXY',
          integrationUri: fn.invokeArn,
          payloadFormatVersion: '2.0',
          timeoutMilliseconds: 29_000,
        }),
      );
      new LambdaPermission(this, `${target}-invoke`, {
        action: 'lambda:InvokeFunction',
        functionName: fn.functionName,
        principal: 'apigateway.amazonaws.com',
        sourceArn: `${this.api.executionArn}/*/*`,
      });
    }
    for (const route of props.routes) {
      const integration = integrations.get(route.target);
      if (integration === undefined) throw new InfraError(`route ${route.routeKey}: no function for target ${route.target}`);
      new Apigatewayv2Route(this, `route-${route.routeKey.replace(/[^A-Za-z0-9]+/g, '-').replace(/-+$/, '')}`, {
        apiId: this.api.id,
        routeKey: route.routeKey,
        target: `integrations/${integration.id}`,
        ...(route.authorized ? { authorizationType: 'JWT', authorizerId: this.authorizer.id } : { authorizationType: 'NONE' }),
      });
    }
    this.accessLogs = lakeLogGroup(this, 'access-logs', {
      name: `/aws/apigateway/${props.name}`,
      retentionInDays: props.logRetentionDays,
      kmsKeyArn: props.logsKmsKeyArn,
    });
    this.stage = new Apigatewayv2Stage(this, 'stage', {
      apiId: this.api.id,
      name: '$default',
      autoDeploy: true,
      defaultRouteSettings: {
        throttlingRateLimit: props.throttle.rateLimit,
        throttlingBurstLimit: props.throttle.burstLimit,
        detailedMetricsEnabled: true,
      },
      accessLogSettings: { destinationArn: this.accessLogs.arn, format: ACCESS_LOG_FORMAT },
    });
    thresholdAlarm(this, 'server-errors-alarm', {
      alarmName: `${props.name}-5xx`,
      description: `${props.name} answered 5xx.`,
      namespace: 'AWS/ApiGateway',
      metricName: '5xx',
      dimensions: { ApiId: this.api.id, Stage: '$default' },
      statistic: 'Sum',
      threshold: 1,
    });
  }

  /** Base URL of the `$default` stage. */
  get url(): string {
    return this.api.apiEndpoint;
  }
}
