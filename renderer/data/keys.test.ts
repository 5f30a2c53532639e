/**
 * A change of passphrase gives a database a new key (electron/main/secretStore.ts): its
 * pages are re-sealed with it before the database opens, so the old key — in a copy of
 * an old key file — opens nothing any more.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { createClient } from '../../domain/client';
import { createCohortDatabase } from './database';
import { importKey, newRawKey, openLocalData, sealLocalData, type DatabaseKey } from './encryption';
import { resealDatabase } from './keys';
import { recoveringNote, saveRecoveringNote, type NoteStore } from './localDatabases';
import { openPart } from './engine/storage/pageCodec';
import { logDatabaseName, PageLog } from './engine/storage/pageLog';

const indexedDb = { indexedDB, IDBKeyRange };

function memoryNotes(): NoteStore {
  const items = new Map<string, string>();
  return {
    getItem: (k) => items.get(k) ?? null,
    setItem: (k, v) => void items.set(k, v),
    removeItem: (k) => void items.delete(k),
  };
}

/** Every record of the database's log, and which of `keys` opens each (-1: none). */
async function whichKeyOpens(name: string, keys: DatabaseKey[]): Promise<number[]> {
  const idb = await new Promise<IDBDatabase>((resolve, reject) => {
    const req = indexedDB.open(logDatabaseName(name));
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const rows = await new Promise<{ c: string; s: number; body: unknown }[]>((resolve, reject) => {
    const req = idb.transaction('pages').objectStore('pages').getAll();
    req.onsuccess = () => resolve(req.result as { c: string; s: number; body: unknown }[]);
    req.onerror = () => reject(req.error);
  });
  idb.close();
  const out: number[] = [];
  for (const row of rows) {
    let found = -1;
    for (const [i, key] of keys.entries()) {
      const opened = await openPart(row.body, `${row.c}#${row.s}`, key).then(
        () => true,
        () => false,
      );
      if (opened) {
        found = i;
        break;
      }
    }
    out.push(found);
  }
  return out;
}

describe('a database key rotated', () => {
  it('re-seals every page with the new key: the old one opens none, the database opens with the new', async () => {
    const name = `rotate-${Date.now()}`;
    const oldKey = await importKey(newRawKey());
    const newKey = await importKey(newRawKey());
    const db = await createCohortDatabase({ name, indexedDb, encryptionKey: oldKey });
    await db.clients.bulkInsert(
      Array.from({ length: 30 }, (_, i) =>
        createClient({ name: `Client ${i}`, email: `c${i}@example.test` }, `c-${i}`, Date.now()),
      ),
    );
    await db.close();
    const notes = memoryNotes();
    saveRecoveringNote(name, JSON.stringify(await sealLocalData(oldKey, { entries: { a: 1 } })), notes);

    await resealDatabase(name, newKey, [oldKey], { indexedDb, notes });

    const opens = await whichKeyOpens(name, [newKey, oldKey]);
    expect(opens.length).toBeGreaterThanOrEqual(3);
    expect(opens.filter((k) => k !== 0)).toEqual([]);
    expect(await openLocalData(newKey, JSON.parse(recoveringNote(name, notes) ?? ''))).toEqual({
      entries: { a: 1 },
    });
    const reopened = await createCohortDatabase({ name, indexedDb, encryptionKey: newKey });
    expect((await reopened.clients.find().exec()).map((c) => c.name).sort()).toContain('Client 29');
    expect(await reopened.clients.count().exec()).toBe(30);
    await reopened.close();
  });

  it('a re-seal cut short (records under either key) is finished by running it again', async () => {
    const name = `rotate-half-${Date.now()}`;
    const oldKey = await importKey(newRawKey());
    const newKey = await importKey(newRawKey());
    const before = new PageLog(name, oldKey, indexedDb);
    await before.open();
    await before.append('rows', 0, { docs: [{ id: 'a' }] });
    await before.append('rows', 1, { docs: [{ id: 'b' }] });
    before.close();
    // The first record already re-sealed, the second not yet.
    const after = new PageLog(name, newKey, indexedDb);
    await after.open();
    await after.append('rows', 0, { docs: [{ id: 'a' }] });
    expect(await after.reseal([oldKey])).toBe(1);
    expect(await after.reseal([oldKey])).toBe(0);
    const read: string[] = [];
    await after.read('rows', (page) => read.push(...(page.docs as { id: string }[]).map((d) => d.id)));
    after.close();
    expect(read).toEqual(['a', 'b']);
    expect(await whichKeyOpens(name, [newKey, oldKey])).toEqual([0, 0]);
  });

  it('refuses a record that no key opens, instead of dropping it', async () => {
    const name = `rotate-lost-${Date.now()}`;
    const lost = new PageLog(name, await importKey(newRawKey()), indexedDb);
    await lost.open();
    await lost.append('rows', 0, { docs: [{ id: 'a' }] });
    lost.close();
    const log = new PageLog(name, await importKey(newRawKey()), indexedDb);
    await log.open();
    await expect(log.reseal([await importKey(newRawKey())])).rejects.toThrow('none of the keys');
    log.close();
  });
});
