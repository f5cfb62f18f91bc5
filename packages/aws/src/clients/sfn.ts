import { SFNClient } from '@aws-sdk/client-sfn';
import { clientOptions, type ClientFactory } from './registry';

export const SFN_CLIENT: ClientFactory<SFNClient> = {
  name: 'sfn',
  create: (config) => new SFNClient(clientOptions(config, config.endpoints?.sfn)),
};
