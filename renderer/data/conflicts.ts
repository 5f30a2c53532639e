/** Hooks for the "Sync conflicts" screen: the device's conflict log, names for its records, restore. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { BehaviorSubject } from 'rxjs';
import type { ConflictEntry } from '../../sync/client/conflicts';
import { restoreEntry } from '../../sync/client/restore';
import { useData } from './DataProvider';

function useSubject<T>(subject: BehaviorSubject<T>): T {
  const [subscribe, read] = useMemo(
    () =>
      [
        (onChange: () => void) => {
          const sub = subject.subscribe(onChange);
          return () => sub.unsubscribe();
        },
        () => subject.value,
      ] as const,
    [subject],
  );
  return useSyncExternalStore(subscribe, read);
}

export function useConflictLog() {
  const { conflicts } = useData();
  const entries = useSubject(conflicts.entries$);
  return useMemo(
    () => ({
      entries,
      markSeen: () => conflicts.markSeen(),
    }),
    [entries, conflicts],
  );
}

/** How many entries are new since the user last looked. */
export function useUnseenConflicts(): number {
  const { conflicts } = useData();
  return useSubject(conflicts.unseen$);
}

export function useRestoreConflict() {
  const { db, conflicts } = useData();
  return useMemo(() => (entry: ConflictEntry) => restoreEntry(db, conflicts, entry), [db, conflicts]);
}

/** Current names of the groups and clients the entries are about (a record may be gone: then none). */
export function useRecordNames(entries: ConflictEntry[]): Map<string, string> {
  const { db } = useData();
  const [names, setNames] = useState(new Map<string, string>());
  const wanted = useMemo(() => {
    const groups = new Set<string>();
    const clients = new Set<string>();
    for (const e of entries) {
      if (e.collection === 'groups') groups.add(e.docId);
      if (e.collection === 'clients') clients.add(e.docId);
      if (e.collection === 'memberships') {
        // A membership's id is `<groupId>:<clientId>`.
        const [groupId = '', clientId = ''] = e.docId.split(':');
        groups.add(groupId);
        clients.add(clientId);
      }
    }
    return { groups: [...groups].sort(), clients: [...clients].sort() };
  }, [entries]);
  const key = `${wanted.groups.join(',')}|${wanted.clients.join(',')}`;
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const found = new Map<string, string>();
      for (const [collection, ids] of [
        [db.groups, wanted.groups],
        [db.clients, wanted.clients],
      ] as const) {
        const docs = await collection.findByIds(ids).exec();
        for (const [id, doc] of docs) found.set(`${collection.name}/${id}`, doc.name);
      }
      if (!cancelled) setNames(found);
    })();
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `wanted`
  }, [db, key]);
  return names;
}
