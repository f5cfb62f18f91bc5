import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { checkObjectKey } from '@hcdl/lake';

/** Presigned GETs of lake objects (answers too large for a Lambda), signed with the function's role (its GetObject). */
export class S3DownloadSigner {
  constructor(
    private readonly s3: S3Client,
    private readonly options: { bucket: string },
  ) {}

  async presignDownload(key: string, expiresSeconds: number): Promise<string> {
    // The presigner may resolve its own copy of the smithy client types: the client is the same object.
    return getSignedUrl(
      this.s3 as unknown as Parameters<typeof getSignedUrl>[0],
      new GetObjectCommand({ Bucket: this.options.bucket, Key: checkObjectKey(key) }),
      {
        expiresIn: expiresSeconds,
      },
    );
  }
}
