/**
 * The bulk pull against the real server, on real RxDB and Cohort's storage over
 * fake-indexeddb: a fresh device ends with the same documents, replication state (as RxDB
 * reads it) and checkpoints as one synced by RxDB's own downstream, without storing a copy
 * of each document as its state; a restart pushes nothing; its later edits push as plain
 * updates and merge field by field with the server's changes, also across a restart;
 * documents it already held are merged, not overwritten; an interrupted first sync
 * resumes where it stopped.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import type { RxCollection, RxStorageInstance } from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../domain/client';
import { createGroup, type Group } from '../../domain/group';
import { createMembership } from '../../domain/membership';
import { SYNC_COLLECTIONS, type SyncCollection } from '../protocol';
import { createCohortDatabase, syncConflicts, type CohortDatabase } from '../../renderer/data/database';
import { startTestServer, type TestServer } from '../server/testing';
import { openTestDevice, type TestDevice } from '../testing/devices';
import { pullEverything } from '../testing/pushBurst';
import { startSync, type SyncOptions } from './replicate';

const PAGE = 50;
const GROUPS = 120;
const CLIENTS = 130;

let server: TestServer;
let token: string;
const devices: TestDevice[] = [];

async function push(collection: SyncCollection, docs: object[]) {
  const res = await fetch(`${server.url}/api/v1/sync/${collection}/push`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(
      docs.map((doc) => ({ assumedMasterState: null, newDocumentState: { _deleted: false, ...doc } })),
    ),
  });
  const body = (await res.json()) as { rejections: unknown[] };
  expect(body.rejections).toEqual([]);
}

beforeAll(async () => {
  server = await startTestServer('embedded');
  ({ token } = await server.login('admin@demo.test'));
  const at = 1_700_000_000_000;
  const groups = Array.from({ length: GROUPS }, (_, i) =>
    createGroup({ name: `Bulk group ${i}`, description: `number ${i}`, metadata: {} }, `bulk-g${i}`, at + i),
  );
  const clients = Array.from({ length: CLIENTS }, (_, i) =>
    createClient({ name: `Bulk client ${i}`, email: `c${i}@example.test` }, `bulk-c${i}`, at + i),
  );
  await push('groups', groups);
  await push('clients', clients);
  await push(
    'memberships',
    clients.map((c, i) => createMembership(`bulk-g${i % GROUPS}`, c.id, { startDate: '2025-01-01' }, at + i)),
  );
  // A tombstone too: fresh devices get it, so re-adding the member later is an update.
  await push('memberships', [
    { ...createMembership('bulk-g0', 'bulk-c1', { startDate: '2025-01-01' }, at), _deleted: true },
  ]);
});
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close();
});
afterAll(() => server.close());

async function device(name: string, options: Parameters<typeof openTestDevice>[2] = {}) {
  const d = await openTestDevice(server, name, { pullBatchSize: PAGE, ...options });
  devices.push(d);
  return d;
}

async function synced(d: TestDevice) {
  const held = await pullEverything(server.url, token, 1000);
  for (const collection of SYNC_COLLECTIONS) {
    const live = [...held[collection].values()].filter((doc) => !doc._deleted).length;
    await expect.poll(() => collectionOf(d, collection).count().exec(), { timeout: 15_000 }).toBe(live);
  }
  await expect.poll(() => d.sync.status$.value.phase, { timeout: 15_000 }).toBe('synced');
  return held;
}

/** Sync for a database the test made itself (the test stops it and closes the database). */
function syncOwnDatabase(db: CohortDatabase, options: Partial<SyncOptions> = {}) {
  const collections = { groups: db.groups, clients: db.clients, memberships: db.memberships };
  return startSync({ db, collections, serverUrl: server.url, token, pullBatchSize: PAGE, ...options });
}

function collectionOf(d: TestDevice, collection: SyncCollection): RxCollection {
  return d.db.collections[collection] as RxCollection;
}

/** The ids of the rows the meta collection of `collection`'s replication holds itself (Cohort's storage). */
function storedMetaRows(d: TestDevice, collection: SyncCollection): string[] {
  const meta = d.sync.replications[collection]?.metaInstance as unknown as {
    internals: { handle: { memory: { docs: Map<string, unknown> } } };
  };
  return [...meta.internals.handle.memory.docs.keys()];
}

/** Everything RxDB's replication stored for `collection`: documents, replication state and checkpoint, without per-database noise. */
async function stored(d: TestDevice, collection: SyncCollection, ids: string[]) {
  const replication = d.sync.replications[collection];
  const meta = replication?.metaInstance as RxStorageInstance<{ id: string }, unknown, unknown> | undefined;
  if (!meta) throw new Error('replication has not started');
  const rows = (await collectionOf(d, collection).storageInstance.findDocumentsById(ids, true)) as {
    id: string;
    _meta: unknown;
    _rev: string;
  }[];
  rows.sort((a, b) => String(a.id).localeCompare(String(b.id)));
  const rev = (r: unknown) => String(r).split('-')[0];
  const docs = rows.map(({ _meta, _rev, ...doc }) => {
    void _meta;
    return { ...doc, rev: rev(_rev) };
  });
  const metaRows = (await meta.findDocumentsById([...ids.map((id) => `${id}|0`), 'DOWN|1'], true)) as {
    id: string;
    _meta: unknown;
    _rev: string;
  }[];
  const state = metaRows
    .map((row) => ({ ...row, _meta: undefined, _rev: rev(row._rev) }))
    .sort((a, b) => a.id.localeCompare(b.id));
  return { docs, state };
}

describe('bulk pull', () => {
  it('leaves a fresh device as RxDB’s own downstream does, without a stored copy of each document', async () => {
    const bulk = await device('bulk');
    const plain = await device('plain', { bulkPull: false });
    const held = await synced(bulk);
    await synced(plain);
    for (const collection of SYNC_COLLECTIONS) {
      const ids = [...held[collection].keys()];
      const a = await stored(bulk, collection, ids);
      const b = await stored(plain, collection, ids);
      expect(a.docs.length).toBe(ids.length);
      expect(a).toEqual(b);
      // What the meta collection keeps itself: RxDB's checkpoints, no row per document.
      expect(storedMetaRows(bulk, collection).every((id) => id.endsWith('|1'))).toBe(true);
      expect(storedMetaRows(plain, collection).length).toBeGreaterThan(ids.length);
    }
  });

  it('says synced only once every collection is on the device', async () => {
    const held = await pullEverything(server.url, token, 1000);
    const d = await device('first-synced');
    // The first moment the indicator would say "synced at …".
    await new Promise<void>((resolve) => {
      const sub = d.sync.status$.subscribe((status) => {
        if (status.phase !== 'synced') return;
        sub.unsubscribe();
        resolve();
      });
    });
    for (const collection of SYNC_COLLECTIONS) {
      const live = [...held[collection].values()].filter((doc) => !doc._deleted).length;
      expect(await collectionOf(d, collection).count().exec(), collection).toBe(live);
    }
  });

  it('a restart pushes nothing: the device knows what it holds is the server’s', async () => {
    const name = `restart-${Date.now()}`;
    const db = await createCohortDatabase({ name, indexedDb: { indexedDB, IDBKeyRange } });
    const first = await syncOwnDatabase(db);
    await expect.poll(() => db.groups.count().exec(), { timeout: 15_000 }).toBeGreaterThanOrEqual(GROUPS);
    await first.awaitInSync();
    await first.stop();
    await db.close();

    const again = await createCohortDatabase({ name, indexedDb: { indexedDB, IDBKeyRange } });
    const pushes: string[] = [];
    const counting: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/push')) pushes.push(url);
      return fetch(input, init);
    };
    const sync = await syncOwnDatabase(again, { fetch: counting });
    try {
      await sync.awaitInSync();
      expect(pushes).toEqual([]);
      expect(syncConflicts(again).conflictLog.entries).toEqual([]);
    } finally {
      await sync.stop();
      await again.close();
    }
  });

  it('an offline edit merges field by field with the server’s change of the same document, across a restart', async () => {
    const name = `offline-edit-${Date.now()}`;
    let up = true;
    const network: typeof fetch = (input, init) =>
      up ? fetch(input, init) : Promise.reject(new TypeError('fetch failed'));
    const open = () => createCohortDatabase({ name, indexedDb: { indexedDB, IDBKeyRange } });
    const db = await open();
    const first = await syncOwnDatabase(db, { fetch: network });
    await expect.poll(() => db.groups.count().exec(), { timeout: 15_000 }).toBeGreaterThanOrEqual(GROUPS);
    await first.awaitInSync();
    up = false;
    const local = await db.groups.findOne('bulk-g9').exec();
    await local?.incrementalModify((g: Group) => ({
      ...g,
      description: 'Edited offline',
      updatedAt: Date.now(),
    }));
    await first.stop();
    await db.close();

    // Meanwhile the server renames it.
    const before = (await pullEverything(server.url, token, 1000)).groups.get('bulk-g9');
    const res = await fetch(`${server.url}/api/v1/sync/groups/push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify([
        {
          assumedMasterState: before,
          newDocumentState: { ...before, name: 'Renamed on the server', updatedAt: Date.now() - 1 },
        },
      ]),
    });
    expect(((await res.json()) as { conflicts: unknown[] }).conflicts).toEqual([]);

    up = true;
    const again = await open();
    const sync = await syncOwnDatabase(again, { fetch: network });
    try {
      const both = { name: 'Renamed on the server', description: 'Edited offline' };
      await expect
        .poll(
          async () => {
            const g = (await pullEverything(server.url, token, 1000)).groups.get('bulk-g9');
            return { name: g?.name, description: g?.description };
          },
          { timeout: 15_000 },
        )
        .toEqual(both);
      await expect
        .poll(
          async () => {
            const g = (await again.groups.findOne('bulk-g9').exec())?.toJSON() as Group | undefined;
            return { name: g?.name, description: g?.description };
          },
          { timeout: 15_000 },
        )
        .toEqual(both);
      // Each side changed another field: nothing was lost, nothing to log.
      expect(syncConflicts(again).conflictLog.entries).toEqual([]);
    } finally {
      await sync.stop();
      await again.close();
    }
  });

  it('a later edit on the device is pushed as a plain update, with nothing in the conflict log', async () => {
    const d = await device('edit');
    await synced(d);
    const doc = await d.db.groups.findOne('bulk-g3').exec();
    await doc?.incrementalModify((g: Group) => ({ ...g, name: 'Renamed after bulk', updatedAt: Date.now() }));
    await expect
      .poll(async () => (await pullEverything(server.url, token, 1000)).groups.get('bulk-g3')?.name, {
        timeout: 10_000,
      })
      .toBe('Renamed after bulk');
    // Re-adding the removed member: an update of the tombstone the device has.
    const tombstone = await d.db.memberships.findOne('bulk-g0:bulk-c1').exec();
    expect(tombstone).toBeNull();
    await d.db.memberships.insert(
      createMembership('bulk-g0', 'bulk-c1', { startDate: '2025-02-01' }, Date.now()),
    );
    await expect
      .poll(
        async () =>
          (await pullEverything(server.url, token, 1000)).memberships.get('bulk-g0:bulk-c1')?._deleted,
        {
          timeout: 10_000,
        },
      )
      .toBe(false);
    expect(d.log.entries).toEqual([]);
  });

  it('documents already on the device go through RxDB’s merge, not the bulk write', async () => {
    // As after a rebuild (recovery.ts): local writes are on the device before its first sync.
    const db = await createCohortDatabase({
      name: `local-first-${Date.now()}`,
      indexedDb: { indexedDB, IDBKeyRange },
    });
    await db.groups.insert({
      ...createGroup(
        { name: 'Made here first', description: '', metadata: {} },
        'bulk-g5',
        1_700_000_000_000,
      ),
      updatedAt: Date.now(),
    });
    const sync = await syncOwnDatabase(db);
    try {
      await expect.poll(() => db.groups.count().exec(), { timeout: 15_000 }).toBeGreaterThanOrEqual(GROUPS);
      await sync.awaitInSync();
      // The newer local name won the merge and reached the server; nothing was overwritten blind.
      const local = (await db.groups.findOne('bulk-g5').exec())?.toJSON() as Group | undefined;
      expect(local?.name).toBe('Made here first');
      await expect
        .poll(async () => (await pullEverything(server.url, token, 1000)).groups.get('bulk-g5')?.name, {
          timeout: 10_000,
        })
        .toBe('Made here first');
    } finally {
      await sync.stop();
      await db.close();
    }
  });

  it('documents stored without their replication state (a failed write) are settled, and take later changes', async () => {
    // On a storage that keeps a replication state row per document (RxDB's memory storage):
    // the first write of the groups' replication state fails, after their documents were
    // stored; the next pull of those pages finds them on the device in the server's state.
    let failOnce = true;
    const memory = getRxStorageMemory();
    const failing: typeof memory = {
      ...memory,
      async createStorageInstance(params) {
        const instance = await memory.createStorageInstance(params);
        const properties = (params.schema.properties as { docData?: { properties?: object } }).docData
          ?.properties;
        if (!properties || !('description' in properties)) return instance;
        const write = instance.bulkWrite.bind(instance);
        instance.bulkWrite = (rows, context) => {
          if (failOnce && context === 'replication-down-write-meta') {
            failOnce = false;
            return Promise.reject(new Error('disk trouble'));
          }
          return write(rows, context);
        };
        return instance;
      },
    };
    const db = await createCohortDatabase({ name: `failed-${Date.now()}`, storage: failing });
    const sync = await syncOwnDatabase(db, { backoff: () => 20 });
    try {
      await expect.poll(() => failOnce).toBe(false);
      await expect.poll(() => db.groups.count().exec(), { timeout: 10_000 }).toBeGreaterThanOrEqual(GROUPS);
      await sync.awaitInSync();
      const server0 = await pullEverything(server.url, token, 1000);
      const ids = [...server0.groups.keys()];
      const states = await sync.replications.groups?.metaInstance?.findDocumentsById(
        ids.map((id) => `${id}|0`),
        true,
      );
      expect(states?.length).toBe(ids.length);
      // The server changes one of them: the device takes it, as for any synced document.
      const before = server0.groups.get('bulk-g7');
      const res = await fetch(`${server.url}/api/v1/sync/groups/push`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([
          {
            assumedMasterState: before,
            newDocumentState: { ...before, name: 'Changed on the server', updatedAt: Date.now() },
          },
        ]),
      });
      expect(((await res.json()) as { conflicts: unknown[] }).conflicts).toEqual([]);
      sync.syncNow();
      await expect
        .poll(async () => (await db.groups.findOne('bulk-g7').exec())?.name, { timeout: 10_000 })
        .toBe('Changed on the server');
    } finally {
      await sync.stop();
      await db.close();
    }
  });

  it('an interrupted first sync resumes from the last page it stored', async () => {
    let groupPulls = 0;
    let failed = false;
    const flaky: typeof fetch = (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (url.includes('/sync/groups/pull')) {
        groupPulls += 1;
        if (groupPulls === 3 && !failed) {
          failed = true;
          return Promise.reject(new TypeError('fetch failed'));
        }
      }
      return fetch(input, init);
    };
    const d = await device('flaky', { fetch: flaky });
    await synced(d);
    expect(failed).toBe(true);
    // 4 full pages and a short one, plus the failed request and at most one page again
    // (a read-ahead in flight): not the whole set from the start.
    expect(groupPulls).toBeLessThanOrEqual(Math.ceil((GROUPS + 4) / PAGE) + 3);
    expect(await d.db.groups.count().exec()).toBeGreaterThanOrEqual(GROUPS);
  });
});
