import { Dexie } from 'dexie';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { createRxDatabase } from 'rxdb';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../domain/client';
import { checkGroupInput, createGroup } from '../../domain/group';
import { createCohortDatabase, type CohortDatabase } from './database';
import { decryptValue, encryptValue, importKey, newRawKey } from './encryption';
import { clientRxSchema } from './schemas';
import { getCohortStorage } from './engine/storage/cohortStorage';
import { logDatabaseName } from './engine/storage/pageLog';

const open: { close(): Promise<unknown> }[] = [];
afterEach(async () => {
  for (const db of open.splice(0)) await db.close();
});

/** Every record IndexedDB holds for databases whose name contains `name`, as text. */
async function rawRecords(name: string): Promise<string> {
  const out: string[] = [];
  for (const info of await indexedDB.databases()) {
    if (!info.name?.includes(name)) continue;
    const idb = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(info.name ?? '');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    for (const store of Array.from(idb.objectStoreNames)) {
      const all = await new Promise<unknown[]>((resolve, reject) => {
        const req = idb.transaction(store).objectStore(store).getAll();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
      out.push(JSON.stringify(all));
    }
    idb.close();
  }
  return out.join('\n');
}

describe('local data sealed at rest', () => {
  it('AES-GCM round-trips, with a fresh IV each time, and fails with another key', async () => {
    const key = await importKey(newRawKey());
    const a = await encryptValue(key, 'Anna de Vries');
    const b = await encryptValue(key, 'Anna de Vries');
    expect(a).not.toBe(b);
    expect(a.startsWith('enc1:')).toBe(true);
    expect(await decryptValue(key, a)).toBe('Anna de Vries');
    // Plain values (written before sealing) read as they are.
    expect(await decryptValue(key, 'plain')).toBe('plain');
    await expect(decryptValue(await importKey(newRawKey()), a)).rejects.toThrow();
  });

  it('stores clients, groups and local documents only sealed; the app reads them plain', async () => {
    const name = `enc-${Date.now()}`;
    const key = await importKey(newRawKey());
    const options = { name, indexedDb: { indexedDB, IDBKeyRange }, encryptionKey: key };
    const db = await createCohortDatabase(options);
    await db.clients.insert(
      createClient(
        {
          name: 'Ioana Secretescu',
          email: 'ioana@private.test',
          phone: '+40 721 000 111',
          birthDate: '1984-07-09',
        },
        'ioana',
        Date.now(),
      ),
    );
    await db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Grief support Tuesday', description: 'After loss', metadata: {} }),
        'grief',
        Date.now(),
      ),
    );
    // The conflict log (a local document) keeps whole client records.
    const entry = JSON.stringify({ id: 'ioana', name: 'Ioana Secretescu', email: 'ioana@private.test' });
    await db.upsertLocal('sync-conflicts', { entries: { 'clients/ioana': entry } });
    const raw = await rawRecords(name);
    expect(raw).toContain('"sealed"');
    for (const secret of [
      'Ioana',
      'Secretescu',
      'private.test',
      '721 000',
      '1984-07-09',
      'Grief',
      'After loss',
    ])
      expect(raw).not.toContain(secret);
    await db.close();

    const again = await createCohortDatabase(options);
    open.push(again);
    expect((await again.clients.findOne('ioana').exec())?.toJSON()).toMatchObject({
      name: 'Ioana Secretescu',
      email: 'ioana@private.test',
      birthDate: '1984-07-09',
    });
    expect((await again.clients.find().exec()).map((c) => c.name)).toEqual(['Ioana Secretescu']);
    expect((await again.getLocal('sync-conflicts'))?.get('entries')).toEqual({ 'clients/ioana': entry });
  });

  it('migrates clients of an older schema (v0 → v1) on the same storage, sealed as before', async () => {
    const name = `upgrade-${Date.now()}`;
    const key = await importKey(newRawKey());
    const storage = () => getCohortStorage({ indexedDb: { indexedDB, IDBKeyRange }, key });
    const old = await createRxDatabase({ name, storage: storage(), multiInstance: false });
    await old.addCollections({ clients: { schema: { ...clientRxSchema, version: 0, indexes: ['name'] } } });
    await old.collections.clients?.insert(createClient({ name: 'Plain Olddata' }, 'old', Date.now()));
    await old.close();

    const db: CohortDatabase = await createCohortDatabase({
      name,
      indexedDb: { indexedDB, IDBKeyRange },
      encryptionKey: key,
    });
    open.push(db);
    expect((await db.clients.findOne('old').exec())?.name).toBe('Plain Olddata');
    // The migrated client is in the new version's pages; the old version's pages are gone.
    const pages = await new Dexie(logDatabaseName(name), { indexedDB, IDBKeyRange })
      .open()
      .then(async (log) => {
        const keys = (await log.table('pages').toCollection().primaryKeys()) as [string, number][];
        log.close();
        return keys.map(([collection]) => collection);
      });
    expect(pages).toContain('clients--1');
    expect(pages).not.toContain('clients--0');
  });
});
