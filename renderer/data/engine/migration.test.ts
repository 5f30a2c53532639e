/**
 * A device database written by Cohort as it was on 2026-12-04 (RxDB's replication beside
 * Cohort's storage: fixtures/device-2026-12-04.json, made by sync/testing/makeDeviceFixture.ts at commit c7ec075)
 * opens with today's engine — and today's schemas: its groups are at version 0, before
 * archivedAt — with every document, every unsent change and the server state each started
 * from, and its conflict log; then syncs, sending exactly the changes that
 * waited — each assuming the server state it started from, so none is taken as a conflict
 * — and nothing it had sent before.
 */
import fs from 'node:fs';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { BehaviorSubject } from 'rxjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stableStringify, toWireDocument } from '../../../domain/documents';
import { protocolHeaders, SYNC_COLLECTIONS, type SyncCollection } from '../../../sync/protocol';
import { startTestServer, type TestServer } from '../../../sync/server/testing';
import { createCohortDatabase, syncConflicts, type CohortDatabase } from '../database';
import { fromBase64, importKey } from '../encryption';
import { replicaOf, startSync } from './replicate';
import { LOG_FORMAT } from './storage/legacy';
import { PageLog } from './storage/pageLog';

type Fixture = {
  databaseName: string;
  rawKey: string;
  indexedDb: Record<string, Record<string, unknown[]>>;
  expected: {
    documents: Record<SyncCollection, Record<string, unknown>[]>;
    pending: number;
    conflictLog: Record<string, unknown>[];
    unsent: Record<SyncCollection, string[]>;
  };
  server: Record<SyncCollection, (Record<string, unknown> & { id: string; _deleted: boolean })[]>;
};

const fixture = JSON.parse(
  fs.readFileSync(new URL('./fixtures/device-2026-12-04.json', import.meta.url), 'utf8'),
) as Fixture;

/** The fixture's records as IndexedDB holds them (binary values decoded). */
function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (value && typeof value === 'object') {
    const v = value as { $bytes?: string; $u8?: string };
    if (typeof v.$bytes === 'string') return fromBase64(v.$bytes).buffer;
    if (typeof v.$u8 === 'string') return fromBase64(v.$u8);
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, decode(x)]));
  }
  return value;
}

/** Writes the fixture's IndexedDB databases under a fresh name (the log's name carries the database's). */
async function restore(name: string): Promise<void> {
  for (const [stored, stores] of Object.entries(fixture.indexedDb)) {
    const target = stored.replace(fixture.databaseName, name);
    const req = indexedDB.open(target);
    req.onupgradeneeded = () => {
      req.result.createObjectStore('pages', { keyPath: ['c', 's'] });
      req.result.createObjectStore('heads', { keyPath: 'c' });
    };
    const db = await new Promise<typeof req.result>((resolve, reject) => {
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(Object.keys(stores), 'readwrite');
      for (const [store, rows] of Object.entries(stores))
        for (const row of rows) tx.objectStore(store).put(decode(row));
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }
}

const wire = (doc: { toJSON(): object }) => stableStringify(toWireDocument(doc.toJSON()));
const byId = (docs: Record<string, unknown>[]) =>
  new Map(docs.map((d) => [String(d.id), stableStringify(toWireDocument(d))]));

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('embedded');
  // The server as it was when the fixture was made: the demo data, and the other device's rename.
  const { token } = await server.login('admin@demo.test');
  for (const collection of SYNC_COLLECTIONS) {
    const current = new Map<string, unknown>();
    const pulled = await fetch(`${server.url}/api/v1/sync/${collection}/pull?limit=1000`, {
      headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
    }).then((r) => r.json() as Promise<{ documents: { id: string }[] }>);
    for (const d of pulled.documents) current.set(d.id, d);
    const rows = fixture.server[collection].map((doc) => ({
      assumedMasterState: current.get(doc.id) ?? null,
      newDocumentState: doc,
    }));
    await fetch(`${server.url}/api/v1/sync/${collection}/push`, {
      method: 'POST',
      headers: { ...protocolHeaders, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    });
  }
});
afterAll(() => server.close());

describe('a device database of 2026-12-04', () => {
  let db: CohortDatabase;

  it('opens with every document, every unsent change with its server state, and the conflict log', async () => {
    const name = `migrated-${Date.now()}`;
    await restore(name);
    db = await createCohortDatabase({
      name,
      indexedDb: { indexedDB, IDBKeyRange },
      encryptionKey: await importKey(fromBase64(fixture.rawKey)),
    });
    // The fixture holds groups at schema version 0: they were migrated to today's (archivedAt)
    // by the storage on the way, their waiting changes and server states with them.
    expect(db.groups.schema.version).toBeGreaterThan(0);
    for (const collection of SYNC_COLLECTIONS) {
      const docs = await db.collections[collection].find().exec();
      expect(new Map(docs.map((d) => [d.primary, wire(d)])), collection).toEqual(
        byId(fixture.expected.documents[collection]),
      );
    }
    let waiting = 0;
    for (const collection of SYNC_COLLECTIONS) {
      const entries = await replicaOf(db.collections[collection]).waiting();
      waiting += entries.length;
      expect(entries.map((e) => String(e.doc.id)).sort(), collection).toEqual(
        [...fixture.expected.unsent[collection]].sort(),
      );
      for (const { doc, server: state } of entries) {
        // Made here: no server state. Changed here: the server's state from before the change.
        const onServer = fixture.server[collection].find((d) => d.id === doc.id);
        if (String(doc.id).startsWith('fixture-new')) expect(state, String(doc.id)).toBeNull();
        else expect(stableStringify(state), String(doc.id)).toBe(stableStringify(onServer));
      }
    }
    expect(waiting).toBe(fixture.expected.pending);
    expect(syncConflicts(db).conflictLog.entries).toEqual(fixture.expected.conflictLog);
    // Converted once: the log says so, and the next start does not look through it again.
    const log = new PageLog(name, undefined, { indexedDB, IDBKeyRange });
    await log.open();
    expect(await log.mark('format')).toBe(LOG_FORMAT);
    log.close();
  });

  it('then sends exactly what waited, each taken as it assumed, and nothing else', async () => {
    const { token } = await server.login('admin@demo.test');
    const pushed: {
      collection: string;
      rows: { assumedMasterState: unknown; newDocumentState: { id: string } }[];
    }[] = [];
    const answers: unknown[] = [];
    const recording: typeof fetch = async (input, init) => {
      const url = String(input);
      const match = /\/sync\/(\w+)\/push/.exec(url);
      const res = await fetch(input, init);
      if (match && init?.method === 'POST') {
        pushed.push({ collection: match[1] ?? '', rows: JSON.parse(String(init.body)) });
        answers.push(await res.clone().json());
      }
      return res;
    };
    const conflicts = syncConflicts(db);
    const sync = await startSync({
      db,
      conflicts,
      collections: { groups: db.groups, clients: db.clients, memberships: db.memberships },
      serverUrl: server.url,
      token,
      fetch: recording,
      online$: new BehaviorSubject(true),
      backoff: () => 50,
    });
    await expect
      .poll(() => sync.status$.value, { timeout: 15_000 })
      .toMatchObject({ phase: 'synced', pending: 0 });
    await sync.stop();
    const sent = pushed.flatMap((p) => p.rows.map((r) => `${p.collection}/${r.newDocumentState.id}`)).sort();
    const expected = SYNC_COLLECTIONS.flatMap((c) =>
      fixture.expected.unsent[c].map((id) => `${c}/${id}`),
    ).sort();
    expect(sent).toEqual(expected);
    expect(answers).toEqual(pushed.map(() => ({ conflicts: [], rejections: [] })));
    // Nothing new in the conflict log, and the device holds the server's state.
    expect(conflicts.conflictLog.entries).toEqual(fixture.expected.conflictLog);
    const onServer = await fetch(`${server.url}/api/v1/sync/groups/pull?limit=1000`, {
      headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
    }).then((r) => r.json() as Promise<{ documents: Record<string, unknown>[] }>);
    const live = onServer.documents.filter((d) => !d._deleted);
    expect(new Map((await db.groups.find().exec()).map((d) => [d.primary, wire(d)]))).toEqual(byId(live));
    await db.close();
  });
});
