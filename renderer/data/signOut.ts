/**
 * Signing out leaves nothing of the organisation on the laptop: what is waiting is sent
 * first; then the local database, its key and the session are deleted. When changes
 * cannot be sent (no server), the user decides: stay, or sign out and lose them.
 */
import { useMemo } from 'react';
import { ApiRequestError, createApiClient } from '../../sync/client/api';
import { useSessionStore, type Session } from '../stores';
import { useData } from './DataProvider';
import { forgetDatabaseKey } from './keys';
import { deleteIndexedDb, forgetNotes } from './localDatabases';
import { revocationStore, revokeLater } from './revocations';
import { clearSession } from './sessionPersistence';

/** How long sign-out waits for waiting changes to reach the server. */
const FLUSH_TIMEOUT_MS = 10_000;

export function useSignOut(session: Session) {
  const { db, sync } = useData();
  const signedOut = useSessionStore((s) => s.signedOut);
  return useMemo(
    () => ({
      /** Sends what is waiting; resolves with how many changes are still not on the server. */
      async flush(): Promise<number> {
        if (sync.status$.value.pending === 0) return 0;
        sync.syncNow();
        await Promise.race([sync.awaitInSync(), new Promise((r) => setTimeout(r, FLUSH_TIMEOUT_MS))]);
        // The outbox settles a moment after the push answer.
        await new Promise((r) => setTimeout(r, 200));
        return sync.status$.value.pending;
      },
      /** Deletes the local data and signs out (the server forgets the token now, or at the next connection). */
      async wipeAndSignOut(): Promise<void> {
        await sync.stop();
        const name = db.name;
        // A database RxDB cannot remove (a damaged page) is closed and deleted all the same.
        await db.remove().catch(() => db.close().catch(() => undefined));
        await deleteIndexedDb(name, indexedDB);
        // Signing in again is a first sync, not a wiped database (recovery.ts).
        forgetNotes(name, localStorage);
        await forgetDatabaseKey(name);
        await createApiClient({ serverUrl: session.serverUrl, token: session.token })
          .logout()
          .catch(async (error: unknown) => {
            // Not reached (401 means it is over already): the token is ended at the next connection.
            if (!(error instanceof ApiRequestError && error.status === 401))
              await revokeLater(revocationStore(), session.serverUrl, session.token).catch(() => undefined);
          });
        await clearSession();
        signedOut();
      },
    }),
    [db, sync, session, signedOut],
  );
}
