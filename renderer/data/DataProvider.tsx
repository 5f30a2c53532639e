/**
 * Opens the signed-in user's local database (rebuilding it when its data is unusable:
 * recovery.ts) and starts sync while mounted; screens reach both through the hooks
 * below, never directly. When the database cannot be opened at all, it says so and
 * offers to try again.
 */
import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { BehaviorSubject } from 'rxjs';
import type { ConflictLog } from './engine/conflicts';
import { startSync, type SyncController } from './engine/replicate';
import { useSessionStore, useSyncStore, type Session } from '../stores';
import { HeldElsewhereScreen, LocalDataErrorScreen } from '../components/LocalDataErrorScreen';
import { databaseName, syncConflicts, type CohortDatabase } from './database';
import { databaseKey } from './keys';
import { noteSynced } from './localDatabases';
import { openLocalDatabase, type LocalDataNotice } from './recovery';
import { isQuotaError } from './storageErrors';

type DataContextValue = { db: CohortDatabase; sync: SyncController; conflicts: ConflictLog };
const DataContext = createContext<DataContextValue | null>(null);

export function useData(): DataContextValue {
  const value = useContext(DataContext);
  if (!value) throw new Error('useData outside <DataProvider>');
  return value;
}

type NoticeContextValue = { notice: LocalDataNotice | null; dismiss(): void };
const NoticeContext = createContext<NoticeContextValue>({ notice: null, dismiss: () => undefined });

/** What the user should know about how the local data was opened (rebuilt, found missing), until dismissed. */
export function useLocalDataNotice(): NoticeContextValue {
  return useContext(NoticeContext);
}

/**
 * The full re-sync besides the live stream: every 5 minutes, or every
 * `VITE_COHORT_RESYNC_MINUTES` (an organisation's build setting).
 */
function resyncIntervalMs(): number {
  const minutes = Number(import.meta.env.VITE_COHORT_RESYNC_MINUTES);
  return Number.isFinite(minutes) && minutes > 0 ? minutes * 60_000 : 5 * 60_000;
}

/** navigator.onLine and its events, as the sync client wants them. */
function onlineSubject(): { online$: BehaviorSubject<boolean>; dispose(): void } {
  const online$ = new BehaviorSubject(navigator.onLine);
  const on = () => online$.next(true);
  const off = () => online$.next(false);
  window.addEventListener('online', on);
  window.addEventListener('offline', off);
  return {
    online$,
    dispose() {
      window.removeEventListener('online', on);
      window.removeEventListener('offline', off);
    },
  };
}

export function DataProvider({
  session,
  fallback,
  children,
}: {
  session: Session;
  fallback: ReactNode;
  children: ReactNode;
}) {
  const [value, setValue] = useState<DataContextValue | null>(null);
  const [notice, setNotice] = useState<LocalDataNotice | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const [attempt, setAttempt] = useState(0);
  /** Another tab of this browser holds the database: opening waits for it. */
  const [heldElsewhere, setHeldElsewhere] = useState(false);
  const expire = useSessionStore((s) => s.expire);
  const setStatus = useSyncStore((s) => s.setStatus);

  useEffect(() => {
    let cancelled = false;
    let cleanup: (() => Promise<void>) | undefined;
    (async () => {
      const name = databaseName(session.serverUrl, session.user.id);
      const indexedDb = { indexedDB, IDBKeyRange };
      const encryptionKey = await databaseKey(name, { indexedDb, notes: localStorage });
      performance.mark('cohort:key');
      const opened = await openLocalDatabase({
        name,
        encryptionKey,
        indexedDb,
        notes: localStorage,
        onHeldElsewhere: () => {
          if (!cancelled) setHeldElsewhere(true);
        },
      });
      setHeldElsewhere(false);
      performance.mark('cohort:opened');
      const db = opened.db;
      const online = onlineSubject();
      const conflicts = syncConflicts(db);
      const sync = await startSync({
        db,
        conflicts,
        collections: { groups: db.groups, clients: db.clients, memberships: db.memberships },
        serverUrl: session.serverUrl,
        token: session.token,
        online$: online.online$,
        resyncIntervalMs: resyncIntervalMs(),
        waitForLeadership: false,
        onAuthExpired: expire,
      });
      performance.mark('cohort:sync-started');
      let synced = false;
      const statusSub = sync.status$.subscribe((status) => {
        setStatus(status);
        // From the first complete sync on, a missing database is news (recovery.ts).
        if (!synced && status.lastSyncedAt !== null) {
          synced = true;
          noteSynced(name, localStorage);
        }
      });
      cleanup = async () => {
        statusSub.unsubscribe();
        online.dispose();
        await sync.stop();
        await db.close();
      };
      if (cancelled) await cleanup();
      else {
        setNotice(opened.notice);
        setValue({ db, sync, conflicts: conflicts.conflictLog });
      }
    })().catch((error: unknown) => {
      if (!cancelled) setFailure({ error });
    });
    return () => {
      cancelled = true;
      setValue(null);
      setStatus(null);
      void cleanup?.();
    };
  }, [session, expire, setStatus, attempt]);
  const noticeValue = useMemo(() => ({ notice, dismiss: () => setNotice(null) }), [notice]);

  if (failure) {
    return (
      <LocalDataErrorScreen
        storageFull={isQuotaError(failure.error)}
        detail={failure.error instanceof Error ? failure.error.message : String(failure.error)}
        onRetry={() => {
          setFailure(null);
          setAttempt((n) => n + 1);
        }}
      />
    );
  }
  if (!value && heldElsewhere) return <HeldElsewhereScreen />;
  if (!value) return <>{fallback}</>;
  return (
    <DataContext.Provider value={value}>
      <NoticeContext.Provider value={noticeValue}>{children}</NoticeContext.Provider>
    </DataContext.Provider>
  );
}
