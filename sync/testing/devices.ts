/**
 * Test support: a device as the app has it — a real RxDB database on Cohort's storage
 * (over fake-indexeddb), replicating with the real server over HTTP through its own chaos
 * proxy, with its conflict log.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { BehaviorSubject } from 'rxjs';
import { createCohortDatabase, syncConflicts, type CohortDatabase } from '../../renderer/data/database';
import type { ConflictLog } from '../../renderer/data/engine/conflicts';
import { startSync, type SyncController, type SyncOptions } from '../../renderer/data/engine/replicate';
import type { TestServer } from '../server/testing';
import { startChaosProxy, type ChaosProxy } from './proxy';

export type TestDevice = {
  name: string;
  db: CohortDatabase;
  sync: SyncController;
  log: ConflictLog;
  proxy: ChaosProxy;
  online$: BehaviorSubject<boolean>;
  /** Cuts the device's network (and tells it, as the OS would) or brings it back. */
  setNetwork(up: boolean): void;
  close(): Promise<void>;
};

let opened = 0;

export async function openTestDevice(
  server: Pick<TestServer, 'url' | 'login'>,
  name: string,
  options: { email?: string } & Partial<SyncOptions> = {},
): Promise<TestDevice> {
  const { email = 'admin@demo.test', ...syncOptions } = options;
  const { token } = await server.login(email);
  const db = await createCohortDatabase({
    name: `${name.toLowerCase().replace(/[^a-z0-9]/g, '')}-${Date.now()}-${opened++}`,
    indexedDb: { indexedDB, IDBKeyRange },
  });
  const proxy = await startChaosProxy(server.url);
  const online$ = new BehaviorSubject(true);
  const conflicts = syncConflicts(db);
  const sync = await startSync({
    db,
    conflicts,
    collections: { groups: db.groups, clients: db.clients, memberships: db.memberships },
    serverUrl: proxy.url,
    token,
    online$,
    // Tests wait for seconds, not minutes: retry within a quarter second.
    backoff: (attempt) => Math.min(250, 20 * 2 ** attempt),
    ...syncOptions,
  });
  return {
    name,
    db,
    sync,
    log: conflicts.conflictLog,
    proxy,
    online$,
    setNetwork(up) {
      proxy.setUp(up);
      online$.next(up);
    },
    async close() {
      await sync.stop();
      await db.close();
      await proxy.close();
    },
  };
}
