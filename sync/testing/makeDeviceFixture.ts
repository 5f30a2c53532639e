/**
 * Writes the device database fixture the engine's migration test opens
 * (renderer/data/engine/fixtures/device-2026-12-04.json): a device of Cohort as it was on
 * 2026-12-04 (storage with RxDB's replication, commit 4d9f12d), sealed with a known key,
 * holding synced documents, unsent changes of every kind (with the server states set aside
 * for them), and an entry in its conflict log. Also what the server held, and what the
 * test must find. Run once, on that code: `npx tsx sync/testing/makeDeviceFixture.ts`.
 */
import fs from 'node:fs';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { BehaviorSubject } from 'rxjs';
import { createClient } from '../../domain/client';
import { toWireDocument } from '../../domain/documents';
import { createGroup } from '../../domain/group';
import { createMembership } from '../../domain/membership';
import { createCohortDatabase, syncConflicts } from '../../renderer/data/database';
import { importKey, toBase64 } from '../../renderer/data/encryption';
import { logDatabaseName } from '../../renderer/data/storage/pageLog';
import { startSync } from '../client/replicate';
import { startTestServer } from '../server/testing';
import { openTestDevice } from './devices';
import { pullEverything } from './pushBurst';

const OUT = 'renderer/data/engine/fixtures/device-2026-12-04.json';
const NAME = 'cohort-fixture-admin';
const RAW_KEY = new Uint8Array(32).map((_, i) => (i * 37 + 11) % 256);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every record of an IndexedDB database, with binary values as base64. */
async function dump(name: string): Promise<Record<string, unknown[]>> {
  const req = indexedDB.open(name);
  const db = await new Promise<typeof req.result>((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const out: Record<string, unknown[]> = {};
  for (const store of Array.from(db.objectStoreNames) as string[]) {
    out[store] = await new Promise<unknown[]>((resolve, reject) => {
      const req = db.transaction(store).objectStore(store).getAll();
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  }
  db.close();
  const encode = (value: unknown): unknown => {
    if (value instanceof ArrayBuffer) return { $bytes: toBase64(new Uint8Array(value)) };
    if (value instanceof Uint8Array) return { $u8: toBase64(value) };
    if (Array.isArray(value)) return value.map(encode);
    if (value && typeof value === 'object')
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
    return value;
  };
  return encode(out) as Record<string, unknown[]>;
}

async function main() {
  const server = await startTestServer('embedded');
  try {
    const { token } = await server.login('admin@demo.test');
    const key = await importKey(RAW_KEY);
    const db = await createCohortDatabase({
      name: NAME,
      indexedDb: { indexedDB, IDBKeyRange },
      encryptionKey: key,
    });
    let networkUp = true;
    const online$ = new BehaviorSubject(true);
    const conflicts = syncConflicts(db);
    const sync = await startSync({
      db,
      conflicts,
      collections: { groups: db.groups, clients: db.clients, memberships: db.memberships },
      serverUrl: server.url,
      token,
      online$,
      fetch: (input, init) =>
        networkUp ? fetch(input, init) : Promise.reject(new TypeError('fetch failed')),
      backoff: () => 50,
    });
    const setNetwork = (up: boolean) => {
      networkUp = up;
      online$.next(up);
    };
    const synced = async () => {
      for (let i = 0; i < 200; i++) {
        if (sync.status$.value.phase === 'synced' && sync.status$.value.pending === 0) return;
        await sleep(50);
      }
      throw new Error(`not synced: ${JSON.stringify(sync.status$.value)}`);
    };
    await synced();

    // A conflict: another device renames a group later; this one's earlier rename loses.
    const other = await openTestDevice(server, 'fixture-other');
    for (let i = 0; i < 200 && other.sync.status$.value.phase !== 'synced'; i++) await sleep(50);
    setNetwork(false);
    const now = Date.now();
    await (
      await other.db.groups.findOne('demo-running').exec()
    )?.incrementalPatch({
      name: 'Running for beginners (other device)',
      updatedAt: now + 5_000,
    });
    for (let i = 0; i < 200 && other.sync.status$.value.pending > 0; i++) await sleep(50);
    await (
      await db.groups.findOne('demo-running').exec()
    )?.incrementalPatch({
      name: 'Running for beginners (this device)',
      updatedAt: now,
    });
    setNetwork(true);
    await synced();
    for (let i = 0; i < 100 && conflicts.conflictLog.entries.length === 0; i++) await sleep(50);
    await other.close();

    // Offline: an unsent change of every kind.
    setNetwork(false);
    await sleep(200);
    await (
      await db.groups.findOne('demo-grief').exec()
    )?.incrementalPatch({
      description: 'Edited on this laptop, not sent yet.',
      updatedAt: Date.now() + 10_000,
    });
    await db.groups.insert(
      createGroup(
        { name: 'Made offline', description: 'Never sent', metadata: { room: 'B2' } },
        'fixture-new-group',
        Date.now(),
      ),
    );
    await (await db.memberships.findOne('demo-grief:demo-c-daan').exec())?.incrementalRemove();
    await (
      await db.clients.findOne('demo-c-anna').exec()
    )?.incrementalPatch({
      phone: '+31 6 9999 0000',
      updatedAt: Date.now() + 10_000,
    });
    await db.clients.insert(
      createClient(
        { name: 'Offline Client', email: 'offline@example.test' },
        'fixture-new-client',
        Date.now(),
      ),
    );
    await db.memberships.insert(
      createMembership('fixture-new-group', 'fixture-new-client', { startDate: '2026-12-01' }, Date.now()),
    );
    for (let i = 0; i < 100 && sync.status$.value.pending < 6; i++) await sleep(50);

    const documents = Object.fromEntries(
      await Promise.all(
        (['groups', 'clients', 'memberships'] as const).map(async (c) => [
          c,
          (await db.collections[c].find().exec()).map((d) => toWireDocument(d.toJSON())),
        ]),
      ),
    );
    const pending = sync.status$.value.pending;
    const log = conflicts.conflictLog.entries;
    await sync.stop();
    await db.close();
    const state = await pullEverything(server.url, token);
    const fixture = {
      about:
        'A device database of Cohort as of 2026-12-04 (commit 4d9f12d): the raw IndexedDB records of its page log, sealed with `rawKey`. Made by sync/testing/makeDeviceFixture.ts.',
      databaseName: NAME,
      rawKey: toBase64(RAW_KEY),
      indexedDb: { [logDatabaseName(NAME)]: await dump(logDatabaseName(NAME)) },
      expected: {
        documents,
        pending,
        conflictLog: log,
        unsent: {
          groups: ['demo-grief', 'fixture-new-group'],
          clients: ['demo-c-anna', 'fixture-new-client'],
          memberships: ['demo-grief:demo-c-daan', 'fixture-new-group:fixture-new-client'],
        },
      },
      server: Object.fromEntries(
        Object.entries(state).map(([c, docs]) => [c, [...(docs as Map<string, unknown>).values()]]),
      ),
    };
    fs.mkdirSync('renderer/data/engine/fixtures', { recursive: true });
    fs.writeFileSync(OUT, `${JSON.stringify(fixture, null, 1)}\n`);
    console.log(`wrote ${OUT}: ${pending} changes waiting, ${log.length} conflict-log entries`);
  } finally {
    await server.close();
  }
}

await main();
