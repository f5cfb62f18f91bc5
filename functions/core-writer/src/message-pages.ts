import type { Catalog, MessageQuery, MessageRecord } from '@hcdl/lake';

/** Every page of a catalog listing, in order (the cursor is handled here). */
export async function* messagePages(catalog: Catalog, query: Omit<MessageQuery, 'cursor'>): AsyncGenerator<MessageRecord[]> {
  let cursor: string | undefined;
  do {
    const page = await catalog.listMessages(cursor === undefined ? query : { ...query, cursor });
    yield page.items;
    cursor = page.cursor;
  } while (cursor !== undefined);
}
