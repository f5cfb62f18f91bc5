import { SNSClient } from '@aws-sdk/client-sns';
import { clientOptions, type ClientFactory } from './registry';

export const SNS_CLIENT: ClientFactory<SNSClient> = {
  name: 'sns',
  create: (config) => new SNSClient(clientOptions(config, config.endpoints?.sns)),
};
