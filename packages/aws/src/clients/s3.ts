import { S3Client } from '@aws-sdk/client-s3';
import { clientOptions, type ClientFactory } from './registry';

/** S3, path-style when its endpoint is overridden (loopback servers have no virtual-host buckets). */
export const S3_CLIENT: ClientFactory<S3Client> = {
  name: 's3',
  create: (config) => {
    const endpoint = config.endpoints?.s3;
    return new S3Client({ ...clientOptions(config, endpoint), ...(endpoint !== undefined ? { forcePathStyle: true } : {}) });
  },
};
