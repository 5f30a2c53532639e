/**
 * Two devices (real RxDB on Cohort's storage over fake-indexeddb) replicating through the real
 * server over HTTP: a group made on A reaches B live; an edit B makes while its
 * network is cut reaches A once it is back.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { BehaviorSubject } from 'rxjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { checkGroupInput, createGroup, updateGroup, type Group } from '../../../domain/group';
import { createCohortDatabase, type CohortDatabase } from '../database';
import { startTestServer, type TestServer } from '../../../sync/server/testing';
import { NetworkError } from '../../../sync/client/api';
import { startSync, type SyncController } from './replicate';

type Device = {
  db: CohortDatabase;
  sync: SyncController;
  online$: BehaviorSubject<boolean>;
  setNetwork(up: boolean): void;
};

let server: TestServer;
const devices: Device[] = [];

async function device(name: string, email = 'admin@demo.test'): Promise<Device> {
  const { token } = await server.login(email);
  const db = await createCohortDatabase({
    name: `${name}-${Date.now()}`,
    indexedDb: { indexedDB, IDBKeyRange },
  });
  let networkUp = true;
  // The cut is in the device's network, not in the server: requests fail as they do offline.
  const deviceFetch: typeof fetch = (input, init) =>
    networkUp ? fetch(input, init) : Promise.reject(new TypeError('fetch failed'));
  const online$ = new BehaviorSubject(true);
  const sync = await startSync({
    db,
    collections: { groups: db.groups, clients: db.clients, memberships: db.memberships },
    serverUrl: server.url,
    token,
    fetch: deviceFetch,
    online$,
  });
  const d: Device = {
    db,
    sync,
    online$,
    setNetwork(up) {
      networkUp = up;
      online$.next(up);
    },
  };
  devices.push(d);
  return d;
}

async function findGroup(d: Device, id: string): Promise<Group | undefined> {
  const doc = await d.db.groups.findOne(id).exec();
  return doc?.toJSON() as Group | undefined;
}

beforeAll(async () => {
  server = await startTestServer('embedded');
});
// The open-source RxDB allows 13 open collections at once: every test closes its devices.
afterEach(async () => {
  for (const d of devices.splice(0)) {
    await d.sync.stop();
    await d.db.close();
  }
});
afterAll(() => server.close());

describe('two devices against the real server', () => {
  it('pulls the organisation’s groups on first sync', async () => {
    const a = await device('first-sync');
    await expect.poll(async () => (await a.db.groups.find().exec()).length, { timeout: 10_000 }).toBe(4);
    await expect.poll(() => a.sync.status$.value.phase, { timeout: 10_000 }).toBe('synced');
  });

  it('a group created on A appears on B; B’s offline edit reaches A after reconnect', async () => {
    const a = await device('device-a');
    const b = await device('device-b');
    const made = createGroup(
      checkGroupInput({ name: 'Walking group', description: 'Sundays', metadata: {} }),
      'walking',
      Date.now(),
    );
    await a.db.groups.insert(made);
    await expect
      .poll(() => findGroup(b, 'walking'), { timeout: 10_000 })
      .toMatchObject({ name: 'Walking group' });

    b.setNetwork(false);
    await expect.poll(() => b.sync.status$.value.phase).toBe('offline');
    const doc = await b.db.groups.findOne('walking').exec();
    if (!doc) throw new Error('B has no walking group');
    const stored = doc.toJSON() as Group;
    const edited = updateGroup(
      stored,
      checkGroupInput({
        name: 'Walking group (Sundays)',
        description: stored.description,
        metadata: stored.metadata,
      }),
      Date.now(),
    );
    await doc.incrementalPatch({ name: edited.name, updatedAt: edited.updatedAt });
    await expect.poll(() => b.sync.status$.value.pending).toBe(1);
    expect(b.sync.status$.value.phase).toBe('offline');
    // While B is cut off, A still has the old name.
    await new Promise((r) => setTimeout(r, 300));
    expect((await findGroup(a, 'walking'))?.name).toBe('Walking group');

    b.setNetwork(true);
    await expect
      .poll(() => findGroup(a, 'walking'), { timeout: 15_000 })
      .toMatchObject({
        name: 'Walking group (Sundays)',
      });
    await expect
      .poll(() => b.sync.status$.value, { timeout: 10_000 })
      .toMatchObject({ phase: 'synced', pending: 0 });
  });

  it('a write that re-saves the state the server already holds does not wait for ever', async () => {
    const a = await device('resave-a');
    const b = await device('resave-b');
    await a.db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Re-saved', description: '', metadata: {} }),
        'resaved',
        Date.now(),
      ),
    );
    await expect.poll(() => findGroup(b, 'resaved'), { timeout: 10_000 }).toMatchObject({ name: 'Re-saved' });
    // B holds the group open (as an edit dialog does) while A deletes it.
    const held = await b.db.groups.findOne('resaved').exec();
    if (!held) throw new Error('B has no group');
    await (await a.db.groups.findOne('resaved').exec())?.remove();
    await expect.poll(() => findGroup(b, 'resaved'), { timeout: 10_000 }).toBeUndefined();
    await expect.poll(() => b.sync.status$.value.pending, { timeout: 10_000 }).toBe(0);

    // B's write finds the deletion and keeps it as it is: a new revision, the same state.
    // RxDB has nothing to push for it (the state equals the server's), so no push settles it.
    await held.incrementalModify((current) => current);
    // Saving a live document unchanged is the same case.
    const live = await b.db.groups.findOne().exec();
    if (!live) throw new Error('B has no live group');
    await live.incrementalModify((current) => current);
    await expect.poll(() => b.sync.status$.value.pending, { timeout: 10_000 }).toBe(0);
    expect(b.sync.status$.value.phase).toBe('synced');
  });

  it('a viewer’s local write is refused by the server and reverted on the device', async () => {
    const v = await device('viewer', 'viewer@demo.test');
    await expect
      .poll(async () => (await v.db.groups.find().exec()).length, { timeout: 10_000 })
      .toBeGreaterThan(0);
    await v.db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Not allowed', description: '', metadata: {} }),
        'nope',
        Date.now(),
      ),
    );
    await expect.poll(() => findGroup(v, 'nope'), { timeout: 10_000 }).toBeUndefined();
    await expect.poll(() => v.sync.status$.value.pending).toBe(0);
  });

  it('stops and reports when the token is no longer accepted', async () => {
    const d = await device('revoked');
    await expect.poll(() => d.sync.status$.value.phase, { timeout: 10_000 }).toBe('synced');
    await server.db.query('UPDATE sessions SET revoked_at = 1');
    d.sync.syncNow();
    await expect.poll(() => d.sync.status$.value.error?.kind, { timeout: 10_000 }).toBe('auth');
    expect(d.sync.status$.value.phase).toBe('error');
  });

  it('a revoked sign-in stops sync but keeps the waiting change; signing in again sends it', async () => {
    const d = await device('resign');
    await expect.poll(() => d.sync.status$.value.phase, { timeout: 10_000 }).toBe('synced');
    d.setNetwork(false);
    await d.db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Kept through sign-in', description: '', metadata: {} }),
        'kept-signin',
        Date.now(),
      ),
    );
    await expect.poll(() => d.sync.status$.value.pending).toBe(1);
    await server.db.query('UPDATE sessions SET revoked_at = 1');
    d.setNetwork(true);
    await expect.poll(() => d.sync.status$.value.error?.kind, { timeout: 10_000 }).toBe('auth');
    expect(d.sync.status$.value.pending).toBe(1);
    expect((await findGroup(d, 'kept-signin'))?.name).toBe('Kept through sign-in');

    // The user signs in again: the same local database, a new token.
    await d.sync.stop();
    const { token } = await server.login('admin@demo.test');
    d.sync = await startSync({
      db: d.db,
      collections: { groups: d.db.groups, clients: d.db.clients, memberships: d.db.memberships },
      serverUrl: server.url,
      token,
    });
    await expect
      .poll(
        async () => (await server.db.query('SELECT name FROM groups WHERE id = $1', ['kept-signin']))[0],
        {
          timeout: 10_000,
        },
      )
      .toEqual({ name: 'Kept through sign-in' });
    await expect.poll(() => d.sync.status$.value.pending, { timeout: 10_000 }).toBe(0);
  });

  it('against a server of a newer protocol: says to update, keeps the waiting change, sends it once updated', async () => {
    // This device as if it were of protocol 1: every request says so.
    const { token } = await server.login('admin@demo.test');
    const db = await createCohortDatabase({
      name: `old-protocol-${Date.now()}`,
      indexedDb: { indexedDB, IDBKeyRange },
    });
    const oldFetch: typeof fetch = (input, init) =>
      fetch(input, {
        ...init,
        headers: { ...(init?.headers as Record<string, string>), 'cohort-protocol': '1' },
      });
    const collections = { groups: db.groups, clients: db.clients, memberships: db.memberships };
    await db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Made before the update', description: '', metadata: {} }),
        'before-update',
        Date.now(),
      ),
    );
    const old = await startSync({ db, collections, serverUrl: server.url, token, fetch: oldFetch });
    devices.push({ db, sync: old, online$: new BehaviorSubject(true), setNetwork: () => undefined });
    await expect.poll(() => old.status$.value.error?.kind, { timeout: 10_000 }).toBe('update');
    expect(old.status$.value).toMatchObject({ phase: 'error', pending: 1 });
    expect(old.status$.value.error?.message).toMatch(/update the app/);
    expect(await server.db.query('SELECT id FROM groups WHERE id = $1', ['before-update'])).toEqual([]);

    // Updated: the same database syncs, and the change made before goes.
    await old.stop();
    const updated = await startSync({ db, collections, serverUrl: server.url, token });
    (devices.at(-1) as Device).sync = updated;
    await expect.poll(() => updated.status$.value.phase, { timeout: 10_000 }).toBe('synced');
    expect(await server.db.query('SELECT name FROM groups WHERE id = $1', ['before-update'])).toEqual([
      { name: 'Made before the update' },
    ]);
  });

  it('classifies a failed request as a network error', () => {
    expect(new NetworkError(new TypeError('fetch failed')).name).toBe('NetworkError');
  });
});
