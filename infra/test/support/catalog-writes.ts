import { DynamoCatalog } from '@hcdl/aws';

/** One item write the DynamoDB catalog sent: the IAM action that authorizes it and the item's partition key. */
export interface CatalogWrite {
  action: string;
  pk: string;
}

type Input = Record<string, unknown> & {
  Item?: { pk: string };
  Key?: { pk: string };
  RequestItems?: Record<string, { PutRequest?: { Item: { pk: string } }; DeleteRequest?: { Key: { pk: string } } }[]>;
};

/**
 * Runs catalog calls of the real DynamoDB adapter against a document client that records the
 * items written and answers reads with nothing: the partition keys the adapter really uses,
 * for checking IAM conditions on `dynamodb:LeadingKeys` against them.
 */
export async function catalogWritesOf(calls: (catalog: DynamoCatalog) => Promise<unknown>): Promise<CatalogWrite[]> {
  const writes: CatalogWrite[] = [];
  const send = async (command: { constructor: { name: string }; input: Input }): Promise<unknown> => {
    const { input } = command;
    switch (command.constructor.name) {
      case 'PutCommand':
        writes.push({ action: 'dynamodb:PutItem', pk: String(input.Item?.pk) });
        return {};
      case 'UpdateCommand':
        writes.push({ action: 'dynamodb:UpdateItem', pk: String(input.Key?.pk) });
        return { Attributes: { ...input.Key } };
      case 'BatchWriteCommand':
        for (const requests of Object.values(input.RequestItems ?? {})) {
          for (const r of requests) writes.push({ action: 'dynamodb:BatchWriteItem', pk: String(r.PutRequest?.Item.pk ?? r.DeleteRequest?.Key.pk) });
        }
        return {};
      case 'GetCommand':
        return {};
      case 'QueryCommand':
        return { Items: [] };
      default:
        throw new Error(`unexpected DynamoDB command ${command.constructor.name}`);
    }
  };
  await calls(new DynamoCatalog({ send } as unknown as ConstructorParameters<typeof DynamoCatalog>[0], 'catalog'));
  return writes;
}
