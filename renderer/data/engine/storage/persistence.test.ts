/**
 * What the storage leaves on disk (fake-indexeddb): sealed pages that hold no readable
 * value and open only with their key; a log compacted to its live documents that reads
 * back the same; a compaction cut off half-way, or followed by leftovers of the old log,
 * that still reads back the right state; and a write the disk refuses, which changes
 * nothing.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { Dexie } from 'dexie';
import {
  normalizeMangoQuery,
  prepareQuery,
  type RxDocumentData,
  type RxStorage,
  type RxStorageInstance,
} from 'rxdb';
import { describe, expect, it } from 'vitest';
import { getCohortStorage, type CohortStorageOptions } from './cohortStorage';
import type { CollectionHandle } from './collectionHandle';
import { logDatabaseName, PageLog } from './pageLog';
import { namedRowSchema, openRows, type NamedRow } from './storageTesting';

type Row = NamedRow;
type Doc = RxDocumentData<Row>;
type Instance = RxStorageInstance<Row, { handle: CollectionHandle }, unknown>;
const schema = namedRowSchema;

const env = { indexedDB, IDBKeyRange };
let n = 0;
const freshName = () => `persistence-${n++}`;

const open = (name: string, options: CohortStorageOptions = {}): Promise<Instance> =>
  openRows<Row, { handle: CollectionHandle }>(
    getCohortStorage({ indexedDb: env, ...options }) as RxStorage<unknown, unknown>,
    name,
    schema,
  );

const doc = (id: string, name: string, version = 1, deleted = false): Doc => ({
  id,
  name,
  _deleted: deleted,
  _rev: `${version}-x`,
  _meta: { lwt: 1_000 + version * 10_000 + Number(id.replace(/\D/g, '') || 0) },
  _attachments: {},
});

async function all(instance: Instance): Promise<string[]> {
  const query = prepareQuery(schema, normalizeMangoQuery(schema, { selector: {}, sort: [{ name: 'asc' }] }));
  return (await instance.query(query)).documents.map((d) => `${d.id}=${d.name}`);
}

async function writeVersions(instance: Instance, count: number, versions: number) {
  let stored: Doc[] = [];
  for (let v = 1; v <= versions; v++) {
    const next = Array.from({ length: count }, (_, i) => doc(`d${i}`, `name ${i} v${v}`, v));
    const result = await instance.bulkWrite(
      next.map((document, i) => ({ document, previous: stored[i] })),
      'test',
    );
    expect(result.error).toEqual([]);
    stored = next;
  }
}

/** Every stored page row of database `name`, as IndexedDB holds it. */
async function rawPages(name: string): Promise<{ c: string; s: number; body: unknown }[]> {
  const db = await new Dexie(logDatabaseName(name), env).open();
  try {
    return await db.table('pages').toArray();
  } finally {
    db.close();
  }
}

const key = () => crypto.subtle.generateKey({ name: 'AES-GCM', length: 256 }, false, ['encrypt', 'decrypt']);

describe('the storage on disk', () => {
  it('seals every page: no value readable, and only its key opens it', async () => {
    const name = freshName();
    const sealing = await key();
    const instance = await open(name, { key: sealing });
    await instance.bulkWrite([{ document: doc('d1', 'Grief support Tuesday') }], 'test');
    await instance.close();

    const pages = await rawPages(name);
    expect(pages.length).toBe(1);
    const bytes = JSON.stringify(pages, (_k, v: unknown) =>
      v instanceof ArrayBuffer || v instanceof Uint8Array ? [...new Uint8Array(v as ArrayBuffer)] : v,
    );
    expect(bytes).not.toContain('Grief');
    expect(new TextDecoder().decode((pages[0]?.body as { sealed: ArrayBuffer }).sealed)).not.toContain(
      'Grief',
    );

    const again = await open(name, { key: sealing });
    expect(await all(again)).toEqual(['d1=Grief support Tuesday']);
    await again.close();
    for (const other of [{ key: await key() }, {}]) {
      const wrong = await open(name, other);
      await expect(all(wrong)).rejects.toMatchObject({ name: 'OperationError' });
      await wrong.close();
    }
  });

  it('compacts a log of replaced versions to the live documents, which read back the same', async () => {
    const name = freshName();
    const instance = await open(name);
    await writeVersions(instance, 1_500, 4);
    const written = await rawPages(name);
    const handle = instance.internals.handle;
    await handle.enqueue(() => handle.compact());
    const pages = await rawPages(name);
    // The live 1,500 documents of the 6,000 written: about a quarter of the records.
    expect(pages.length).toBeLessThanOrEqual(Math.ceil(written.length / 4) + 1);
    expect(pages.every((p) => p.s >= written.length)).toBe(true);
    const before = await all(instance);
    await instance.close();
    const again = await open(name);
    expect(await all(again)).toEqual(before);
    expect(before[0]).toBe('d0=name 0 v4');
    await again.close();
  });

  it('reads the right state after a compaction cut off half-way or one that left old pages behind', async () => {
    const name = freshName();
    const instance = await open(name);
    await writeVersions(instance, 50, 2);
    // One document deleted and forgotten: it must not come back from old pages.
    const gone = doc('d7', 'name 7 v3', 3, true);
    await instance.bulkWrite([{ document: gone, previous: doc('d7', 'name 7 v2', 2) }], 'test');
    await instance.cleanup(0);
    const expected = await all(instance);
    expect(expected).not.toContain('d7=name 7 v3');
    await instance.close();

    const log = new PageLog(name, undefined, env);
    await log.open();
    const raw = await rawPages(name);
    // A snapshot whose last transaction never ran: its pages are there, the start did not move.
    await log.append('rows--0', 100, {
      docs: raw
        .flatMap((r) => (JSON.parse((r.body as { json: string }).json) as { docs: Doc[] }).docs)
        .filter((d) => d.id === 'd3'),
    });
    let reopened = await open(name);
    expect(await all(reopened)).toEqual(expected);
    await reopened.close();

    // A finished snapshot, and old pages back (their deletion stopped half-way: the page that
    // forgot d7 went, older ones holding it did not).
    const opened = await open(name);
    const handle = opened.internals.handle;
    await handle.enqueue(async () => {
      await log.snapshot('rows--0', 200, [{ docs: [...handle.memory.docs.values()] }]);
    });
    await opened.close();
    for (const row of raw) {
      const page = JSON.parse((row.body as { json: string }).json) as { purged?: string[] };
      if (!page.purged) await log.append('rows--0', row.s, page as never);
    }
    log.close();
    reopened = await open(name);
    expect(await all(reopened)).toEqual(expected);
    await reopened.close();
  });

  it('stores a large write as records under 64 KiB, all or none, which read back as the write', async () => {
    const name = freshName();
    const sealing = await key();
    const instance = await open(name, { key: sealing });
    // 300 documents of about 1 KB (a field the storage keeps as it is): one write, six records or so.
    const big = Array.from(
      { length: 300 },
      (_, i) => ({ ...doc(`d${i}`, `n${i}`), note: 'y'.repeat(1000) }) as Doc,
    );
    await instance.bulkWrite(
      big.map((document) => ({ document })),
      'test',
    );
    const pages = await rawPages(name);
    expect(pages.length).toBeGreaterThan(4);
    for (const page of pages)
      expect((page.body as { sealed: ArrayBuffer }).sealed.byteLength).toBeLessThan(64 * 1024);
    await instance.close();
    const again = await open(name, { key: sealing });
    expect((await all(again)).length).toBe(300);
    await again.close();
  });

  it('loses nothing when a compaction fails part-way: later writes go after what it wrote', async () => {
    for (const failing of ['a later batch', 'deleting the old records'] as const) {
      const name = freshName();
      const instance = await open(name);
      // 21,000 small documents in three versions (wasteful enough to compact): a snapshot of
      // 21 pages takes two batches.
      await writeVersions(instance, 21_000, 3);
      const handle = instance.internals.handle;
      const log = (handle as unknown as { log: PageLog }).log;
      const internals = log as unknown as {
        dropBefore(c: string, from: number): Promise<void>;
        records(c: string, s: number, page: unknown): Promise<unknown[]>;
      };
      const realDrop = internals.dropBefore.bind(log);
      const realRecords = internals.records.bind(log);
      if (failing === 'deleting the old records') {
        internals.dropBefore = () => Promise.reject(new Error('disk trouble'));
      } else {
        // The first batch of 20 pages commits; sealing the 21st fails (as a full disk would refuse it).
        let sealed = 0;
        internals.records = (c, s, page) =>
          ++sealed > 20 ? Promise.reject(new Error('disk full')) : realRecords(c, s, page);
      }
      const compacted = handle.enqueue(() => handle.compact());
      if (failing === 'a later batch') await expect(compacted).rejects.toThrow('disk full');
      else await compacted;
      internals.dropBefore = realDrop;
      internals.records = realRecords;
      // A change after it, of a document in a later page of the snapshot: were it written over
      // the snapshot's first record, that page would bring the old state back.
      await instance.bulkWrite(
        [
          {
            document: doc('d5005', 'changed after the compaction', 4),
            previous: doc('d5005', 'name 5005 v3', 3),
          },
        ],
        'test',
      );
      const expected = await all(instance);
      expect(expected).toContain('d5005=changed after the compaction');
      await instance.close();
      const again = await open(name);
      expect(await all(again), failing).toEqual(expected);
      await again.close();
    }
  });

  it('changes nothing when the disk refuses a write, and goes on after it', async () => {
    const name = freshName();
    const instance = await open(name);
    await instance.bulkWrite([{ document: doc('d1', 'first') }], 'test');
    const log = (instance.internals.handle as unknown as { log: PageLog }).log;
    const append = log.append.bind(log);
    log.append = () => Promise.reject(Object.assign(new Error('disk full'), { name: 'QuotaExceededError' }));
    const events: unknown[] = [];
    instance.changeStream().subscribe((e) => events.push(e));
    await expect(
      instance.bulkWrite([{ document: doc('d1', 'second', 2), previous: doc('d1', 'first') }], 'test'),
    ).rejects.toMatchObject({ name: 'QuotaExceededError' });
    expect(await all(instance)).toEqual(['d1=first']);
    expect(events).toEqual([]);
    log.append = append;
    const retried = await instance.bulkWrite(
      [{ document: doc('d1', 'second', 2), previous: doc('d1', 'first') }],
      'test',
    );
    expect(retried.error).toEqual([]);
    await instance.close();
    const again = await open(name);
    expect(await all(again)).toEqual(['d1=second']);
    await again.close();
  });
});
