/** Hooks the group screens use: live, filtered lists and the writes. */
import { useMemo } from 'react';
import type { Client } from '../../domain/client';
import { createGroup, updateGroup, type CheckedGroupInput, type Group } from '../../domain/group';
import { newId } from '../../domain/ids';
import type { Membership } from '../../domain/membership';
import { buildSearchIndex } from '../../domain/search';
import { useData } from './DataProvider';
import { useAllDocuments, useLiveQuery } from './live';
import { usePageCounts } from './memberCounts';

export type GroupSort = 'name' | '-name';
/** A group in the overview; the counts are null until its memberships have been read. */
export type GroupRow = Group & { memberCount: number | null; activeCount: number | null };

/** Names in the reader's order: case and accents aside, numbers by value ("Group 9" before "Group 10"). */
const byName = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });

export function sortByName<T extends { name: string }>(items: T[], direction: 'asc' | 'desc'): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  return [...items].sort((a, b) => byName.compare(a.name, b.name) * sign);
}

/** Every group, sorted, filtered by `search`; live. The counts come with a page (useCountedRows). */
export function useGroups(
  search: string,
  sort: GroupSort = 'name',
): { groups: Group[] | null; total: number } {
  const { db } = useData();
  const all = useAllDocuments(db.groups);
  // Work that depends on the data is done when the data changes, not on every keystroke:
  // a keystroke only scans the pre-folded, pre-sorted rows.
  const sorted = useMemo(() => (all ? sortByName(all, 'asc') : null), [all]);
  const search$ = useMemo(
    () => (sorted ? buildSearchIndex(sorted, (g) => [g.name, g.description]) : null),
    [sorted],
  );
  const groups = useMemo(() => {
    if (!search$) return null;
    const found = search$(search);
    return sort === 'name' ? found : [...found].reverse();
  }, [search$, search, sort]);
  return { groups, total: all?.length ?? 0 };
}

/**
 * `groups` (a page of the overview) with their member counts, read for these rows alone
 * (usePageCounts); null counts until read. Only the page's rows are made: a row for each
 * of 10,000 groups at every start took part of the first paint.
 */
export function useCountedRows(groups: Group[]): GroupRow[] {
  const { db } = useData();
  const counts = usePageCounts(
    db.memberships,
    groups.map((g) => g.id),
  );
  return groups.map((g) => {
    const c = counts?.get(g.id);
    return { ...g, memberCount: c?.all ?? null, activeCount: c?.active ?? null };
  });
}

/** One group, live: undefined while loading, null when it does not exist (or was deleted). */
export function useGroup(id: string): Group | null | undefined {
  const { db } = useData();
  const docs = useLiveQuery(db.groups, { selector: { id } }, id);
  if (docs === null) return undefined;
  return docs[0] ?? null;
}

export function useGroupMutations() {
  const { db } = useData();
  return useMemo(
    () => ({
      async createGroup(input: CheckedGroupInput): Promise<Group> {
        const group = createGroup(input, newId(), Date.now());
        await db.groups.insert(group);
        return group;
      },
      async updateGroup(id: string, input: CheckedGroupInput): Promise<void> {
        const doc = await db.groups.findOne(id).exec();
        if (!doc) throw new Error('This group no longer exists.');
        await doc.incrementalModify((current) => ({
          ...current,
          ...updateGroup(current, input, Date.now()),
        }));
      },
      /** Deletes groups and their memberships (the server does the same in one transaction); clients stay. */
      async deleteGroups(ids: string[]): Promise<void> {
        const now = Date.now();
        const memberships = await db.memberships.find({ selector: { groupId: { $in: ids } } }).exec();
        await Promise.all(memberships.map((m) => m.incrementalRemove()));
        const groups = await db.groups.findByIds(ids).exec();
        for (const doc of groups.values()) {
          await doc.incrementalModify((current) => ({
            ...current,
            updatedAt: Math.max(now, current.updatedAt),
            _deleted: true,
          }));
        }
      },
    }),
    [db],
  );
}

/** Everything the CSV export of some groups needs, read once. */
export function useExportData() {
  const { db } = useData();
  return useMemo(
    () => async (groupIds: string[]) => {
      const groups = [...(await db.groups.findByIds(groupIds).exec()).values()].map(
        (d) => d.toJSON() as Group,
      );
      const memberships = (
        await db.memberships.find({ selector: { groupId: { $in: groupIds } } }).exec()
      ).map((d) => d.toJSON() as Membership);
      const clientDocs = await db.clients.findByIds([...new Set(memberships.map((m) => m.clientId))]).exec();
      const clients = new Map([...clientDocs.values()].map((d) => [d.id, d.toJSON() as Client]));
      return { groups: sortByName(groups, 'asc'), memberships, clients };
    },
    [db],
  );
}

/** Sync controls for the indicator. */
export function useSyncActions() {
  const { sync } = useData();
  return useMemo(() => ({ syncNow: () => sync.syncNow() }), [sync]);
}
