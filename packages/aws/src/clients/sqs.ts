import { SQSClient } from '@aws-sdk/client-sqs';
import { clientOptions, type ClientFactory } from './registry';

export const SQS_CLIENT: ClientFactory<SQSClient> = {
  name: 'sqs',
  create: (config) => new SQSClient(clientOptions(config, config.endpoints?.sqs)),
};
