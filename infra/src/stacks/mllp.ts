import { AppautoscalingPolicy } from '@cdktf/provider-aws/lib/appautoscaling-policy';
import { AppautoscalingTarget } from '@cdktf/provider-aws/lib/appautoscaling-target';
import { EcsCluster } from '@cdktf/provider-aws/lib/ecs-cluster';
import { EcsService } from '@cdktf/provider-aws/lib/ecs-service';
import { EcsTaskDefinition } from '@cdktf/provider-aws/lib/ecs-task-definition';
import { IamRole } from '@cdktf/provider-aws/lib/iam-role';
import { IamRolePolicy } from '@cdktf/provider-aws/lib/iam-role-policy';
import { Lb } from '@cdktf/provider-aws/lib/lb';
import { LbListener } from '@cdktf/provider-aws/lib/lb-listener';
import { LbTargetGroup } from '@cdktf/provider-aws/lib/lb-target-group';
import { SecurityGroup } from '@cdktf/provider-aws/lib/security-group';
import { SETTINGS } from '@hcdl/lake';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { InfraConfig, MllpConfig } from '../config';
import { thresholdAlarm } from '../constructs/alarm';
import { lakeLogGroup } from '../constructs/log-group';
import {
  allow,
  assumeRolePolicy,
  catalogRead,
  catalogWriteMessages,
  idempotencyUse,
  kmsUse,
  objectArns,
  policyDocument,
  publishToHub,
  writeObjects,
} from '../constructs/policy';
import { ZonePrefix } from '../zones';
import type { CoreResources } from './core';
import { SUBMIT_CONCURRENCY } from './front-door';
import { LakeStack } from './lake-stack';

export interface MllpStackProps {
  config: InfraConfig & { mllp: MllpConfig };
  core: CoreResources;
}

/** The container's listeners: `port=source` pairs, comma separated (services/mllp reads it). */
export const MLLP_LISTENERS_ENV = 'HCDL_MLLP_LISTENERS';
/** Largest MLLP frame, as the front door's largest body (HCDL_MAX_BODY_BYTES): larger messages go by upload. */
export const MLLP_MAX_FRAME_BYTES = 4_000_000;
/** TLS policy of the listeners: TLS 1.3 and 1.2 only. */
export const MLLP_TLS_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';
/** Scale out above this average CPU. */
const TARGET_CPU_PERCENT = 60;

/**
 * mllp (optional, when the environment has an `mllp` section): the lake's MLLP listener
 * (services/mllp, the local lake's listener on @hcdl/core's submit) as an ECS Fargate service
 * behind a Network Load Balancer. The balancer terminates TLS (an ACM certificate, TLS 1.2+)
 * on one listener per configured port, each forwarding to its own container port, and the
 * container records every message of a port under that port's source (MLLP has no
 * authentication of its own: the network and the port decide the source, so only the senders'
 * networks reach the balancer). Tasks scale on CPU.
 *
 * The task runs submit + ingest itself (ADR 0006) with the front door's ingest grants and
 * nothing else: raw/ and error/ objects, message rows (MSG# keys), idempotency records, the
 * `ingested` publish, each frame's audit record. It invokes no function: calling the front door would add an invocation
 * and the 6 MB payload limit to every message, for no right the task would not need anyway.
 */
export class MllpStack extends LakeStack {
  readonly cluster: EcsCluster;
  readonly service: EcsService;
  readonly balancer: Lb;
  readonly taskRole: IamRole;
  readonly executionRole: IamRole;

  constructor(scope: Construct, id: string, props: MllpStackProps) {
    super(scope, id, props.config);
    const { config, core } = props;
    const mllp = config.mllp;
    this.notifyAlarmsTo(core.alarmTopic.arn);
    const name = (n: string) => this.resourceName(n);
    const lake = core.lakeBucket.arn;

    const logs = lakeLogGroup(this, 'logs', { name: `/ecs/${name('mllp')}`, retentionInDays: config.logRetentionDays, kmsKeyArn: core.key.arn });
    this.cluster = new EcsCluster(this, 'cluster', { name: name('mllp'), setting: [{ name: 'containerInsights', value: 'enabled' }] });

    this.taskRole = new IamRole(this, 'task-role', { name: this.globalName('mllp-task'), assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com') });
    new IamRolePolicy(this, 'task-policy', {
      name: 'least-privilege',
      role: this.taskRole.id,
      policy: policyDocument([
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Raw]), 'IngestRaw'),
        writeObjects(lake, [ZonePrefix.Error], 'KeepRejected'),
        catalogRead(core.catalogTable.arn),
        catalogWriteMessages(core.catalogTable.arn, 'IngestCatalogRows'),
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.CatalogMessages, ZonePrefix.CatalogErrors]), 'MirrorCatalogRows'),
        idempotencyUse(core.idempotencyTable.arn),
        publishToHub(core.hubTopic.arn),
        // Each frame's audit record (create-only objects; never read back here).
        allow(['s3:PutObject'], objectArns(lake, [ZonePrefix.Audit]), 'AppendAudit'),
        kmsUse(core.key.arn),
      ]),
    });
    this.executionRole = new IamRole(this, 'execution-role', {
      name: this.globalName('mllp-execution'),
      assumeRolePolicy: assumeRolePolicy('ecs-tasks.amazonaws.com'),
    });
    new IamRolePolicy(this, 'execution-policy', {
      name: 'least-privilege',
      role: this.executionRole.id,
      policy: policyDocument([
        // Registry login has no resource-level permission: AWS requires Resource "*".
        allow(['ecr:GetAuthorizationToken'], ['*'], 'RegistryLogin'),
        allow(
          ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
          [repositoryArnOf(mllp.image, config.region)],
          'PullImage',
        ),
        allow(['logs:CreateLogStream', 'logs:PutLogEvents'], [`${logs.arn}:*`], 'WriteTaskLogs'),
      ]),
    });

    const balancerSg = new SecurityGroup(this, 'balancer-sg', {
      name: name('mllp-balancer'),
      description: 'HCDL MLLP: TLS from the senders networks only',
      vpcId: mllp.vpcId,
      ingress: mllp.listeners.map((l) => ({
        description: `MLLP over TLS for ${l.source}`,
        protocol: 'tcp',
        fromPort: l.port,
        toPort: l.port,
        cidrBlocks: [...mllp.allowedCidrs],
      })),
      egress: mllp.listeners.map((l) => ({
        description: `to the tasks, ${l.source}`,
        protocol: 'tcp',
        fromPort: l.port,
        toPort: l.port,
        cidrBlocks: ['0.0.0.0/0'],
      })),
    });
    const taskSg = new SecurityGroup(this, 'task-sg', {
      name: name('mllp-task'),
      description: 'HCDL MLLP tasks: the balancer in, AWS APIs (HTTPS) out',
      vpcId: mllp.vpcId,
      ingress: mllp.listeners.map((l) => ({
        description: `from the balancer, ${l.source}`,
        protocol: 'tcp',
        fromPort: l.port,
        toPort: l.port,
        securityGroups: [balancerSg.id],
      })),
      egress: [{ description: 'S3, DynamoDB, SNS over HTTPS', protocol: 'tcp', fromPort: 443, toPort: 443, cidrBlocks: ['0.0.0.0/0'] }],
    });

    this.balancer = new Lb(this, 'balancer', {
      name: name('mllp'),
      loadBalancerType: 'network',
      internal: mllp.internal,
      subnets: [...mllp.subnetIds],
      securityGroups: [balancerSg.id],
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: config.protected,
    });

    const targets = mllp.listeners.map((l) => {
      const group = new LbTargetGroup(this, `target-${l.port}`, {
        name: name(`mllp-${l.port}`),
        port: l.port,
        protocol: 'TCP',
        targetType: 'ip',
        vpcId: mllp.vpcId,
        // MLLP connections are long-lived: give them time to finish on a deploy.
        deregistrationDelay: '120',
        healthCheck: { protocol: 'TCP', interval: 30, healthyThreshold: 3, unhealthyThreshold: 3 },
      });
      new LbListener(this, `listener-${l.port}`, {
        loadBalancerArn: this.balancer.arn,
        port: l.port,
        protocol: 'TLS',
        certificateArn: mllp.certificateArn,
        sslPolicy: MLLP_TLS_POLICY,
        defaultAction: [{ type: 'forward', targetGroupArn: group.arn }],
      });
      thresholdAlarm(this, `unhealthy-${l.port}-alarm`, {
        alarmName: `${name('mllp')}-${l.port}-unhealthy`,
        description: `A task behind the MLLP listener ${l.port} (${l.source}) fails its health check.`,
        namespace: 'AWS/NetworkELB',
        metricName: 'UnHealthyHostCount',
        dimensions: { TargetGroup: group.arnSuffix, LoadBalancer: this.balancer.arnSuffix },
        statistic: 'Maximum',
        threshold: 1,
      });
      return { listener: l, group };
    });

    const environment = {
      ...core.lakeEnvironment(),
      [SETTINGS.catalogMirror.env]: 'true',
      [SETTINGS.maxBodyBytes.env]: String(MLLP_MAX_FRAME_BYTES),
      [SETTINGS.submitConcurrency.env]: String(SUBMIT_CONCURRENCY),
      [MLLP_LISTENERS_ENV]: mllp.listeners.map((l) => `${l.port}=${l.source}`).join(','),
      AWS_REGION: config.region,
    };
    const task = new EcsTaskDefinition(this, 'task', {
      family: name('mllp'),
      requiresCompatibilities: ['FARGATE'],
      networkMode: 'awsvpc',
      cpu: '512',
      memory: '1024',
      runtimePlatform: { operatingSystemFamily: 'LINUX', cpuArchitecture: 'ARM64' },
      taskRoleArn: this.taskRole.arn,
      executionRoleArn: this.executionRole.arn,
      containerDefinitions: JSON.stringify([
        {
          name: 'mllp',
          image: mllp.image,
          essential: true,
          readonlyRootFilesystem: true,
          user: '1000',
          portMappings: mllp.listeners.map((l) => ({ containerPort: l.port, protocol: 'tcp' })),
          environment: Object.entries(environment).map(([n, value]) => ({ name: n, value })),
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-group': logs.name, 'awslogs-region': config.region, 'awslogs-stream-prefix': 'mllp' } },
          stopTimeout: 60,
        },
      ]),
    });
    this.service = new EcsService(this, 'service', {
      name: name('mllp'),
      cluster: this.cluster.arn,
      taskDefinition: task.arn,
      launchType: 'FARGATE',
      desiredCount: mllp.minTasks,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      networkConfiguration: { subnets: [...mllp.subnetIds], securityGroups: [taskSg.id], assignPublicIp: false },
      loadBalancer: targets.map((t) => ({ targetGroupArn: t.group.arn, containerName: 'mllp', containerPort: t.listener.port })),
      lifecycle: { ignoreChanges: ['desired_count'] },
    });
    const scaling = new AppautoscalingTarget(this, 'scaling-target', {
      serviceNamespace: 'ecs',
      resourceId: `service/${this.cluster.name}/${this.service.name}`,
      scalableDimension: 'ecs:service:DesiredCount',
      minCapacity: mllp.minTasks,
      maxCapacity: mllp.maxTasks,
    });
    new AppautoscalingPolicy(this, 'scaling-cpu', {
      name: name('mllp-cpu'),
      policyType: 'TargetTrackingScaling',
      serviceNamespace: scaling.serviceNamespace,
      resourceId: scaling.resourceId,
      scalableDimension: scaling.scalableDimension,
      targetTrackingScalingPolicyConfiguration: {
        targetValue: TARGET_CPU_PERCENT,
        predefinedMetricSpecification: { predefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        scaleInCooldown: 300,
        scaleOutCooldown: 60,
      },
    });
    new TerraformOutput(this, 'mllp_endpoint', { value: this.balancer.dnsName, description: 'MLLP over TLS: one port per source' });
  }
}

/** The ECR repository an image is pulled from (`<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag|@digest]`). */
export function repositoryArnOf(image: string, region: string): string {
  const m = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^:@]+)/.exec(image);
  if (m === null) throw new Error(`mllp.image must be an ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repository>...), got "${image}"`);
  const partition = image.includes('.amazonaws.com.cn/') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  return `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}`;
}
