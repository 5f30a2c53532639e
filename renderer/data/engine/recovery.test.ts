/**
 * Recovering an unusable local database (renderer/data/recovery.ts) with real RxDB on
 * Cohort's storage over fake-indexeddb and the real server over HTTP:
 * - a foreign database of the same name (another schema) is deleted; the readable
 *   unsent changes are kept and reach the server, the unreadable ones are counted, and
 *   the device ends with the server's data;
 * - a database an earlier version of Cohort kept in RxDB's Dexie storage is rebuilt the
 *   same way;
 * - data the laptop's key no longer decrypts is rebuilt the same way;
 * - a database wiped after a completed sync is reported as missing, a first open is not;
 * - a rebuild interrupted after the deletion finishes on the next open.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { BehaviorSubject } from 'rxjs';
import { createRxDatabase, type RxCollection } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../domain/client';
import { stableStringify } from '../../../domain/documents';
import { checkGroupInput, createGroup, type Group } from '../../../domain/group';
import { createMembership } from '../../../domain/membership';
import { createCohortDatabase, syncConflicts, type CohortDatabase } from '../database';
import { importKey, newRawKey } from '../encryption';
import {
  deleteIndexedDb,
  forgetNotes,
  indexedDbNames,
  noteSynced,
  saveRecoveringNote,
  type NoteStore,
} from '../localDatabases';
import { openLocalDatabase, type OpenLocalOptions } from '../recovery';
import { groupRxSchema } from '../schemas';
import { getCohortStorage } from './storage/cohortStorage';
import { logDatabaseName } from './storage/pageLog';
import { startTestServer, type TestServer } from '../../../sync/server/testing';
import { openTestDevice, type TestDevice } from '../../../sync/testing/devices';
import { replicaOf, startSync, type SyncController } from './replicate';

let server: TestServer;
const cleanups: (() => Promise<unknown>)[] = [];

beforeAll(async () => {
  server = await startTestServer('embedded');
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});
afterAll(() => server.close());

/** localStorage's part in recovery, kept in memory (Node has no localStorage). */
function memoryNotes(): NoteStore & { keys(): string[] } {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
    keys: () => [...items.keys()],
  };
}

let opened = 0;
const freshName = (label: string) => `recovery-${label}-${Date.now()}-${opened++}`;

function localOptions(
  name: string,
  notes: NoteStore,
  extra: Partial<OpenLocalOptions> = {},
): OpenLocalOptions {
  return {
    name,
    indexedDb: { indexedDB, IDBKeyRange },
    notes,
    ...extra,
  };
}

async function openLocal(options: OpenLocalOptions) {
  const result = await openLocalDatabase(options);
  cleanups.push(() => result.db.close());
  return result;
}

/** Syncs `db` with the server as the app does; resolves once a full cycle left nothing waiting. */
async function syncWithServer(db: CohortDatabase): Promise<SyncController> {
  const { token } = await server.login('admin@demo.test');
  const sync = await startSync({
    db,
    conflicts: syncConflicts(db),
    collections: { groups: db.groups, clients: db.clients, memberships: db.memberships },
    serverUrl: server.url,
    token,
    online$: new BehaviorSubject(true),
    backoff: (attempt) => Math.min(250, 20 * 2 ** attempt),
  });
  cleanups.push(() => sync.stop());
  await settled(sync);
  return sync;
}

async function settled(sync: SyncController) {
  await expect
    .poll(() => sync.status$.value, { timeout: 15_000 })
    .toMatchObject({ phase: 'synced', pending: 0 });
}

/** Another laptop of the same organisation, online throughout: puts data on the server and reads it back. */
async function otherLaptop(): Promise<TestDevice> {
  const device = await openTestDevice(server, 'other-laptop');
  cleanups.push(() => device.close());
  await settled(device.sync);
  return device;
}

const groupsOf = async (db: CohortDatabase) =>
  new Map((await db.groups.find().exec()).map((d) => [d.id, (d.toJSON() as Group).name]));

/** The entries of `map` under `keys` that it has. */
const pick = (map: Map<string, string>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => map.has(k)).map((k) => [k, map.get(k)]));

/** An outbox entry as sync/client/outbox.ts writes it. */
const entry = (doc: object, deleted = false) => stableStringify({ ...doc, _deleted: deleted });

/**
 * Leaves behind what another app (or another version) made under the same name: a
 * `groups` collection with another schema, and an outbox of unsent changes.
 */
async function leaveForeignDatabase(name: string, outbox: Record<string, string>) {
  const foreign = await createRxDatabase<{ groups: RxCollection<{ id: string; label?: string }> }>({
    name,
    storage: getCohortStorage({ indexedDb: { indexedDB, IDBKeyRange } }),
    multiInstance: false,
    localDocuments: true,
  });
  await foreign.addCollections({
    groups: {
      schema: {
        title: 'groups',
        // Cohort's version with another schema: RxDB refuses it (an older version would be migrated).
        version: groupRxSchema.version,
        primaryKey: 'id',
        type: 'object',
        properties: { id: { type: 'string', maxLength: 40 }, label: { type: 'string' } },
        required: ['id'],
      },
    },
  });
  await foreign.groups.insert({ id: 'foreign-only', label: 'Made by another app' });
  await foreign.upsertLocal('sync-outbox', { entries: outbox });
  await foreign.close();
}

describe('recovering an unusable local database', () => {
  it('deletes a foreign database, keeps the readable unsent changes, and ends with the server’s data plus them', async () => {
    const other = await otherLaptop();
    const now = Date.now();
    const renameMe = createGroup(
      checkGroupInput({ name: 'Yoga Monday', description: 'Mats', metadata: {} }),
      'rename-me',
      now,
    );
    const deleteMe = createGroup(
      checkGroupInput({ name: 'Old course', description: '', metadata: {} }),
      'delete-me',
      now,
    );
    const member = createClient({ name: 'Bram Jansen' }, 'bram', now);
    await other.db.groups.bulkInsert([renameMe, deleteMe]);
    await other.db.clients.insert(member);
    await settled(other.sync);

    // Made on this laptop while offline, never sent, and still in the outbox.
    const later = now + 1000;
    const madeOffline = createGroup(
      checkGroupInput({ name: 'Made offline', description: '', metadata: {} }),
      'made-offline',
      later,
    );
    const renamed = { ...renameMe, name: 'Yoga Monday (renamed offline)', updatedAt: later };
    const clientOffline = createClient({ name: 'Offline client' }, 'offline-client', later);
    const joined = createMembership('rename-me', 'bram', { startDate: '2026-02-02' }, later);
    const name = freshName('foreign');
    await leaveForeignDatabase(name, {
      'groups/made-offline': entry(madeOffline),
      'groups/rename-me': entry(renamed),
      'groups/delete-me': entry({ ...deleteMe, updatedAt: later }, true),
      'clients/offline-client': entry(clientOffline),
      [`memberships/${joined.id}`]: entry(joined),
      // Unreadable: sealed by a key this code does not have.
      'groups/sealed': 'enc1:c2VhbGVkIGJ5IGFub3RoZXIga2V5',
      // Readable, but the domain's rules refuse it: it cannot be written again.
      'groups/too-long': entry({ ...madeOffline, id: 'too-long', name: 'x'.repeat(300) }),
    });

    const notes = memoryNotes();
    const { db, notice } = await openLocal(localOptions(name, notes));
    expect(notice).toEqual({ kind: 'recovered', reason: 'foreign', kept: 5, lost: 2, unreadable: false });
    expect(await db.groups.findOne('foreign-only').exec()).toBeNull();
    expect(notes.keys()).toEqual([]);

    await syncWithServer(db);
    // The other laptop gets the kept changes from the server...
    await expect
      .poll(async () => pick(await groupsOf(other.db), ['made-offline', 'rename-me', 'delete-me']), {
        timeout: 15_000,
      })
      .toEqual({ 'made-offline': 'Made offline', 'rename-me': 'Yoga Monday (renamed offline)' });
    expect(await other.db.clients.findOne('offline-client').exec()).not.toBeNull();
    expect(await other.db.memberships.findOne(joined.id).exec()).not.toBeNull();
    // ...and this laptop holds exactly what the server holds (the seeded groups too).
    await settled(other.sync);
    expect(await groupsOf(db)).toEqual(await groupsOf(other.db));
    expect((await groupsOf(db)).size).toBeGreaterThan(2);
  });

  it('rebuilds a database an earlier Cohort kept in RxDB’s Dexie storage, keeping its unsent changes', async () => {
    const name = freshName('legacy');
    const legacy = await createRxDatabase<{ groups: RxCollection<Group> }>({
      name,
      storage: getRxStorageDexie({ indexedDB, IDBKeyRange }),
      multiInstance: false,
      localDocuments: true,
    });
    await legacy.addCollections({ groups: { schema: groupRxSchema } });
    const kept = createGroup(
      checkGroupInput({ name: 'Written before the update', description: '', metadata: {} }),
      'legacy-g',
      Date.now(),
    );
    await legacy.groups.insert(kept);
    await legacy.upsertLocal('sync-outbox', { entries: { 'groups/legacy-g': entry(kept) } });
    await legacy.close();

    const { db, notice } = await openLocal(localOptions(name, memoryNotes()));
    expect(notice).toEqual({ kind: 'recovered', reason: 'foreign', kept: 1, lost: 0, unreadable: false });
    expect((await groupsOf(db)).get('legacy-g')).toBe('Written before the update');
    expect(await indexedDbNames(name, indexedDB)).toEqual([logDatabaseName(name)]);
    await syncWithServer(db);
    await expect.poll(async () => (await groupsOf(db)).size, { timeout: 15_000 }).toBeGreaterThan(1);
  });

  it('rebuilds data the laptop’s key no longer decrypts; its sealed unsent changes are reported unreadable', async () => {
    const name = freshName('rekeyed');
    const first = await createCohortDatabase({
      ...localOptions(name, memoryNotes()),
      encryptionKey: await importKey(newRawKey()),
    });
    const client = createClient({ name: 'Clara Smit', email: 'clara@example.nl' }, 'clara', Date.now());
    await first.clients.insert(client);
    await first.upsertLocal('sync-outbox', { entries: { 'clients/clara': entry(client) } });
    await first.close();

    // The key was lost (browser storage cleared, keyring reset): a new one is made. The outbox
    // is sealed with the old key like the clients themselves, so nothing of it can be read:
    // the user is told, and the client is not in the rebuilt database.
    const { db, notice } = await openLocal(
      localOptions(name, memoryNotes(), { encryptionKey: await importKey(newRawKey()) }),
    );
    expect(notice).toEqual({
      kind: 'recovered',
      reason: 'undecryptable',
      kept: 0,
      lost: 0,
      unreadable: true,
    });
    expect(await db.clients.findOne('clara').exec()).toBeNull();
  });

  it('reports a database wiped after a completed sync, and not a first open or one after sign-out', async () => {
    const name = freshName('wiped');
    const notes = memoryNotes();
    const first = await openLocalDatabase(localOptions(name, notes));
    expect(first.notice).toBeNull();
    noteSynced(name, notes);
    await first.db.close();
    expect(await indexedDbNames(name, indexedDB)).not.toEqual([]);

    await deleteIndexedDb(name, indexedDB);
    const wiped = await openLocalDatabase(localOptions(name, notes));
    expect(wiped.notice).toEqual({ kind: 'missing' });
    await wiped.db.close();

    const reopened = await openLocalDatabase(localOptions(name, notes));
    expect(reopened.notice).toBeNull();
    await reopened.db.close();

    // Sign-out deletes the data on purpose, and forgets that it was synced.
    await deleteIndexedDb(name, indexedDB);
    forgetNotes(name, notes);
    const afterSignOut = await openLocal(localOptions(name, notes));
    expect(afterSignOut.notice).toBeNull();
  });

  it('finishes a rebuild that was interrupted after the deletion', async () => {
    const name = freshName('interrupted');
    const notes = memoryNotes();
    const group = createGroup(
      checkGroupInput({ name: 'Carried over', description: '', metadata: {} }),
      'carried',
      Date.now(),
    );
    // What rebuild() notes before it deletes; the app stopped before it wrote the changes again.
    saveRecoveringNote(
      name,
      JSON.stringify({
        reason: 'damaged',
        lost: 1,
        unreadable: false,
        entries: { 'groups/carried': entry(group) },
      }),
      notes,
    );
    const { db, notice } = await openLocal(localOptions(name, notes));
    expect(notice).toEqual({ kind: 'recovered', reason: 'damaged', kept: 1, lost: 1, unreadable: false });
    expect((await groupsOf(db)).get('carried')).toBe('Carried over');
    expect(notes.keys()).toEqual([]);
    // It waits to be sent, as a local change does.
    expect((await replicaOf(db.groups).waiting()).map((w) => stableStringify(w.doc))).toEqual([entry(group)]);
  });
});
