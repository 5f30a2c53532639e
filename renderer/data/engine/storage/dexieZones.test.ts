/**
 * Why the page log once left Dexie (2026-12-04: "a collection's read waiting for ever while
 * another collection's compaction ran") and why it can go back through Dexie: the two ways
 * Dexie's transaction zones bite, shown on plain Dexie, and the log, which does neither.
 *
 * 1. A transaction that awaits a promise Dexie does not know (WebCrypto sealing a page)
 *    lets IndexedDB commit it early: it fails (PrematureCommitError), but what it wrote
 *    before the await is committed alone — a page and a collection's start no longer go
 *    to disk together.
 * 2. An operation started from code that runs inside another transaction's zone joins that
 *    transaction — even when that code is a later continuation (Dexie carries its zone
 *    across awaits): it waits behind the transaction's lock, or fails with it once the
 *    transaction is over, or is not allowed its table at all. A collection's load that is
 *    set off by a write queued behind another collection's compaction is such code.
 *
 * The log seals before each transaction, runs no other code inside one, and owns its Dexie
 * instance, so neither can happen to it: a collection is read while another's sealed
 * compaction runs. (The same commit that left Dexie also split pages into parts under
 * 64 KiB, after a read of larger values once never returned in Chromium: a likelier cause
 * of the hang than the zones.) Also here: a log an earlier version wrote with IndexedDB's
 * own API opens and reads as it was.
 */
import { Dexie } from 'dexie';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { logDatabaseName, PageLog } from './pageLog';

const env = { indexedDB, IDBKeyRange };
let n = 0;
const fresh = () => `zones-${Date.now()}-${(n += 1)}`;

async function plainDexie(name: string) {
  const db = new Dexie(name, env);
  db.version(1).stores({ pages: '[c+s]', heads: 'c' });
  await db.open();
  return db;
}

const key = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);

describe('Dexie’s transaction zones', () => {
  it('a transaction that awaits WebCrypto commits early: it fails, yet its first write stays (not all or nothing)', async () => {
    const db = await plainDexie(fresh());
    const pages = db.table('pages');
    const sealing = await key();
    const written = db.transaction('rw', pages, async () => {
      await pages.put({ c: 'a', s: 0, body: 'first' });
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, sealing, new Uint8Array(8));
      await pages.put({ c: 'a', s: 1, body: sealed });
    });
    await expect(written).rejects.toMatchObject({ name: 'PrematureCommitError' });
    expect(await pages.get(['a', 0])).toMatchObject({ body: 'first' });
    db.close();
  });

  it('a read set off from inside another transaction’s zone joins it: fails without its table, or once it ended', async () => {
    const db = await plainDexie(fresh());
    const pages = db.table('pages');
    const heads = db.table('heads');
    await pages.put({ c: 'b', s: 0, body: 'b0' });
    // The compaction of collection a writes only heads here; the load of b starts from its zone.
    let load: Promise<unknown> = Promise.resolve();
    await db.transaction('rw', heads, async () => {
      await heads.put({ c: 'a', from: 0 });
      load = pages.where('[c+s]').between(['b', 0], ['b', Infinity]).toArray();
    });
    await expect(load).rejects.toMatchObject({ name: 'NotFoundError' });
    // A continuation that runs after the transaction is over still carries its zone.
    let later: Promise<unknown> = Promise.resolve();
    await db.transaction('rw', pages, heads, async () => {
      await heads.put({ c: 'a', from: 1 });
      later = Promise.resolve().then(async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        return pages.get(['b', 0]);
      });
    });
    await expect(later).rejects.toMatchObject({ name: 'TransactionInactiveError' });
    db.close();
  });

  it('reads a collection while another collection’s sealed compaction runs, and both complete', async () => {
    const log = new PageLog(fresh(), await key(), env);
    await log.open();
    await log.append('b', 0, { docs: [{ id: 'b0' }] });
    const big = Array.from({ length: 45 }, (_, p) => ({
      docs: Array.from({ length: 200 }, (__, i) => ({ id: `a${p}-${i}`, text: 'x'.repeat(40) })),
    }));
    for (let round = 0; round < 3; round++) {
      // Three batches of sealing and writing for a; b is read meanwhile, more than once.
      const compaction = log.snapshot('a', round * 100, big);
      const reads = Array.from({ length: 3 }, async () => {
        const ids: string[] = [];
        await log.read('b', (page) => ids.push(...(page.docs as { id: string }[]).map((d) => d.id)));
        return ids;
      });
      expect(await compaction).toBe(45);
      expect(await Promise.all(reads)).toEqual([['b0'], ['b0'], ['b0']]);
    }
    let count = 0;
    await log.read('a', (page) => (count += page.docs.length));
    expect(count).toBe(45 * 200);
    log.close();
  });

  it('opens a log an earlier version wrote with IndexedDB’s own API, and reads it as it was', async () => {
    const name = fresh();
    // As the log wrote it until now: version 1, two stores, a plain part.
    const raw = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open(logDatabaseName(name));
      req.onupgradeneeded = () => {
        req.result.createObjectStore('pages', { keyPath: ['c', 's'] });
        req.result.createObjectStore('heads', { keyPath: 'c' });
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    await new Promise<void>((resolve, reject) => {
      const tx = raw.transaction(['pages'], 'readwrite');
      tx.objectStore('pages').put({
        c: 'rows',
        s: 0,
        body: { json: JSON.stringify({ docs: [{ id: 'kept' }] }) },
      });
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
    raw.close();
    const log = new PageLog(name, undefined, env);
    await log.open();
    const ids: string[] = [];
    expect(
      await log.read('rows', (page) => ids.push(...(page.docs as { id: string }[]).map((d) => d.id))),
    ).toEqual({
      next: 1,
      pages: 1,
    });
    expect(ids).toEqual(['kept']);
    expect(await log.append('rows', 1, { docs: [{ id: 'new' }] })).toBe(1);
    log.close();
  });
});
