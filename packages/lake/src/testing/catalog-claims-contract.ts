import { describe, expect, it } from '@jest/globals';
import { CatalogConflictError, ContentClaimedError } from '../errors';
import type { Catalog } from '../ports/catalog';
import { allMessages, messageRecord, T0 } from './catalog-fixtures';
import { settleAll, uniqueTag } from './support';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * Content claims (ADR 0014): the unique key of (source, content hash) within the dedup
 * window, written in the same write as the row it belongs to.
 */
export function describeCatalogClaims(catalog: () => Catalog): void {
  describe('content claims', () => {
    it('claims (source, hash) with the row and refuses a second row for it, naming the first', async () => {
      const source = uniqueTag('src-');
      const first = messageRecord(source, T0, { contentHash: 'a'.repeat(64) });
      await catalog().putMessage(first, { claimUntil: nowSeconds() + 3600 });
      expect(await catalog().getContentClaim(source, first.contentHash)).toEqual({
        source,
        contentHash: first.contentHash,
        messageId: first.messageId,
        expiresAt: expect.any(Number),
      });
      const second = messageRecord(source, T0 + 1, { contentHash: first.contentHash });
      const err = await catalog()
        .putMessage(second, { claimUntil: nowSeconds() + 3600 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err).toBeInstanceOf(ContentClaimedError);
      expect(err).toBeInstanceOf(CatalogConflictError);
      expect((err as ContentClaimedError).messageId).toBe(first.messageId);
      // Nothing of the refused write is kept.
      expect(await catalog().getMessage(second.messageId)).toBeUndefined();
      expect((await allMessages(catalog(), { source })).items.map((r) => r.messageId)).toEqual([first.messageId]);
    });

    it('keeps claims per source and per hash', async () => {
      const [a, b] = [uniqueTag('src-'), uniqueTag('src-')];
      const hash = 'b'.repeat(64);
      const until = nowSeconds() + 3600;
      await catalog().putMessage(messageRecord(a, T0, { contentHash: hash }), { claimUntil: until });
      await catalog().putMessage(messageRecord(b, T0, { contentHash: hash }), { claimUntil: until });
      await catalog().putMessage(messageRecord(a, T0, { contentHash: 'c'.repeat(64) }), { claimUntil: until });
      expect((await allMessages(catalog(), { source: a })).items).toHaveLength(2);
      expect((await allMessages(catalog(), { source: b })).items).toHaveLength(1);
    });

    it('treats an expired claim as absent and lets a new row take it over', async () => {
      const source = uniqueTag('src-');
      const old = messageRecord(source, T0, { contentHash: 'd'.repeat(64) });
      await catalog().putMessage(old, { claimUntil: nowSeconds() - 1 });
      expect(await catalog().getContentClaim(source, old.contentHash)).toBeUndefined();
      const next = messageRecord(source, T0 + 1, { contentHash: old.contentHash });
      await catalog().putMessage(next, { claimUntil: nowSeconds() + 3600 });
      expect((await catalog().getContentClaim(source, old.contentHash))?.messageId).toBe(next.messageId);
    });

    it('claims nothing without claimUntil (input that is not deduplicated)', async () => {
      const source = uniqueTag('src-');
      const r = messageRecord(source, T0, { contentHash: 'e'.repeat(64) });
      await catalog().putMessage(r);
      await catalog().putMessage(messageRecord(source, T0 + 1, { contentHash: r.contentHash }));
      expect(await catalog().getContentClaim(source, r.contentHash)).toBeUndefined();
    });

    it('lets exactly one of concurrent claiming puts of one content win', async () => {
      const source = uniqueTag('src-');
      const hash = 'f'.repeat(64);
      const rows = Array.from({ length: 6 }, (_, i) => messageRecord(source, T0 + i, { contentHash: hash }));
      const { fulfilled, rejected } = await settleAll(rows.map((r) => catalog().putMessage(r, { claimUntil: nowSeconds() + 3600 })));
      expect(fulfilled).toHaveLength(1);
      const kept = (await allMessages(catalog(), { source })).items;
      expect(kept).toHaveLength(1);
      for (const err of rejected) expect([err instanceof ContentClaimedError, (err as ContentClaimedError).messageId]).toEqual([true, kept[0]?.messageId]);
    });

    it('refuses a row whose id exists without taking the claim', async () => {
      const source = uniqueTag('src-');
      const r = messageRecord(source, T0, { contentHash: '1'.repeat(64) });
      await catalog().putMessage(r);
      const err = await catalog()
        .putMessage({ ...r, contentHash: '2'.repeat(64) }, { claimUntil: nowSeconds() + 3600 })
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect([err instanceof CatalogConflictError, err instanceof ContentClaimedError]).toEqual([true, false]);
      expect(await catalog().getContentClaim(source, '2'.repeat(64))).toBeUndefined();
    });
  });
}
