import type { S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { checkMetadata, checkObjectKey } from '@hcdl/lake';

/** A presigned S3 POST (what @hcdl/core's upload use-case hands the client). */
export interface S3PresignedPost {
  url: string;
  fields: Record<string, string>;
}

export interface S3SignerOptions {
  bucket: string;
  /** KMS key the uploads must be encrypted with (the lake key); absent: the bucket's default KMS key. */
  kmsKeyId?: string | undefined;
}

/**
 * Presigned uploads on the lake bucket, signed with the function's own credentials (its role
 * must hold PutObject on what it signs). They are presigned POSTs, not PUTs: a POST policy
 * bounds the size (`content-length-range`), which a presigned PUT cannot, and pins the key, the
 * metadata and the encryption, so the client can change none of them; S3 refuses the form
 * otherwise. (Uploads and downloads are two classes so a function bundles only the presigner
 * it uses.)
 */
export class S3UploadSigner {
  constructor(
    private readonly s3: S3Client,
    private readonly options: S3SignerOptions,
  ) {}

  async presignUpload(input: { key: string; maxBytes: number; metadata: Record<string, string>; expiresSeconds: number }): Promise<S3PresignedPost> {
    const key = checkObjectKey(input.key);
    const metadata = checkMetadata(input.metadata);
    const fields: Record<string, string> = { 'x-amz-server-side-encryption': 'aws:kms' };
    if (this.options.kmsKeyId !== undefined) fields['x-amz-server-side-encryption-aws-kms-key-id'] = this.options.kmsKeyId;
    for (const [k, v] of Object.entries(metadata)) fields[`x-amz-meta-${k}`] = v;
    const conditions: NonNullable<Parameters<typeof createPresignedPost>[1]['Conditions']> = [['content-length-range', 1, input.maxBytes]];
    // Every field is pinned by the policy: a form that changes one is refused by S3.
    for (const [k, v] of Object.entries(fields)) conditions.push({ [k]: v });
    const post = await createPresignedPost(this.s3, {
      Bucket: this.options.bucket,
      Key: key,
      Conditions: conditions,
      Fields: fields,
      Expires: input.expiresSeconds,
    });
    return { url: post.url, fields: post.fields };
  }
}
