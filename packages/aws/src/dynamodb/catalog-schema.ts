/**
 * The catalog table: ONE DynamoDB table (single-table design). Pure data, no SDK import:
 * infra (infra/src/stacks/catalog-table.ts) builds the table from it, the adapter
 * (dynamo-catalog.ts) and the test helper (create-catalog-table.ts) use the same names.
 *
 * Items (pk / sk; `kind` names the item type):
 *
 * | item                     | pk                      | sk                  | GSI keys set                                      |
 * |--------------------------|-------------------------|---------------------|---------------------------------------------------|
 * | message                  | `MSG#<messageId>`       | `MSG`               | gsi1 `MSG#<source>`, gsi2 `MSG#<status>`, gsi3 `MSG#<patientId>` (when set); each sk = messageId |
 * | error (one diagnostic)   | `MSG#<messageId>`       | `ERR#<seq>`         | gsi1 `ERR#<source of the message>`, gsi2 `ERR`; each sk = `<messageId>#<seq>` |
 * | identifier -> patient    | `IDENT#<identifier>`    | `IDENT`             | -                                                 |
 * | patient -> identifier    | `PATIENT#<patientId>`   | `IDENT#<identifier>`| -                                                 |
 * | link (both patients)     | `PATIENT#<patientId>`   | `LINK#<other>`      | -                                                 |
 * | merge (merged patient)   | `PATIENT#<merged>`      | `MERGED`            | -                                                 |
 * | merge (survivor's copy)  | `PATIENT#<survivor>`    | `MERGE#<merged>`    | -                                                 |
 * | occurrence               | `OCCUR#<identifier>`    | `SOURCE#<source>`   | -                                                 |
 * | occurrence (patient copy)| `PATIENT#<patientId>`   | `OCCUR#<identifier>#<source>` | -                                       |
 * | conflict                 | `CONFLICT#<identifier>` | `SOURCE#<source>`   | -                                                 |
 * | conflict (both patients) | `PATIENT#<patientId>`   | `CONFLICT#<identifier>#<source>` | -                                    |
 * | content claim (ADR 0014) | `CLAIM#<source>#<hash>` | `CLAIM`             | -                                                 |
 *
 * `<seq>` is a per-put sequence (time, counter, random) that keeps the put order of one
 * message's diagnostics. Patient reads are strongly consistent base-table queries; message
 * and error listings use the GSIs (eventually consistent, as any listing may be). Time
 * filters on messages become id ranges on the GSI sort keys (ids are ULIDs minted at receipt).
 * Known limits: one GSI partition per status and one for all errors (`ERR`) take every
 * write of that kind, which bounds their write rate (a DynamoDB partition takes ~1000 writes
 * per second); shard those keys (`MSG#staged#<n>`, merged by the adapter's ordered query)
 * if a deployment approaches it. No TTL: catalog rows are kept for the life of the lake.
 */
export const CATALOG_TABLE_SCHEMA = {
  partitionKey: 'pk',
  sortKey: 'sk',
  attributes: [
    { name: 'pk', type: 'S' },
    { name: 'sk', type: 'S' },
    { name: 'gsi1pk', type: 'S' },
    { name: 'gsi1sk', type: 'S' },
    { name: 'gsi2pk', type: 'S' },
    { name: 'gsi2sk', type: 'S' },
    { name: 'gsi3pk', type: 'S' },
    { name: 'gsi3sk', type: 'S' },
  ],
  globalSecondaryIndexes: [
    /** Messages and errors by source, in message-id (= receive) order. */
    { indexName: 'gsi1-by-source', partitionKey: 'gsi1pk', sortKey: 'gsi1sk' },
    /** Messages by status; all errors. */
    { indexName: 'gsi2-by-status', partitionKey: 'gsi2pk', sortKey: 'gsi2sk' },
    /** Messages by patient (sparse: only messages attached to a patient). */
    { indexName: 'gsi3-by-patient', partitionKey: 'gsi3pk', sortKey: 'gsi3sk' },
  ],
} as const;

export type CatalogIndexName = (typeof CATALOG_TABLE_SCHEMA.globalSecondaryIndexes)[number]['indexName'];

/** Index names by role, for the adapter. */
export const CatalogIndex = {
  BySource: 'gsi1-by-source',
  ByStatus: 'gsi2-by-status',
  ByPatient: 'gsi3-by-patient',
} as const satisfies Record<string, CatalogIndexName>;
