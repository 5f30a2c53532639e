import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { createRxDatabase } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { afterEach, describe, expect, it } from 'vitest';
import { createClient } from '../../domain/client';
import { createCohortDatabase, type CohortDatabase } from './database';
import { decryptValue, encryptValue, importKey, newRawKey } from './encryption';
import { clientRxSchema } from './schemas';

const storage = () => getRxStorageDexie({ indexedDB, IDBKeyRange });
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

describe('client fields encrypted at rest', () => {
  it('AES-GCM round-trips, with a fresh IV each time, and fails with another key', async () => {
    const key = await importKey(newRawKey());
    const a = await encryptValue(key, 'Anna de Vries');
    const b = await encryptValue(key, 'Anna de Vries');
    expect(a).not.toBe(b);
    expect(a.startsWith('enc1:')).toBe(true);
    expect(await decryptValue(key, a)).toBe('Anna de Vries');
    // Plain values (written before encryption existed) read as they are.
    expect(await decryptValue(key, 'plain')).toBe('plain');
    await expect(decryptValue(await importKey(newRawKey()), a)).rejects.toThrow();
  });

  it('stores name, email, phone and birth date only as ciphertext; the app reads them plain', async () => {
    const name = `enc-${Date.now()}`;
    const key = await importKey(newRawKey());
    const db = await createCohortDatabase({
      name,
      storage: storage(),
      multiInstance: false,
      encryptionKey: key,
    });
    open.push(db);
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
    const raw = await rawRecords(name);
    expect(raw).toContain('enc1:');
    for (const secret of ['Ioana', 'Secretescu', 'private.test', '721 000', '1984-07-09'])
      expect(raw).not.toContain(secret);
    const doc = await db.clients.findOne('ioana').exec();
    expect(doc?.toJSON()).toMatchObject({
      name: 'Ioana Secretescu',
      email: 'ioana@private.test',
      birthDate: '1984-07-09',
    });
    expect((await db.clients.find().exec()).map((c) => c.name)).toEqual(['Ioana Secretescu']);
  });

  it('seals local documents (the outbox and the conflict log hold client records) and reads them plain', async () => {
    const name = `enc-local-${Date.now()}`;
    const key = await importKey(newRawKey());
    const options = { name, storage: storage(), multiInstance: false, encryptionKey: key };
    const db = await createCohortDatabase(options);
    const entry = JSON.stringify({ id: 'ioana', name: 'Ioana Secretescu', email: 'ioana@private.test' });
    await db.upsertLocal('sync-outbox', { entries: { 'clients/ioana': entry } });
    const raw = await rawRecords(name);
    expect(raw).toContain('sealed');
    for (const secret of ['Ioana', 'Secretescu', 'private.test']) expect(raw).not.toContain(secret);
    await db.close();
    const again = await createCohortDatabase(options);
    open.push(again);
    expect((await again.getLocal('sync-outbox'))?.get('entries')).toEqual({ 'clients/ioana': entry });
  });

  it('encrypts clients stored before encryption when the database is next opened (schema v0 → v1)', async () => {
    const name = `upgrade-${Date.now()}`;
    const old = await createRxDatabase({ name, storage: storage(), multiInstance: false });
    await old.addCollections({ clients: { schema: { ...clientRxSchema, version: 0, indexes: ['name'] } } });
    await old.collections.clients?.insert(createClient({ name: 'Plain Olddata' }, 'old', Date.now()));
    expect(await rawRecords(name)).toContain('Plain Olddata');
    await old.close();

    const key = await importKey(newRawKey());
    const db: CohortDatabase = await createCohortDatabase({
      name,
      storage: storage(),
      multiInstance: false,
      encryptionKey: key,
    });
    open.push(db);
    expect((await db.clients.findOne('old').exec())?.name).toBe('Plain Olddata');
    expect(await rawRecords(name)).not.toContain('Plain Olddata');
  });
});
