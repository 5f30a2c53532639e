/** Hooks the group screens use: a live, filtered list and the writes. */
import { useEffect, useMemo, useState } from 'react';
import { createGroup, type Group, type GroupInput } from '../../domain/group';
import { newId } from '../../domain/ids';
import { useData } from './DataProvider';

export type GroupSort = 'name' | '-name';

/** Case- and accent-insensitive match on name and description. */
export function matchesSearch(group: Pick<Group, 'name' | 'description'>, term: string): boolean {
  const needle = fold(term.trim());
  if (!needle) return true;
  return fold(group.name).includes(needle) || fold(group.description).includes(needle);
}

function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();
}

/** All groups, sorted, filtered by `search`; updates live as the local database changes. */
export function useGroups(
  search: string,
  sort: GroupSort = 'name',
): { groups: Group[] | null; total: number } {
  const { db } = useData();
  const [all, setAll] = useState<Group[] | null>(null);
  useEffect(() => {
    const sub = db.groups
      .find({ sort: [{ name: 'asc' }] })
      .$.subscribe((docs) => setAll(docs.map((d) => d.toJSON() as Group)));
    return () => sub.unsubscribe();
  }, [db]);
  const groups = useMemo(() => {
    if (!all) return null;
    const filtered = all.filter((g) => matchesSearch(g, search));
    const collator = new Intl.Collator(undefined, { sensitivity: 'base', numeric: true });
    filtered.sort((a, b) => collator.compare(a.name, b.name) * (sort === 'name' ? 1 : -1));
    return filtered;
  }, [all, search, sort]);
  return { groups, total: all?.length ?? 0 };
}

export function useGroupMutations() {
  const { db } = useData();
  return useMemo(
    () => ({
      async createGroup(input: GroupInput): Promise<Group> {
        const group = createGroup(input, newId(), Date.now());
        await db.groups.insert(group);
        return group;
      },
    }),
    [db],
  );
}

/** Sync controls for the indicator. */
export function useSyncActions() {
  const { sync } = useData();
  return useMemo(() => ({ syncNow: () => sync.syncNow() }), [sync]);
}
