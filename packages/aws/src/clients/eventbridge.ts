import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { clientOptions, type ClientFactory } from './registry';

export const EVENTBRIDGE_CLIENT: ClientFactory<EventBridgeClient> = {
  name: 'eventbridge',
  create: (config) => new EventBridgeClient(clientOptions(config, config.endpoints?.eventbridge)),
};
