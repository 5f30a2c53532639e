/** Hooks for the "Sync conflicts" screen: the device's conflict log, names for its records, restore. */
import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { BehaviorSubject } from 'rxjs';
import type { ConflictEntry } from './engine/conflicts';
import { restoreEntry } from './engine/restore';
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
    // Live: a restore or a later edit renames the record on screen too.
    const found = { groups: new Map<string, string>(), clients: new Map<string, string>() };
    const publish = () =>
      setNames(
        new Map([
          ...[...found.groups].map(([id, name]) => [`groups/${id}`, name] as const),
          ...[...found.clients].map(([id, name]) => [`clients/${id}`, name] as const),
        ]),
      );
    const subs = [
      db.groups.findByIds(wanted.groups).$.subscribe((docs) => {
        found.groups = new Map([...docs].map(([id, doc]) => [id, doc.name]));
        publish();
      }),
      db.clients.findByIds(wanted.clients).$.subscribe((docs) => {
        found.clients = new Map([...docs].map(([id, doc]) => [id, doc.name]));
        publish();
      }),
    ];
    return () => subs.forEach((s) => s.unsubscribe());
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `wanted`
  }, [db, key]);
  return names;
}
