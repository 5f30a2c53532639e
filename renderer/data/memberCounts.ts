/**
 * Member counts of the groups on screen: each group's memberships read through the
 * groupId index (milliseconds for a page of the overview), and read again when one of
 * them changes. Until 2026-12-08 a tally of every membership (one entry per membership,
 * 46 MB of heap for 500,000) gave the counts of all groups at once; only a page is ever
 * shown, so the page is what is counted.
 *
 * After a restart, the index answers once every membership has been read back (seconds
 * for 500,000); until then the screen shows the counts last read, kept in a local
 * document (CountsCache) — each group's only while none of its memberships changed since
 * and only on the day they were read ("active today" is of that day).
 */
import { useEffect, useState } from 'react';
import {
  normalizeMangoQuery,
  prepareQuery,
  type MangoQuerySelector,
  type RxChangeEvent,
  type RxCollection,
} from 'rxdb';
import { today } from '../../domain/dates';
import { isMemberOn, type Membership } from '../../domain/membership';
import { isOpen } from './live';
import type { LocalDocumentStore } from './engine/conflicts';

export type MemberCounts = Map<string, { all: number; active: number }>;

/**
 * The live memberships matching `selector`, straight from storage: plain records, no
 * RxDocuments. In the groupId index's order, which the storage keeps: any other order
 * would have it sort every membership (a second or so for 500,000).
 */
async function readStored(
  collection: RxCollection<Membership>,
  selector: MangoQuerySelector<Membership>,
): Promise<Membership[]> {
  const schema = collection.schema.jsonSchema;
  const query = prepareQuery(
    schema,
    normalizeMangoQuery(schema, {
      selector: { ...selector, _deleted: { $eq: false } } as MangoQuerySelector<Membership>,
      sort: [{ groupId: 'asc' }, { id: 'asc' }],
    }),
  );
  return (await collection.storageInstance.query(query)).documents;
}

/**
 * Member counts of `groupIds` alone, each group's memberships read through the groupId
 * index: a page of the overview in milliseconds.
 */
export async function countGroups(
  collection: RxCollection<Membership>,
  groupIds: string[],
  day: string,
): Promise<MemberCounts> {
  const counts: MemberCounts = new Map();
  await Promise.all(
    groupIds.map(async (groupId) => {
      const documents = await readStored(collection, { groupId });
      counts.set(groupId, {
        all: documents.length,
        active: documents.filter((m) => isMemberOn(m, day)).length,
      });
    }),
  );
  return counts;
}

/** The groups a change to a membership touches: its group, and the one it was in before. */
function groupsOf(event: RxChangeEvent<Membership>): string[] {
  const before = event.previousDocumentData as Membership | undefined;
  return before && before.groupId !== event.documentData.groupId
    ? [event.documentData.groupId, before.groupId]
    : [event.documentData.groupId];
}

/** How long changes to the shown groups' memberships gather before their counts are read again. */
const PUBLISH_MS = 250;

const CACHE_DOC = 'member-counts';
/** The least time between two writes of the cache (the first after a pause is at once). */
export const SAVE_MS = 1_000;
/** Groups kept, the most recently counted: the cache stays a small document. */
const MAX_KEPT = 2_000;

type CachedCounts = { day: string; counts: Record<string, [all: number, active: number]> };

/**
 * The counts last read for each group, kept in a local document of the database: shown
 * after a restart until the groups' memberships are read back. Any change to one of a
 * group's memberships (a local edit, a pulled page) forgets that group's entry at once,
 * so an entry is never older than the memberships it counted.
 */
export class CountsCache {
  private counts = new Map<string, [number, number]>();
  private day = '';
  private saveTimer: ReturnType<typeof setTimeout> | undefined;
  private lastSave = 0;
  private writes: Promise<unknown> = Promise.resolve();
  readonly ready: Promise<void>;
  private readonly sub: { unsubscribe(): void };

  constructor(
    collection: RxCollection<Membership>,
    private readonly store: LocalDocumentStore,
  ) {
    // Listening starts before the stored counts are read: a change meanwhile is not missed.
    const changed = new Set<string>();
    let loaded = false;
    this.sub = collection.$.subscribe((event) => {
      for (const groupId of groupsOf(event)) {
        if (!loaded) changed.add(groupId);
        else if (this.counts.delete(groupId)) this.scheduleSave();
      }
    });
    this.ready = store
      .getLocal(CACHE_DOC)
      .then((doc) => {
        const stored = doc?.get('data') as CachedCounts | undefined;
        if (stored && stored.day === today()) {
          this.day = stored.day;
          this.counts = new Map(Object.entries(stored.counts));
        }
        for (const groupId of changed) this.counts.delete(groupId);
        loaded = true;
      })
      .catch((error: unknown) => {
        loaded = true;
        console.error('Cohort: the member counts kept could not be read', error);
      });
  }

  /** The kept counts of those of `groupIds` that have them (today's only). */
  get(groupIds: readonly string[]): MemberCounts {
    const out: MemberCounts = new Map();
    if (this.day !== today()) return out;
    for (const id of groupIds) {
      const c = this.counts.get(id);
      if (c) out.set(id, { all: c[0], active: c[1] });
    }
    return out;
  }

  /** Keeps counts just read on `day`. */
  put(counts: MemberCounts, day: string): void {
    if (day !== this.day) {
      this.day = day;
      this.counts.clear();
    }
    for (const [id, c] of counts) {
      // Moved to the end: the oldest counted go first when there are too many.
      this.counts.delete(id);
      this.counts.set(id, [c.all, c.active]);
    }
    for (const id of this.counts.keys()) {
      if (this.counts.size <= MAX_KEPT) break;
      this.counts.delete(id);
    }
    this.scheduleSave();
  }

  /**
   * Writes the cache: at once after a pause (counts just read are kept even if the app is
   * closed right after they show), else once SAVE_MS after the last write, with everything
   * that changed meanwhile (a burst of keystrokes in the search, of pulled pages).
   */
  private scheduleSave(): void {
    if (this.saveTimer !== undefined) return;
    const wait = Math.max(0, this.lastSave + SAVE_MS - Date.now());
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.lastSave = Date.now();
      const data: CachedCounts = { day: this.day, counts: Object.fromEntries(this.counts) };
      this.writes = this.writes
        .then(() => this.store.upsertLocal(CACHE_DOC, { data }))
        .catch(() => undefined);
    }, wait);
  }

  /**
   * Stops listening. What changed in the last SAVE_MS is not written: RxDB closes a
   * database's local documents before its collections, and a cache that missed a write
   * only means that the next start waits for the counts to be read.
   */
  close(): Promise<void> {
    this.sub.unsubscribe();
    clearTimeout(this.saveTimer);
    this.saveTimer = undefined;
    return this.writes.then(() => undefined);
  }
}

const caches = new WeakMap<RxCollection<Membership>, CountsCache>();

/** The collection's cache, made at its first use and closed with the collection. */
export function countsCache(collection: RxCollection<Membership>): CountsCache {
  let cache = caches.get(collection);
  if (!cache) {
    const made = new CountsCache(collection, collection.database);
    caches.set(collection, made);
    collection.onClose.push(() => made.close());
    collection.onRemove.push(() => made.close());
    cache = made;
  }
  return cache;
}

/**
 * Calls `onCounts` with the member counts of `groupIds`: the kept ones first (when `cache`
 * has some), then, unless it had them all, those read; and again after each burst of
 * changes to their memberships (at most every PUBLISH_MS). Returns the stop.
 */
export function watchPageCounts(
  collection: RxCollection<Membership>,
  groupIds: readonly string[],
  onCounts: (counts: MemberCounts) => void,
  cache?: CountsCache,
): () => void {
  const shown = new Set(groupIds);
  let current = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const count = () => {
    timer = undefined;
    const day = today();
    countGroups(collection, [...shown], day).then(
      (counts) => {
        if (!current) return;
        cache?.put(counts, day);
        onCounts(counts);
      },
      (error: unknown) => current && console.error('Cohort: the member counts could not be read', error),
    );
  };
  // Listen first, then read: a change made during the read is read again after it.
  const sub = collection.$.subscribe((event) => {
    if (groupsOf(event).some((groupId) => shown.has(groupId))) timer ??= setTimeout(count, PUBLISH_MS);
  });
  if (!cache) count();
  else
    void cache.ready.then(() => {
      if (!current) return;
      // The cache forgets a group at any change to its memberships: what it has is exact.
      const kept = cache.get(groupIds);
      if (kept.size > 0) onCounts(kept);
      if (kept.size < shown.size) count();
    });
  return () => {
    current = false;
    clearTimeout(timer);
    sub.unsubscribe();
  };
}

/**
 * Member counts of `groupIds` (the groups on screen), live; null until first read. When
 * the groups on screen change (a keystroke in the search), the counts read for the
 * earlier set stay until the new set is read, so the groups still shown do not blink to
 * placeholders.
 */
export function usePageCounts(collection: RxCollection<Membership>, groupIds: string[]): MemberCounts | null {
  const key = groupIds.join('\n');
  const [page, setPage] = useState<{ collection: RxCollection<Membership>; counts: MemberCounts } | null>(
    null,
  );
  useEffect(() => {
    if (!key || !isOpen(collection)) return;
    return watchPageCounts(
      collection,
      key.split('\n'),
      (counts) => setPage({ collection, counts }),
      countsCache(collection),
    );
  }, [collection, key]);
  return page?.collection === collection ? page.counts : null;
}
