import { decodePageCursor, encodePageCursor, pageLimit } from '../../catalog-policy';
import { ValidationError } from '../../errors';
import type { Page } from '../../ports/catalog';
import {
  type ChangeEntry,
  type ChangeFeed,
  type ChangeQuery,
  ResourceChange,
  type ResourceQuery,
  type ResourceStore,
  type ResourceVersion,
  type SearchFields,
  type VersionWrite,
} from '../../ports/resource-store';
import { checkFollows, checkResourceRef, criteriaMatch, eventIdOf, normalizeSearch, pendingLimit, searchOrderKey } from '../../resource-store-policy';

interface Entry {
  versions: ResourceVersion[];
  search: SearchFields;
  sources: Set<string>;
}

const copy = <T>(v: T): T => structuredClone(v);
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * ResourceStore and ChangeFeed in memory, with the port's rules (resource-store-policy.ts;
 * the resource store contract runs against it). For tests of the use-cases.
 */
export class MemoryResourceStore implements ResourceStore, ChangeFeed {
  readonly resources = new Map<string, Entry>();
  /** Every committed version in commit order (the feed); `published` is the outbox state. */
  readonly log: { version: ResourceVersion; published: boolean }[] = [];

  private entry(resourceType: string, id: string): Entry | undefined {
    checkResourceRef(resourceType, id);
    return this.resources.get(searchOrderKey(resourceType, id));
  }

  async current(resourceType: string, id: string): Promise<ResourceVersion | undefined> {
    const v = this.entry(resourceType, id)?.versions.at(-1);
    return v === undefined ? undefined : copy(v);
  }

  async version(resourceType: string, id: string, versionId: number): Promise<ResourceVersion | undefined> {
    const v = this.entry(resourceType, id)?.versions.find((x) => x.versionId === versionId);
    return v === undefined ? undefined : copy(v);
  }

  async history(resourceType: string, id: string, page: { limit?: number; cursor?: string } = {}): Promise<Page<ResourceVersion>> {
    const all = [...(this.entry(resourceType, id)?.versions ?? [])].reverse();
    const before = page.cursor === undefined ? undefined : Number(decodePageCursor(page.cursor));
    if (before !== undefined && !Number.isSafeInteger(before)) throw new ValidationError('cursor is not a cursor of this listing');
    const rows = all.filter((v) => before === undefined || v.versionId < before);
    const limit = pageLimit(page.limit);
    const items = rows.slice(0, limit).map(copy);
    const last = items.at(-1);
    return rows.length > limit && last !== undefined ? { items, cursor: encodePageCursor(String(last.versionId)) } : { items };
  }

  async commit(write: VersionWrite): Promise<void> {
    const { version } = write;
    const existing = this.entry(version.resourceType, version.id);
    checkFollows(write, existing?.versions.at(-1));
    const entry = existing ?? { versions: [], search: {}, sources: new Set<string>() };
    entry.versions.push(copy(version));
    entry.search = version.change === ResourceChange.Delete ? {} : normalizeSearch(write.search);
    entry.sources.add(version.source);
    this.resources.set(searchOrderKey(version.resourceType, version.id), entry);
    this.log.push({ version: copy(version), published: false });
  }

  async addSource(resourceType: string, id: string, contribution: { source: string; messageId: string }): Promise<void> {
    this.entry(resourceType, id)?.sources.add(contribution.source);
  }

  async sourcesOf(resourceType: string, id: string): Promise<string[]> {
    return [...(this.entry(resourceType, id)?.sources ?? [])].sort();
  }

  async search(query: ResourceQuery): Promise<Page<ResourceVersion>> {
    const after = query.cursor === undefined ? undefined : decodePageCursor(query.cursor);
    const rows = [...this.resources.entries()]
      .filter(([key, e]) => {
        const current = e.versions.at(-1);
        if (current === undefined || current.change === ResourceChange.Delete) return false;
        if (query.resourceType !== undefined && current.resourceType !== query.resourceType) return false;
        if (after !== undefined && key <= after) return false;
        if (query.sources !== undefined && !query.sources.some((s) => e.sources.has(s))) return false;
        return criteriaMatch(e.search, query.criteria);
      })
      .sort(([a], [b]) => byText(a, b));
    const limit = pageLimit(query.limit);
    const page = rows.slice(0, limit);
    const items = page.map(([, e]) => copy(e.versions.at(-1) as ResourceVersion));
    const last = page.at(-1);
    return rows.length > limit && last !== undefined ? { items, cursor: encodePageCursor(last[0]) } : { items };
  }

  async pending(limit?: number): Promise<ResourceVersion[]> {
    return this.log
      .filter((e) => !e.published)
      .slice(0, pendingLimit(limit))
      .map((e) => copy(e.version));
  }

  async markPublished(eventIds: readonly string[]): Promise<void> {
    const ids = new Set(eventIds);
    for (const e of this.log) if (ids.has(eventIdOf(e.version))) e.published = true;
  }

  async changes(query: ChangeQuery): Promise<{ items: ChangeEntry[]; cursor?: string }> {
    const after = query.after === undefined ? 0 : Number(query.after);
    if (!Number.isSafeInteger(after) || after < 0) throw new ValidationError('position is not a position of this feed');
    const limit = pageLimit(query.limit);
    const items: ChangeEntry[] = [];
    let more = false;
    for (let i = after; i < this.log.length; i++) {
      const v = (this.log[i] as { version: ResourceVersion }).version;
      if (query.types !== undefined && !query.types.includes(v.resourceType)) continue;
      if (query.sources !== undefined) {
        const sources = this.resources.get(searchOrderKey(v.resourceType, v.id))?.sources;
        if (!query.sources.some((s) => sources?.has(s) === true)) continue;
      }
      if (items.length === limit) {
        more = true;
        break;
      }
      items.push({ position: String(i + 1), version: copy(v) });
    }
    const last = items.at(-1);
    return more && last !== undefined ? { items, cursor: last.position } : { items };
  }
}
