import type { TfJson } from './synth';

/** One IAM statement as written in a policy document. */
export interface Statement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  NotResource?: string | string[];
  Principal?: unknown;
  Condition?: unknown;
}

/** A policy document found in a synthesized stack, with where it was found. */
export interface FoundPolicy {
  stack: string;
  /** e.g. `aws_iam_role_policy.front-door_policy_1234.policy` */
  address: string;
  resourceType: string;
  resource: Record<string, unknown>;
  statements: Statement[];
}

/** Services whose actions touch lake data: a grant on them must name its resources. */
export const DATA_SERVICES = ['s3', 'dynamodb', 'sns', 'sqs', 'kms'] as const;

const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

function asPolicy(value: unknown): Statement[] | undefined {
  if (typeof value !== 'string' || !value.includes('Statement')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || !('Statement' in parsed)) return undefined;
  const s = (parsed as { Statement: unknown }).Statement;
  return (Array.isArray(s) ? s : [s]) as Statement[];
}

/** Every policy document (any string attribute holding one, at any depth) of every resource of every stack. */
export function policyDocuments(stacks: Record<string, TfJson>): FoundPolicy[] {
  const found: FoundPolicy[] = [];
  const visit = (stack: string, resourceType: string, resource: Record<string, unknown>, base: string, value: unknown): void => {
    const statements = asPolicy(value);
    if (statements !== undefined) {
      found.push({ stack, address: base, resourceType, resource, statements });
      return;
    }
    if (Array.isArray(value)) value.forEach((v, i) => visit(stack, resourceType, resource, `${base}[${i}]`, v));
    else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) visit(stack, resourceType, resource, `${base}.${k}`, v);
    }
  };
  for (const [stack, json] of Object.entries(stacks)) {
    for (const [type, byId] of Object.entries(json.resource ?? {})) {
      for (const [id, resource] of Object.entries(byId)) visit(stack, type, resource, `${type}.${id}`, resource);
    }
  }
  return found;
}

const serviceOf = (action: string): string => action.split(':')[0] ?? action;
const isWildcardAction = (action: string): boolean => action === '*' || /^[a-z0-9-]+:\*$/.test(action);
const WILDCARD_DATA_ARN = new RegExp(`^(\\*|arn:[^:]*:(${DATA_SERVICES.join('|')}):[^:]*:[^:]*:\\*)$`);

/**
 * Allow statements that grant too much: a `*` action (or `service:*`, or NotAction), or a
 * `*` resource (or NotResource) for an action on lake data. Deny statements grant nothing
 * and are not checked. In a KMS key policy `Resource: "*"` means "this key" (AWS requires it).
 */
export function grantViolations(policies: readonly FoundPolicy[]): string[] {
  const out: string[] = [];
  for (const p of policies) {
    const isKeyPolicy = p.resourceType === 'aws_kms_key';
    p.statements.forEach((s, i) => {
      if (s.Effect !== 'Allow') return;
      const where = `${p.stack}: ${p.address} statement ${s.Sid ?? i}`;
      if (s.NotAction !== undefined) out.push(`${where}: Allow with NotAction`);
      if (s.NotResource !== undefined) out.push(`${where}: Allow with NotResource`);
      const actions = list(s.Action);
      for (const a of actions) if (isWildcardAction(a)) out.push(`${where}: wildcard action ${a}`);
      const touchesData = actions.some((a) => a === '*' || (DATA_SERVICES as readonly string[]).includes(serviceOf(a)));
      if (!touchesData || isKeyPolicy) return;
      for (const r of list(s.Resource)) if (WILDCARD_DATA_ARN.test(r)) out.push(`${where}: wildcard resource ${r} for data actions`);
    });
  }
  return out;
}

/** Buckets, tables, topics, queues and log groups of the stacks that are not encrypted with a KMS key. */
export function encryptionViolations(stacks: Record<string, TfJson>): string[] {
  const out: string[] = [];
  for (const [stack, json] of Object.entries(stacks)) {
    const res = json.resource ?? {};
    const sse = Object.values(res.aws_s3_bucket_server_side_encryption_configuration ?? {});
    for (const id of Object.keys(res.aws_s3_bucket ?? {})) {
      const ref = `\${aws_s3_bucket.${id}.id}`;
      const ok = sse.some((c) => {
        if (c.bucket !== ref && c.bucket !== `\${aws_s3_bucket.${id}.bucket}`) return false;
        const rules = (Array.isArray(c.rule) ? c.rule : [c.rule]) as {
          apply_server_side_encryption_by_default?: { sse_algorithm?: string; kms_master_key_id?: string };
        }[];
        return rules.some(
          (r) =>
            r.apply_server_side_encryption_by_default?.sse_algorithm === 'aws:kms' &&
            typeof r.apply_server_side_encryption_by_default.kms_master_key_id === 'string',
        );
      });
      if (!ok) out.push(`${stack}: aws_s3_bucket.${id} has no SSE-KMS configuration`);
    }
    for (const [id, t] of Object.entries(res.aws_dynamodb_table ?? {})) {
      const s = t.server_side_encryption as { enabled?: boolean; kms_key_arn?: string } | undefined;
      if (s?.enabled !== true || typeof s.kms_key_arn !== 'string') out.push(`${stack}: aws_dynamodb_table.${id} is not encrypted with the lake key`);
    }
    for (const [id, t] of Object.entries(res.aws_sns_topic ?? {})) {
      if (typeof t.kms_master_key_id !== 'string') out.push(`${stack}: aws_sns_topic.${id} has no KMS key`);
    }
    for (const [id, q] of Object.entries(res.aws_sqs_queue ?? {})) {
      if (typeof q.kms_master_key_id !== 'string') out.push(`${stack}: aws_sqs_queue.${id} has no KMS key`);
    }
    for (const [id, g] of Object.entries(res.aws_cloudwatch_log_group ?? {})) {
      if (typeof g.kms_key_id !== 'string') out.push(`${stack}: aws_cloudwatch_log_group.${id} has no KMS key`);
    }
  }
  return out;
}

/** The inline policy statements of the role named `roleName` (aws_iam_role.name), across stacks. */
export function roleStatements(stacks: Record<string, TfJson>, roleName: string): Statement[] {
  const statements: Statement[] = [];
  for (const json of Object.values(stacks)) {
    const roles = json.resource?.aws_iam_role ?? {};
    const ids = Object.entries(roles)
      .filter(([, r]) => r.name === roleName)
      .map(([id]) => id);
    for (const p of Object.values(json.resource?.aws_iam_role_policy ?? {})) {
      if (ids.some((id) => p.role === `\${aws_iam_role.${id}.id}`)) statements.push(...(asPolicy(p.policy) ?? []));
    }
  }
  return statements;
}

/** Whether any Allow statement grants one of `actions` on a resource matching `resource`. */
export function grants(statements: readonly Statement[], actions: readonly string[], resource: RegExp): boolean {
  return statements.some((s) => s.Effect === 'Allow' && list(s.Action).some((a) => actions.includes(a)) && list(s.Resource).some((r) => resource.test(r)));
}

/** A glob of IAM (`*` any run of characters, `?` one character) as a RegExp over the whole text. */
function globRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
}

/** Whether a granted action (maybe `s3:Put*`, `*`) covers an action. */
export const actionCovers = (granted: string, action: string): boolean => globRegExp(granted).test(action);

// The lake bucket as the stacks reference it: in core `${aws_s3_bucket.lake_bucket_<hash>.arn}`,
// elsewhere the remote-state output of that attribute.
const LAKE_BUCKET_ARN =
  /^\$\{(aws_s3_bucket\.lake_bucket_[0-9A-F]+\.arn|data\.terraform_remote_state\.cross-stack-reference-input-core\.outputs\.cross-stack-output-aws_s3_bucketlake_bucket_[0-9A-F]+arn)\}/;

/** Whether a resource ARN (maybe `<bucket>/raw/*`, `<bucket>/*`, `*`) covers an object key of the lake bucket. */
export function resourceCoversObject(resource: string, key: string): boolean {
  if (resource === '*') return true;
  const bucket = LAKE_BUCKET_ARN.exec(resource);
  if (bucket === null) return false;
  const rest = resource.slice(bucket[0].length);
  return rest.startsWith('/') && globRegExp(rest.slice(1)).test(key);
}

/** Whether an Allow statement grants `action` on the object `key` of the lake bucket (conditions on objects are not used: none allowed). */
export function allowsOnObject(statements: readonly Statement[], action: string, key: string): boolean {
  return statements.some((s) => {
    if (s.Effect !== 'Allow' || !list(s.Action).some((a) => actionCovers(a, action))) return false;
    if (!list(s.Resource).some((r) => resourceCoversObject(r, key))) return false;
    if (s.Condition !== undefined) throw new Error(`statement ${s.Sid ?? '?'} has a condition on objects: this check does not evaluate it`);
    return true;
  });
}

/**
 * Whether an Allow statement grants `action` on an item of the table whose ARN matches
 * `table` and whose partition key is `pk`: no condition, or a `dynamodb:LeadingKeys`
 * StringLike condition one of whose patterns matches `pk`. Any other condition throws (the
 * check would not know what it allows).
 */
export function allowsOnItem(statements: readonly Statement[], action: string, table: RegExp, pk: string): boolean {
  return statements.some((s) => {
    if (s.Effect !== 'Allow' || !list(s.Action).some((a) => actionCovers(a, action))) return false;
    if (!list(s.Resource).some((r) => r === '*' || table.test(r))) return false;
    if (s.Condition === undefined) return true;
    const condition = s.Condition as Record<string, Record<string, unknown>>;
    const operators = Object.keys(condition);
    const leading = condition['ForAllValues:StringLike']?.['dynamodb:LeadingKeys'];
    if (operators.length !== 1 || Object.keys(condition['ForAllValues:StringLike'] ?? {}).length !== 1 || leading === undefined) {
      throw new Error(`statement ${s.Sid ?? '?'} has a condition this check does not evaluate: ${JSON.stringify(s.Condition)}`);
    }
    return list(leading as string | string[]).some((pattern) => globRegExp(pattern).test(pk));
  });
}

/** Every action granted (Allow) by the statements. */
export const allowedActions = (statements: readonly Statement[]): string[] => statements.filter((s) => s.Effect === 'Allow').flatMap((s) => list(s.Action));
