/**
 * The refined zone's resource table (FHIR resource index, ADR 0011). Pure data, no SDK import:
 * infra (infra/src/stacks/refined.ts) builds the table from it, the adapter
 * (dynamo-resource-store.ts) and the test helper (createResourceTable) use the same names.
 *
 * Items, all under the resource's partition `R#<Type>/<id>`:
 *
 * | item               | sk             | GSI keys set                                            |
 * |--------------------|----------------|---------------------------------------------------------|
 * | head (current)     | `HEAD`         | `cur` = `current`, `ck` = `<Type>/<id>` (not when deleted) |
 * | version            | `V#<v, 15 digits>` | -                                                   |
 * | outbox entry       | `O#<v, 15 digits>` | `ob` = `pending`, `os` = commit sequence            |
 * | source             | `S#<source>`   | -                                                       |
 *
 * A commit is ONE TransactWriteItems: head (conditional on the previous version), version and
 * outbox entry, and the source; so a version is never committed without its outbox entry.
 * Publishing deletes the outbox entry. The head holds the current version and its search
 * values; search reads heads through `by-current` in type/id order and applies the criteria
 * (resource-store-policy.ts) to each. Known limits: `by-current` and `by-outbox` are one GSI
 * partition each (~1000 writes/s); the commit sequence orders one writer's commits exactly and
 * different writers' by clock; an item holds at most 400 KB (a version's body).
 */
export const RESOURCE_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  attributes: [
    { name: 'pk', type: 'S' },
    { name: 'sk', type: 'S' },
    { name: 'cur', type: 'S' },
    { name: 'ck', type: 'S' },
    { name: 'ob', type: 'S' },
    { name: 'os', type: 'S' },
  ],
  globalSecondaryIndexes: [
    /** Current, not deleted resources in type/id order (search). */
    { indexName: 'by-current', partitionKey: 'cur', sortKey: 'ck' },
    /** Pending outbox entries in commit order (the relay's `pending`). */
    { indexName: 'by-outbox', partitionKey: 'ob', sortKey: 'os' },
  ],
} as const;

export type ResourceIndexName = (typeof RESOURCE_TABLE_SCHEMA.globalSecondaryIndexes)[number]['indexName'];

export const ResourceIndex = {
  ByCurrent: 'by-current',
  ByOutbox: 'by-outbox',
} as const satisfies Record<string, ResourceIndexName>;
