import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { clientOptions, type ClientFactory } from './registry';

/** The low-level client (Powertools' persistence layer takes this one). */
export const DYNAMODB_CLIENT: ClientFactory<DynamoDBClient> = {
  name: 'dynamodb',
  create: (config) => new DynamoDBClient(clientOptions(config, config.endpoints?.dynamodb)),
};

/** Document client (plain JS values, `removeUndefinedValues` on) over the registry's low-level client. */
export const DYNAMODB_DOCUMENT_CLIENT: ClientFactory<DynamoDBDocumentClient> = {
  name: 'dynamodb-document',
  create: (_config, clients) => DynamoDBDocumentClient.from(clients.get(DYNAMODB_CLIENT), { marshallOptions: { removeUndefinedValues: true } }),
};
