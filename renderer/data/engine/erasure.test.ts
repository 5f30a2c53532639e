/**
 * A deletion erases on the device too (issue 17): once a client is deleted — on another
 * device or this one, online or offline — nothing this device stores holds their values:
 * not the collection's pages (old versions included), not the replication's state or the
 * server state set aside for an unsent change, not the outbox, not the conflict log.
 * Real server over HTTP, real RxDB on Cohort's storage (fake-indexeddb, pages unsealed so
 * that their text can be searched).
 */
import { indexedDB } from 'fake-indexeddb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { logDatabaseName } from './storage/pageLog';
import { startTestServer, type TestServer } from '../../../sync/server/testing';
import { openTestDevice, type TestDevice } from '../../../sync/testing/devices';

let server: TestServer;
let admin: string;
const devices: TestDevice[] = [];

beforeAll(async () => {
  server = await startTestServer('embedded');
  admin = (await server.login('admin@demo.test')).token;
});
afterAll(async () => {
  for (const d of devices) await d.close();
  await server.close();
});

async function device(name: string): Promise<TestDevice> {
  const d = await openTestDevice(server, name);
  devices.push(d);
  await synced(d);
  return d;
}

const synced = (d: TestDevice) =>
  vi.waitFor(() => expect(d.sync.status$.value).toMatchObject({ phase: 'synced', pending: 0 }), {
    timeout: 15_000,
  });

async function rest(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${admin}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return (await res.json()) as Record<string, unknown>;
}

/** Every record of the device's page log, as text. */
async function storedText(d: TestDevice): Promise<string> {
  const req = indexedDB.open(logDatabaseName(d.db.name));
  const idb = await new Promise<typeof req.result>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const rows = await new Promise<unknown[]>((resolve, reject) => {
    const req = idb.transaction('pages').objectStore('pages').getAll();
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  idb.close();
  return JSON.stringify(rows);
}

/** Which of `values` the device's storage still holds, once its erasure has had time to run. */
async function heldAfterErasure(d: TestDevice, values: string[]): Promise<string[]> {
  let held: string[] = values;
  for (let i = 0; i < 50 && held.length > 0; i++) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const text = await storedText(d);
    held = values.filter((v) => text.includes(v));
  }
  return held;
}

const person = (tag: string) => ({
  name: `Erased Person ${tag}`,
  email: `erased.${tag}@example.test`,
  phone: `+31 6 ${tag.replace(/\D/g, '').padEnd(8, '7').slice(0, 8)}`,
  birthDate: '1971-06-23',
});

describe('erasure on the device', () => {
  it('a client deleted elsewhere leaves nothing of theirs here: versions, replication state, conflicts', async () => {
    const a = await device('erase-remote-a');
    const b = await device('erase-remote-b');
    const values = person('1234');
    const made = await rest('POST', '/clients', values);
    const id = (made.client as { id: string }).id;
    await rest('POST', '/groups/demo-grief/members/batch', {
      members: [{ clientId: id, startDate: '2026-04-01' }],
    });
    await vi.waitFor(async () => expect(await a.db.clients.findOne(id).exec()).not.toBeNull(), {
      timeout: 10_000,
    });
    await vi.waitFor(async () => expect(await b.db.clients.findOne(id).exec()).not.toBeNull(), {
      timeout: 10_000,
    });

    // Both edit the name, A offline: A's push meets B's change and logs the name that lost.
    a.setNetwork(false);
    await (
      await b.db.clients.findOne(id).exec()
    )?.incrementalPatch({
      name: 'Erased Person B-edit',
      updatedAt: Date.now() + 5_000,
    });
    await synced(b);
    await (
      await a.db.clients.findOne(id).exec()
    )?.incrementalPatch({
      name: 'Erased Person A-edit',
      updatedAt: Date.now(),
    });
    a.setNetwork(true);
    await synced(a);
    await vi.waitFor(() => expect(a.log.entries.some((e) => e.docId === id)).toBe(true), { timeout: 10_000 });
    const before = await storedText(a);
    expect(before).toContain('Erased Person A-edit');
    expect(before).toContain(values.email);

    await rest('DELETE', `/clients/${id}`);
    await vi.waitFor(async () => expect(await a.db.clients.findOne(id).exec()).toBeNull(), {
      timeout: 10_000,
    });

    const every = [...Object.values(values), 'Erased Person A-edit', 'Erased Person B-edit'];
    expect(await heldAfterErasure(a, every)).toEqual([]);
    expect(await heldAfterErasure(b, every)).toEqual([]);
    expect(a.log.entries.filter((e) => e.docId === id || e.docId.endsWith(`:${id}`))).toEqual([]);
    // What stays is the tombstone: the id and the times.
    const stored = await a.db.clients.storageInstance.findDocumentsById([id], true);
    expect(
      Object.keys(stored[0] ?? {})
        .filter((k) => !k.startsWith('_'))
        .sort(),
    ).toEqual(['createdAt', 'id', 'updatedAt']);
  });

  it('a client deleted here while offline is erased here once the deletion is sent, and on the server', async () => {
    const a = await device('erase-local');
    const values = person('5678');
    const made = await rest('POST', '/clients', values);
    const id = (made.client as { id: string }).id;
    await vi.waitFor(async () => expect(await a.db.clients.findOne(id).exec()).not.toBeNull(), {
      timeout: 10_000,
    });

    a.setNetwork(false);
    await (
      await a.db.clients.findOne(id).exec()
    )?.incrementalPatch({ phone: '+31 6 5555 4444', updatedAt: Date.now() });
    await (await a.db.clients.findOne(id).exec())?.incrementalRemove();
    expect(a.sync.status$.value.pending).toBe(1);
    a.setNetwork(true);
    await synced(a);

    expect(await heldAfterErasure(a, [...Object.values(values), '+31 6 5555 4444'])).toEqual([]);
    const row = (await server.db.query('SELECT name, email, deleted FROM clients WHERE id = $1', [id]))[0];
    expect(row).toEqual({ name: null, email: null, deleted: true });
  });
});
