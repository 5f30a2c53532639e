/**
 * Known failure modes of RxDB replication reported by its users, each tried against our
 * setup (real RxDB on Cohort's storage over fake-indexeddb, the real server over HTTP):
 *
 * - rxdb #5571: documents arriving while a push waits were never stored, though their
 *   checkpoint was;
 * - rxdb #5843: a stale local copy left after both sides edited offline, the conflict
 *   handler never called;
 * - rxdb #7259: writes never pushed after pause()/start() following an error;
 * - rxdb #5427: pushes stopping after a schema migration;
 * - rxdb #9061: find() with a selector returning nothing (reported for Dexie; queries
 *   with selectors through Cohort's storage).
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { createRxDatabase, type RxCollection } from 'rxdb';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../domain/client';
import { checkGroupInput, createGroup, type Group } from '../../../domain/group';
import { createMembership } from '../../../domain/membership';
import { createCohortDatabase } from '../database';
import { groupRxSchema } from '../schemas';
import { getCohortStorage } from './storage/cohortStorage';
import { wrappedZodValidateStorage } from '../validation';
import { startTestServer, type TestServer } from '../../../sync/server/testing';
import { openTestDevice, type TestDevice } from '../../../sync/testing/devices';
import { SyncConflicts } from './conflicts';
import { startSync } from './replicate';

let server: TestServer;
const devices: TestDevice[] = [];
const closers: (() => Promise<unknown>)[] = [];

async function device(name: string, options: Parameters<typeof openTestDevice>[2] = {}) {
  const d = await openTestDevice(server, name, options);
  devices.push(d);
  await expect.poll(() => d.sync.status$.value.phase, { timeout: 10_000 }).toBe('synced');
  return d;
}

const group = (id: string, name: string, at = Date.now()) =>
  createGroup(checkGroupInput({ name, description: '', metadata: {} }), id, at);

async function nameOn(d: TestDevice, id: string) {
  return (await d.db.groups.findOne(id).exec())?.name;
}

beforeAll(async () => {
  server = await startTestServer('embedded');
});
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close();
  for (const close of closers.splice(0)) await close();
});
afterAll(() => server.close());

describe('RxDB replication failure modes, tried on our setup', () => {
  it('#5571: changes that arrive while a push waits are stored, not only their checkpoint', async () => {
    // A's pushes take 800 ms to reach the server; meanwhile B's changes stream in.
    let slow = true;
    const a = await device('5571-a', {
      fetch: async (input, init) => {
        if (slow && init?.method === 'POST') await new Promise((r) => setTimeout(r, 800));
        return fetch(input, init);
      },
    });
    const b = await device('5571-b');
    await a.db.groups.insert(group('slow-push', 'Pushed slowly'));
    for (let i = 0; i < 5; i++) await b.db.groups.insert(group(`during-${i}`, `During ${i}`));
    await expect.poll(() => nameOn(a, 'during-4'), { timeout: 10_000 }).toBe('During 4');
    slow = false;
    await a.sync.awaitInSync();
    for (let i = 0; i < 5; i++) expect(await nameOn(a, `during-${i}`)).toBe(`During ${i}`);
    await expect.poll(() => nameOn(b, 'slow-push'), { timeout: 10_000 }).toBe('Pushed slowly');

    // A fresh start from A's stored checkpoint finds nothing it lacks.
    const fresh = await device('5571-fresh');
    const everything = (d: TestDevice) =>
      d.db.groups
        .find()
        .exec()
        .then((docs) => docs.map((x) => x.id).sort());
    await expect.poll(() => everything(fresh), { timeout: 10_000 }).toEqual(await everything(a));
  });

  it('#5843: both sides edit the same field offline; no stale copy is left on the older side', async () => {
    const a = await device('5843-a');
    const b = await device('5843-b');
    const now = Date.now();
    await a.db.groups.insert(group('stale', 'Original', now));
    await expect.poll(() => nameOn(b, 'stale'), { timeout: 10_000 }).toBe('Original');
    a.setNetwork(false);
    b.setNetwork(false);
    await (
      await a.db.groups.findOne('stale').exec()
    )?.incrementalPatch({ name: 'Later (A)', updatedAt: now + 500 });
    await (
      await b.db.groups.findOne('stale').exec()
    )?.incrementalPatch({ name: 'Older (B)', updatedAt: now + 100 });
    a.setNetwork(true);
    await a.sync.awaitInSync();
    b.setNetwork(true);
    // B pushes second, meets the conflict, and must end with A's later name.
    await expect.poll(() => nameOn(b, 'stale'), { timeout: 10_000 }).toBe('Later (A)');
    await expect.poll(() => nameOn(a, 'stale'), { timeout: 10_000 }).toBe('Later (A)');
    expect(b.log.entries).toContainEqual(
      expect.objectContaining({ docId: 'stale', field: 'name', lost: 'Older (B)', kept: 'Later (A)' }),
    );
  });

  it('#7259: after failed pushes, and after pause() and start(), later writes are pushed', async () => {
    const a = await device('7259-a');
    const b = await device('7259-b');
    // The server cannot be reached, but the OS still says "online": pushes fail and retry.
    a.proxy.setUp(false);
    await a.db.groups.insert(group('after-error', 'Written while failing'));
    await expect
      .poll(() => a.sync.status$.value.error, { timeout: 10_000 })
      .toMatchObject({ kind: 'network' });
    a.proxy.setUp(true);
    await expect.poll(() => nameOn(b, 'after-error'), { timeout: 10_000 }).toBe('Written while failing');

    const replication = a.sync.replications.groups;
    if (!replication) throw new Error('no groups replication');
    a.proxy.setUp(false);
    await a.db.groups.insert(group('paused', 'Written before the pause'));
    await expect.poll(() => a.sync.status$.value.error?.kind, { timeout: 10_000 }).toBe('network');
    await replication.pause();
    a.proxy.setUp(true);
    await replication.start();
    await a.db.groups.insert(group('resumed', 'Written after start()'));
    await expect.poll(() => nameOn(b, 'paused'), { timeout: 10_000 }).toBe('Written before the pause');
    await expect.poll(() => nameOn(b, 'resumed'), { timeout: 10_000 }).toBe('Written after start()');
  });

  it('#5427: pushes continue after a schema migration, including a write made before it', async () => {
    const observer = await device('5427-observer');
    const name = `migration-${Date.now()}`;
    const open = async (version: 0 | 1, networkUp: boolean) => {
      const db = await createRxDatabase<{ groups: RxCollection<Group> }>({
        name,
        storage: wrappedZodValidateStorage({
          storage: getCohortStorage({ indexedDb: { indexedDB, IDBKeyRange }, replicated: ['groups'] }),
        }),
        multiInstance: false,
        localDocuments: true,
        closeDuplicates: true,
      });
      const conflicts = new SyncConflicts();
      await db.addCollections({
        groups: {
          schema: { ...groupRxSchema, version },
          migrationStrategies: version === 1 ? { 1: (doc: Group) => doc } : {},
        },
      });
      const { token } = await server.login('admin@demo.test');
      const sync = await startSync({
        db,
        conflicts,
        collections: { groups: db.groups },
        serverUrl: server.url,
        token,
        fetch: (input, init) =>
          networkUp ? fetch(input, init) : Promise.reject(new TypeError('fetch failed')),
        backoff: () => 50,
      });
      return { db, sync };
    };
    const before = await open(0, false);
    await before.db.groups.insert(group('before-migration', 'Waiting through the migration'));
    await expect.poll(() => before.sync.status$.value.pending).toBe(1);
    await before.sync.stop();
    await before.db.close();

    const after = await open(1, true);
    closers.push(() => after.sync.stop().then(() => after.db.close()));
    await expect
      .poll(() => nameOn(observer, 'before-migration'), { timeout: 10_000 })
      .toBe('Waiting through the migration');
    await after.db.groups.insert(group('after-migration', 'Written on the new schema'));
    await expect
      .poll(() => nameOn(observer, 'after-migration'), { timeout: 10_000 })
      .toBe('Written on the new schema');
  });

  it('#9061: queries with selectors return what they should', async () => {
    const db = await createCohortDatabase({
      name: `selectors-${Date.now()}`,
      indexedDb: { indexedDB, IDBKeyRange },
    });
    closers.push(() => db.close());
    const now = Date.now();
    await db.groups.bulkInsert([
      group('g1', 'Beta', now),
      group('g2', 'Alpha', now),
      group('g3', 'Gamma', now),
    ]);
    await db.clients.bulkInsert([
      createClient({ name: 'Ana' }, 'c1', now),
      createClient({ name: 'Ion' }, 'c2', now),
    ]);
    await db.memberships.bulkInsert([
      createMembership('g1', 'c1', { startDate: '2026-01-01' }, now),
      createMembership('g1', 'c2', { startDate: '2026-02-01' }, now),
      createMembership('g2', 'c1', { startDate: '2026-03-01' }, now),
    ]);
    const ids = (docs: { id: string }[]) => docs.map((d) => d.id).sort();
    expect(ids(await db.memberships.find({ selector: { groupId: 'g1' } }).exec())).toEqual([
      'g1:c1',
      'g1:c2',
    ]);
    expect(ids(await db.memberships.find({ selector: { clientId: 'c1' } }).exec())).toEqual([
      'g1:c1',
      'g2:c1',
    ]);
    expect(ids(await db.memberships.find({ selector: { groupId: { $in: ['g2', 'g3'] } } }).exec())).toEqual([
      'g2:c1',
    ]);
    expect(ids(await db.groups.find({ selector: { id: 'g3' } }).exec())).toEqual(['g3']);
    expect(await db.memberships.count({ selector: { groupId: 'g1' } }).exec()).toBe(2);
    const sorted = await db.groups.find({ selector: {}, sort: [{ name: 'asc' }] }).exec();
    expect(sorted.map((g) => g.name)).toEqual(['Alpha', 'Beta', 'Gamma']);
    // And after a document is deleted, it is gone from the same queries.
    await (await db.memberships.findOne('g1:c2').exec())?.incrementalRemove();
    expect(ids(await db.memberships.find({ selector: { groupId: 'g1' } }).exec())).toEqual(['g1:c1']);
  });
});
