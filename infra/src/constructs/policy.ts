/** IAM policy documents written as plain data, rendered with JSON.stringify (tokens resolve inside strings). */

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource?: string | string[];
  Principal?: Record<string, string | string[]> | '*';
  Condition?: Record<string, Record<string, string | string[] | boolean>>;
}

export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

export function allow(actions: string[], resources: string[], sid?: string): PolicyStatement {
  return { ...(sid !== undefined ? { Sid: sid } : {}), Effect: 'Allow', Action: actions, Resource: resources };
}

/** Trust policy letting one AWS service assume a role. */
export function assumeRolePolicy(service: string): string {
  return policyDocument([{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole' }]);
}

/** Object ARNs under given prefixes of a bucket, e.g. `raw/`. */
export function objectArns(bucketArn: string, prefixes: readonly string[]): string[] {
  return prefixes.map((prefix) => `${bucketArn}/${prefix}*`);
}

/** A table and its indexes (Query on a GSI is authorized against `table/index/<name>`). */
export function tableAndIndexArns(tableArn: string): string[] {
  return [tableArn, `${tableArn}/index/*`];
}

/** Use of the customer-managed key for data in S3 (bucket key), DynamoDB, SNS and SQS. */
export function kmsUse(keyArn: string): PolicyStatement {
  return allow(['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'], [keyArn], 'UseLakeKey');
}

/** Catalog reads: single items, queries on the table and its GSIs, batched gets. */
export function catalogRead(tableArn: string, sid = 'ReadCatalog'): PolicyStatement {
  return allow(['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'], tableAndIndexArns(tableArn), sid);
}

/** Catalog writes (conditional puts, updates, transactions' condition checks) plus the reads they need. */
export function catalogWrite(tableArn: string, sid = 'WriteCatalog'): PolicyStatement {
  return allow(
    [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:ConditionCheckItem',
      'dynamodb:BatchWriteItem',
    ],
    tableAndIndexArns(tableArn),
    sid,
  );
}

/** What the Powertools DynamoDB persistence layer calls on the idempotency table. */
export function idempotencyUse(tableArn: string): PolicyStatement {
  return allow(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'], [tableArn], 'IdempotencyRecords');
}

/** Publishing hub events (the topic is KMS-encrypted: add kmsUse too). */
export function publishToHub(topicArn: string): PolicyStatement {
  return allow(['sns:Publish'], [topicArn], 'PublishHubEvents');
}

/** Reading data encrypted with the customer-managed key (readers never encrypt). */
export function kmsDecrypt(keyArn: string): PolicyStatement {
  return allow(['kms:Decrypt'], [keyArn], 'DecryptWithLakeKey');
}

/**
 * Reading objects under prefixes: GetObject (get and head; tags are never read on the data
 * path), plus ListBucket on the bucket itself so that a missing key answers 404 instead of
 * 403 (the store maps 404 to "no such object"; callers rely on that).
 */
export function readObjects(bucketArn: string, prefixes: readonly string[], sid: string): PolicyStatement[] {
  return [allow(['s3:GetObject'], objectArns(bucketArn, prefixes), sid), allow(['s3:ListBucket'], [bucketArn], `${sid}MissingIs404`)];
}

/** Writing objects with their tags (the S3 store sends `data_src` in the PutObject/CopyObject request). */
export function writeObjects(bucketArn: string, prefixes: readonly string[], sid: string): PolicyStatement {
  return allow(['s3:PutObject', 's3:PutObjectTagging'], objectArns(bucketArn, prefixes), sid);
}

/**
 * Partition-key prefix of the catalog's message and error items (`MSG#<messageId>`, see
 * packages/aws/src/dynamodb/items.ts); patient-index items use other prefixes.
 */
export const CATALOG_MESSAGE_KEY_PREFIX = 'MSG#';

/**
 * Writes of message and error rows only (what the front door's ingest does): every written
 * item's partition key must start with `MSG#`, so the patient index stays core-writer's alone.
 */
export function catalogWriteMessages(tableArn: string, sid = 'WriteMessageRows'): PolicyStatement {
  return {
    ...allow(['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:ConditionCheckItem', 'dynamodb:BatchWriteItem'], [tableArn], sid),
    Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`${CATALOG_MESSAGE_KEY_PREFIX}*`] } },
  };
}
