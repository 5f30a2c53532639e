/**
 * Member counts per group for the overview, kept by a tally instead of a live query over
 * every membership: one read of all memberships straight from storage (plain records, no
 * RxDocument for each of 500,000), then each change event adjusts the tally. A live
 * query would read and copy every membership again on each change — quadratic while the
 * first sync brings them in page after page, and seconds per edit in a large network.
 */
import { useEffect, useState } from 'react';
import { normalizeMangoQuery, prepareQuery, type MangoQuerySelector, type RxCollection } from 'rxdb';
import { today } from '../../domain/dates';
import { isMemberOn, type Membership } from '../../domain/membership';
import { isOpen } from './live';

export type MemberCounts = Map<string, { all: number; active: number }>;

type Stored = Membership & { _deleted?: boolean; _meta?: { lwt?: number } };
/** Only what counting needs: half a million full records would weigh hundreds of MB. */
type Entry = {
  groupId: string;
  startDate: string;
  endDate: string | undefined;
  deleted: boolean;
  lwt: number;
};

/** The latest known state of every membership, by id; an older state never replaces a newer one. */
export class MemberTally {
  private readonly byId = new Map<string, Entry>();

  /** A membership's state as stored (its `_meta.lwt` says how recent it is). */
  apply(doc: Stored): void {
    const lwt = doc._meta?.lwt ?? 0;
    const held = this.byId.get(doc.id);
    if (held && held.lwt > lwt) return;
    this.byId.set(doc.id, {
      groupId: doc.groupId,
      startDate: doc.startDate,
      endDate: doc.endDate,
      deleted: doc._deleted === true,
      lwt,
    });
  }

  /** Members per group: all of them, and those in the group on `day`. */
  counts(day: string): MemberCounts {
    const counts: MemberCounts = new Map();
    for (const entry of this.byId.values()) {
      if (entry.deleted) continue;
      const c = counts.get(entry.groupId) ?? { all: 0, active: 0 };
      c.all += 1;
      if (isMemberOn(entry, day)) c.active += 1;
      counts.set(entry.groupId, c);
    }
    return counts;
  }
}

/**
 * The live memberships matching `selector`, straight from storage: plain records, no
 * RxDocuments. In the groupId index's order, which the storage keeps: any other order
 * would have it sort every membership (a second or so for 500,000).
 */
async function readStored(
  collection: RxCollection<Membership>,
  selector: MangoQuerySelector<Membership>,
): Promise<Stored[]> {
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
 * index: a page of the overview in milliseconds, where the tally reads every membership.
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

/**
 * Resolves once the page is idle: the read of every membership (and the sorting of half a
 * million of them) then starts after the screen's first counts, read for its page alone
 * (usePageCounts), are painted. Node has no idle callbacks: a plain timeout there.
 */
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), { timeout: 1_000 });
    else setTimeout(resolve, 0);
  });
}

/** How often the counts are handed to the screen while changes stream in. */
const PUBLISH_MS = 250;

export type CountsWatch = {
  stop(): void;
  /** Hands the counts over again (for today's date), once every membership has been read. */
  recount(): void;
};

/**
 * Calls `onCounts` with the member counts per group once every membership has been read,
 * then after changes (at most every PUBLISH_MS).
 */
export function watchMemberCounts(
  collection: RxCollection<Membership>,
  onCounts: (counts: MemberCounts) => void,
): CountsWatch {
  const tally = new MemberTally();
  let ready = false;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const publish = () => {
    timer = undefined;
    if (!closed) onCounts(tally.counts(today()));
  };
  // Listen first, then read: a change made during the read is not missed, and the tally
  // keeps whichever state is newer.
  const sub = collection.$.subscribe((event) => {
    tally.apply({
      ...event.documentData,
      _deleted: event.operation === 'DELETE' || event.documentData._deleted,
    });
    if (ready) timer ??= setTimeout(publish, PUBLISH_MS);
  });
  whenIdle()
    .then(() => (closed ? [] : readStored(collection, {})))
    .then((documents) => {
      for (const doc of documents) tally.apply(doc);
      ready = true;
      publish();
    })
    .catch((error: unknown) => console.error('Cohort: the member counts could not be read', error));
  return {
    stop() {
      closed = true;
      sub.unsubscribe();
      clearTimeout(timer);
    },
    recount() {
      if (ready) publish();
    },
  };
}

/**
 * How long the tally outlives the last screen that shows it: coming back to the overview
 * within this time shows the counts at once instead of reading every membership again
 * (10 s for 500,000 on this machine), and a group opened meanwhile does not wait behind
 * that read. The tally of 500,000 memberships holds tens of MB, so it is not kept for ever.
 */
const KEEP_MS = 5 * 60_000;

type Shared = {
  watch: CountsWatch;
  listeners: Set<(counts: MemberCounts) => void>;
  idle?: ReturnType<typeof setTimeout>;
  /** Stops the tally and forgets it (after KEEP_MS without a screen, or when the collection closes). */
  end(): void;
};
const shared = new WeakMap<RxCollection<Membership>, Shared>();

/**
 * Ends a tally no screen used for KEEP_MS, and takes its hooks off the collection, which stays
 * open (RxDB runs the hooks with map over the array, so they are not taken off while it does).
 */
function dropIdle(collection: RxCollection<Membership>, entry: Shared): void {
  entry.end();
  for (const hooks of [collection.onClose, collection.onRemove]) {
    const at = hooks.indexOf(entry.end);
    if (at >= 0) hooks.splice(at, 1);
  }
}

/** Member counts of `collection` for `listener`, from one tally shared by every screen. Returns the unsubscribe. */
export function subscribeMemberCounts(
  collection: RxCollection<Membership>,
  listener: (counts: MemberCounts) => void,
): () => void {
  let entry = shared.get(collection);
  if (!entry) {
    const listeners = new Set<(counts: MemberCounts) => void>();
    const created: Shared = {
      listeners,
      watch: watchMemberCounts(collection, (counts) => {
        for (const l of listeners) l(counts);
      }),
      end() {
        clearTimeout(created.idle);
        created.watch.stop();
        if (shared.get(collection) === created) shared.delete(collection);
      },
    };
    collection.onClose.push(created.end);
    collection.onRemove.push(created.end);
    shared.set(collection, created);
    entry = created;
  }
  const current = entry;
  clearTimeout(current.idle);
  current.listeners.add(listener);
  current.watch.recount();
  return () => {
    current.listeners.delete(listener);
    if (current.listeners.size === 0) current.idle = setTimeout(() => dropIdle(collection, current), KEEP_MS);
  };
}

/**
 * Member counts per group, live; null until every membership has been read once. With
 * `start` false the read waits: the overview starts it once its groups are read, as
 * IndexedDB answers one request after another and the list should come first.
 */
export function useMemberCounts(collection: RxCollection<Membership>, start = true): MemberCounts | null {
  const [state, setState] = useState<{ collection: RxCollection<Membership>; counts: MemberCounts } | null>(
    null,
  );
  useEffect(
    () =>
      start && isOpen(collection)
        ? subscribeMemberCounts(collection, (counts) => setState({ collection, counts }))
        : undefined,
    [collection, start],
  );
  return state?.collection === collection ? state.counts : null;
}

/**
 * Member counts of `groupIds` (the groups on screen whose counts the tally has not given
 * yet), read through the index and again when one of their memberships changes; null
 * until read. A first visit of a large organisation's overview then shows the counts of
 * its page in milliseconds, not after the read of every membership. When the groups on
 * screen change (a keystroke in the search), those still shown keep their counts until the
 * new set is read, instead of blinking to placeholders.
 */
export function usePageCounts(collection: RxCollection<Membership>, groupIds: string[]): MemberCounts | null {
  const key = groupIds.join('\n');
  const [page, setPage] = useState<{ collection: RxCollection<Membership>; counts: MemberCounts } | null>(
    null,
  );
  useEffect(() => {
    if (!key || !isOpen(collection)) return;
    const ids = key.split('\n');
    const shown = new Set(ids);
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const read = () => {
      timer = undefined;
      countGroups(collection, ids, today()).then(
        (counts) => current && setPage({ collection, counts }),
        // The tally reports its own failures; these counts only bridge until it is there.
        () => undefined,
      );
    };
    read();
    const sub = collection.$.subscribe((event) => {
      if (shown.has(event.documentData.groupId)) timer ??= setTimeout(read, PUBLISH_MS);
    });
    return () => {
      current = false;
      clearTimeout(timer);
      sub.unsubscribe();
    };
  }, [collection, key]);
  return page?.collection === collection ? page.counts : null;
}
