import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { errorKey, rawKey, stagingKey } from '@hcdl/lake';
import { messageMirrorKey, patientIdentifiersMirrorKey } from '@hcdl/aws';
import { MLLP_LISTENERS_ENV, MLLP_TLS_POLICY, repositoryArnOf } from '../src/stacks/mllp';
import {
  actionCovers,
  allowedActions,
  allowsOnItem,
  allowsOnObject,
  encryptionViolations,
  grantViolations,
  policyDocuments,
  roleStatements,
} from './support/policies';
import { findResource, refTo, resourcesOf, synthAll, type SynthResult, type TfJson } from './support/synth';

const IMAGE = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/hcdl-mllp@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef';
const MLLP = {
  image: IMAGE,
  vpcId: 'vpc-0a1b2c3d',
  subnetIds: ['subnet-0a1b2c3d', 'subnet-4e5f6a7b'],
  certificateArn: 'arn:aws:acm:eu-west-1:123456789012:certificate/1234abcd-12ab-34cd-56ef-1234567890ab',
  allowedCidrs: ['10.20.0.0/16', '192.168.10.0/24'],
  listeners: [
    { port: 2575, source: 'lab' },
    { port: 2576, source: 'adt' },
  ],
};
const ID = '01JAB3CDEFGHJKMNPQRSTVWXYZ';

let synth: SynthResult;
let m: TfJson;
beforeAll(() => {
  synth = synthAll({}, { envFile: { mllp: MLLP } });
  m = synth.json.mllp;
});
afterAll(() => synth.cleanup());

const containers = () =>
  JSON.parse(String(findResource(m, 'aws_ecs_task_definition', () => true).container_definitions)) as {
    image: string;
    portMappings: { containerPort: number }[];
    environment: { name: string; value: string }[];
    readonlyRootFilesystem: boolean;
    user: string;
  }[];

describe('mllp stack', () => {
  it('is built only when the environment configures it', () => {
    const plain = synthAll();
    try {
      expect(plain.stacks.mllp).toBeUndefined();
    } finally {
      plain.cleanup();
    }
    expect(synth.stacks.mllp).toBeDefined();
  });

  it('terminates TLS (1.2+, the configured certificate) on one NLB listener per port, each to its own target group', () => {
    const balancer = findResource(m, 'aws_lb', () => true);
    expect(balancer).toMatchObject({ load_balancer_type: 'network', internal: true, subnets: MLLP.subnetIds });
    const listeners = Object.values(resourcesOf(m, 'aws_lb_listener'));
    expect(listeners.map((l) => l.port).sort()).toEqual([2575, 2576]);
    for (const l of listeners) {
      expect(l).toMatchObject({
        protocol: 'TLS',
        certificate_arn: MLLP.certificateArn,
        ssl_policy: MLLP_TLS_POLICY,
        load_balancer_arn: refTo(m, 'aws_lb', balancer, 'arn'),
      });
      const group = findResource(m, 'aws_lb_target_group', (g) => g.port === l.port);
      expect(group).toMatchObject({ protocol: 'TCP', target_type: 'ip' });
      expect((l.default_action as { target_group_arn: string }[])[0]?.target_group_arn).toBe(refTo(m, 'aws_lb_target_group', group, 'arn'));
    }
    expect(MLLP_TLS_POLICY).toMatch(/TLS13-1-2/);
  });

  it("lets only the senders' networks reach the listeners, and only the balancer reach the tasks", () => {
    const balancerSg = findResource(m, 'aws_security_group', (g) => g.name === 'hcdl-dev-mllp-balancer');
    const taskSg = findResource(m, 'aws_security_group', (g) => g.name === 'hcdl-dev-mllp-task');
    for (const rule of balancerSg.ingress as { cidr_blocks: string[]; from_port: number }[]) expect(rule.cidr_blocks).toEqual(MLLP.allowedCidrs);
    for (const rule of taskSg.ingress as { security_groups: string[]; cidr_blocks?: string[] }[]) {
      expect(rule.security_groups).toEqual([refTo(m, 'aws_security_group', balancerSg, 'id')]);
      expect(rule.cidr_blocks ?? []).toEqual([]);
    }
    expect((taskSg.egress as { from_port: number }[]).map((e) => e.from_port)).toEqual([443]);
  });

  it('runs the image on Fargate, one container port per listener with its source, read-only and not as root, scaled on CPU', () => {
    const [c] = containers();
    expect(c).toMatchObject({ image: IMAGE, readonlyRootFilesystem: true, user: '1000' });
    expect(c?.portMappings.map((p) => p.containerPort)).toEqual([2575, 2576]);
    expect(c?.environment).toContainEqual({ name: MLLP_LISTENERS_ENV, value: '2575=lab,2576=adt' });
    expect(c?.environment.map((e) => e.name)).toEqual(
      expect.arrayContaining(['HCDL_LAKE_BUCKET', 'HCDL_CATALOG_TABLE', 'HCDL_IDEMPOTENCY_TABLE', 'HCDL_HUB_TOPIC_ARN']),
    );
    const service = findResource(m, 'aws_ecs_service', () => true);
    expect(service).toMatchObject({ launch_type: 'FARGATE', desired_count: 2, network_configuration: { assign_public_ip: false } });
    expect((service.load_balancer as { container_port: number }[]).map((l) => l.container_port)).toEqual([2575, 2576]);
    expect(findResource(m, 'aws_appautoscaling_target', () => true)).toMatchObject({
      min_capacity: 2,
      max_capacity: 6,
      scalable_dimension: 'ecs:service:DesiredCount',
    });
    expect(findResource(m, 'aws_appautoscaling_policy', () => true)).toMatchObject({
      policy_type: 'TargetTrackingScaling',
      target_tracking_scaling_policy_configuration: { predefined_metric_specification: { predefined_metric_type: 'ECSServiceAverageCPUUtilization' } },
    });
    const alarms = Object.values(resourcesOf(m, 'aws_cloudwatch_metric_alarm')).map((a) => a.alarm_name);
    expect(alarms.sort()).toEqual(['hcdl-dev-mllp-2575-unhealthy', 'hcdl-dev-mllp-2576-unhealthy']);
  });

  it("the task role holds the ingest path's grants and nothing else: no function to invoke, no staging, no patient index", () => {
    const task = roleStatements(synth.json, 'hcdl-dev-eu-west-1-mllp-task');
    const frontDoor = roleStatements(synth.json, 'hcdl-dev-eu-west-1-front-door');
    for (const s of task) expect([s.Sid, frontDoor.find((f) => f.Sid === s.Sid)]).toEqual([s.Sid, s]);
    const writes = ['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject'];
    const writable = (key: string) => writes.some((a) => allowsOnObject(task, a, key));
    expect(writable(rawKey('lab', ID))).toBe(true);
    expect(writable(errorKey('lab', ID))).toBe(true);
    expect(writable(messageMirrorKey('lab', ID))).toBe(true);
    for (const key of [stagingKey('lab', 'ADT_A01', ID), patientIdentifiersMirrorKey('P01', ID), 'upload/source=lab/x.hl7', 'landing/source=lab/x.hl7'])
      expect([key, writable(key)]).toEqual([key, false]);
    expect(allowsOnItem(task, 'dynamodb:PutItem', /aws_dynamodb_table\.?catalog/, `MSG#${ID}`)).toBe(true);
    expect(allowsOnItem(task, 'dynamodb:PutItem', /aws_dynamodb_table\.?catalog/, 'PATIENT#P01')).toBe(false);
    expect(allowedActions(task).filter((a) => ['lambda:InvokeFunction', 'states:StartExecution', 's3:GetObject'].some((x) => actionCovers(a, x)))).toEqual([]);
  });

  it('the execution role pulls the one repository and writes the task logs; everything is encrypted and nothing is granted on `*` data', () => {
    const exec = roleStatements(synth.json, 'hcdl-dev-eu-west-1-mllp-execution');
    expect(exec.find((s) => s.Sid === 'PullImage')?.Resource).toEqual(['arn:aws:ecr:eu-west-1:123456789012:repository/hcdl-mllp']);
    expect(repositoryArnOf('123456789012.dkr.ecr.eu-west-1.amazonaws.com/team/hcdl-mllp:1.0', 'eu-west-1')).toBe(
      'arn:aws:ecr:eu-west-1:123456789012:repository/team/hcdl-mllp',
    );
    expect(() => repositoryArnOf('docker.io/library/node:22', 'eu-west-1')).toThrow('ECR image');
    expect(grantViolations(policyDocuments({ mllp: m }))).toEqual([]);
    expect(encryptionViolations({ mllp: m })).toEqual([]);
  });
});
