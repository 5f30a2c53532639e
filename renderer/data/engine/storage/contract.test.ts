/**
 * The RxStorage contract, tested the way RxDB tests its own storages: each case runs on
 * Cohort's storage and on RxDB's memory storage (the reference), and both must answer the
 * same — creation and an immediate close or remove, many instances on one name, remove()
 * at any moment, RxDB's parameter checks, bulk writes with conflicts, re-inserting deleted
 * documents, sort order and counts, reads by id with and without deleted documents, change
 * events and checkpoints, cleanup of tombstones, and schema versions kept apart.
 *
 * Raise TESTED_RXDB_VERSION (cohortStorage.ts) only once these pass on the new release.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import {
  fillWithDefaultSettings,
  getChangedDocumentsSince,
  getQueryMatcher,
  getSortComparator,
  normalizeMangoQuery,
  prepareQuery,
  RXDB_VERSION,
  type BulkWriteRow,
  type EventBulk,
  type MangoQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageChangeEvent,
  type RxStorageInstance,
} from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { describe, expect, it } from 'vitest';
import { getCohortStorage, TESTED_RXDB_VERSION } from './cohortStorage';
import { logDatabaseName } from './pageLog';

type Row = { id: string; name: string; rank: number };
type Doc = RxDocumentData<Row>;
type Instance = RxStorageInstance<Row, unknown, unknown>;

const schemaOf = (version = 0, extra: Partial<RxJsonSchema<Row>> = {}) =>
  fillWithDefaultSettings<Row>({
    version,
    primaryKey: 'id',
    type: 'object',
    properties: {
      id: { type: 'string', maxLength: 20 },
      name: { type: 'string', maxLength: 30 },
      rank: { type: 'integer', minimum: 0, maximum: 1000, multipleOf: 1 },
    },
    required: ['id', 'name', 'rank'],
    indexes: ['name', ['rank', 'name']],
    ...extra,
  }) as RxJsonSchema<Doc>;

let counter = 0;
const freshName = () => `contract${Date.now().toString(36)}${(counter += 1)}`;

type Subject = { label: string; storage: () => RxStorage<unknown, unknown> };
const SUBJECTS: Subject[] = [
  {
    label: 'Cohort storage',
    storage: () => getCohortStorage({ indexedDb: { indexedDB, IDBKeyRange } }) as RxStorage<unknown, unknown>,
  },
  { label: 'RxDB memory storage', storage: () => getRxStorageMemory() as RxStorage<unknown, unknown> },
];

function instance(
  storage: RxStorage<unknown, unknown>,
  databaseName: string,
  schema: RxJsonSchema<Doc> = schemaOf(),
  collectionName = 'rows',
): Promise<Instance> {
  return storage.createStorageInstance<Row>({
    databaseName,
    collectionName,
    schema,
    options: {},
    multiInstance: false,
    devMode: false,
    databaseInstanceToken: 'contract',
  }) as unknown as Promise<Instance>;
}

function doc(id: string, name: string, rank: number, lwt: number, rev = '1-a', deleted = false): Doc {
  return { id, name, rank, _deleted: deleted, _rev: rev, _meta: { lwt }, _attachments: {} };
}

const insert = (d: Doc): BulkWriteRow<Row> => ({ document: d });
const update = (previous: Doc, next: Doc): BulkWriteRow<Row> => ({ previous, document: next });

function query(schema: RxJsonSchema<Doc>, mango: MangoQuery<Row>) {
  return prepareQuery(schema, normalizeMangoQuery(schema, mango));
}

/** Whether IndexedDB database `name` can be deleted at once: nobody holds it open. */
function deletesUnblocked(name: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = indexedDB.deleteDatabase(name);
    req.onblocked = () => resolve(false);
    req.onsuccess = () => resolve(true);
    req.onerror = () => resolve(false);
  });
}

describe('the storage contract', () => {
  it(`is tested with the installed RxDB (${RXDB_VERSION})`, () => {
    // Fails when RxDB changes: run these tests on the new release, then raise the version.
    expect(RXDB_VERSION).toBe(TESTED_RXDB_VERSION);
  });

  for (const subject of SUBJECTS) {
    describe(subject.label, () => {
      it('is created and at once closed, or removed before it ever read its log, leaving nothing held', async () => {
        const storage = subject.storage();
        const name = freshName();
        await (await instance(storage, name)).close();
        const removed = await instance(storage, name);
        await removed.remove();
        const again = await instance(storage, name);
        expect((await again.query(query(schemaOf(), { selector: {} }))).documents).toEqual([]);
        await again.close();
        if (subject.label === 'Cohort storage')
          expect(await deletesUnblocked(logDatabaseName(name))).toBe(true);
      });

      it('removes at any moment, writes in flight included: nothing left behind', async () => {
        const storage = subject.storage();
        const name = freshName();
        const first = await instance(storage, name);
        const writes = first.bulkWrite(
          Array.from({ length: 50 }, (_, i) => insert(doc(`d${i}`, `Name ${i}`, i, 1000 + i))),
          'contract',
        );
        const removing = first.remove();
        await Promise.allSettled([writes, removing]);
        await removing;
        const after = await instance(storage, name);
        expect((await after.query(query(schemaOf(), { selector: {} }))).documents).toEqual([]);
        await after.close();
      });

      it('shares the documents between instances on one name, each closing on its own', async () => {
        const storage = subject.storage();
        const name = freshName();
        const a = await instance(storage, name);
        const b = await instance(storage, name);
        await a.bulkWrite([insert(doc('x', 'Shared', 1, 1000))], 'contract');
        expect((await b.findDocumentsById(['x'], false)).map((d) => d.name)).toEqual(['Shared']);
        await a.close();
        await b.bulkWrite([insert(doc('y', 'After', 2, 1001))], 'contract');
        expect((await b.findDocumentsById(['x', 'y'], false)).map((d) => d.id).sort()).toEqual(['x', 'y']);
        await b.close();
      });

      it('refuses what it cannot store as RxDB requires: key compression, encrypted fields', async () => {
        const storage = subject.storage();
        // Thrown or rejected, as each storage does.
        const create = (schema: RxJsonSchema<Doc>) =>
          Promise.resolve().then(() => instance(storage, freshName(), schema));
        await expect(create(schemaOf(0, { keyCompression: true }))).rejects.toMatchObject({ code: 'UT5' });
        const encrypted = schemaOf(0, { encrypted: ['name'] } as Partial<RxJsonSchema<Row>>);
        await expect(create(encrypted)).rejects.toMatchObject({ code: 'UT6' });
      });

      it('answers conflicts with 409 and the stored document, and writes the rest of the bulk', async () => {
        const storage = subject.storage();
        const store = await instance(storage, freshName());
        const a = doc('a', 'Ada', 1, 1000);
        await store.bulkWrite([insert(a), insert(doc('b', 'Bob', 2, 1001))], 'contract');
        const stale = doc('a', 'Ada (old)', 1, 900, '0-stale');
        const result = await store.bulkWrite(
          [
            insert(doc('b', 'Bob again', 2, 1002)),
            update(stale, doc('a', 'Ada edited', 1, 1003, '2-b')),
            insert(doc('c', 'Cy', 3, 1004)),
          ],
          'contract',
        );
        expect(result.error.map((e) => [e.documentId, e.status]).sort()).toEqual([
          ['a', 409],
          ['b', 409],
        ]);
        const conflict = result.error.find((e) => e.documentId === 'a');
        expect(conflict && 'documentInDb' in conflict ? conflict.documentInDb?.name : null).toBe('Ada');
        expect((await store.findDocumentsById(['a', 'b', 'c'], false)).map((d) => d.name).sort()).toEqual([
          'Ada',
          'Bob',
          'Cy',
        ]);
        await store.close();
      });

      it('takes an insert over a deleted document, and reads deleted ones only when asked', async () => {
        const storage = subject.storage();
        const store = await instance(storage, freshName());
        const a = doc('a', 'Ada', 1, 1000);
        await store.bulkWrite([insert(a)], 'contract');
        const deleted = doc('a', 'Ada', 1, 1001, '2-d', true);
        expect((await store.bulkWrite([update(a, deleted)], 'contract')).error).toEqual([]);
        expect(await store.findDocumentsById(['a'], false)).toEqual([]);
        expect((await store.findDocumentsById(['a'], true)).map((d) => d._deleted)).toEqual([true]);
        const live = { _deleted: { $eq: false } } as MangoQuery<Row>['selector'];
        expect((await store.count(query(schemaOf(), { selector: live }))).count).toBe(0);
        expect((await store.count(query(schemaOf(), { selector: {} }))).count).toBe(1);
        // An insert meets the tombstone (409, as RxDB's memory storage answers); written over it, it is back.
        const blind = await store.bulkWrite([insert(doc('a', 'Ada again', 1, 1002, '3-e'))], 'contract');
        expect(blind.error.map((e) => [e.status, 'documentInDb' in e && e.documentInDb?._deleted])).toEqual([
          [409, true],
        ]);
        const back = await store.bulkWrite(
          [update(deleted, doc('a', 'Ada again', 1, 1002, '3-e'))],
          'contract',
        );
        expect(back.error).toEqual([]);
        expect((await store.findDocumentsById(['a'], false)).map((d) => d.name)).toEqual(['Ada again']);
        await store.close();
      });

      it('sorts, skips, limits and counts as RxDB’s own comparator and matcher do', async () => {
        const storage = subject.storage();
        const schema = schemaOf();
        const store = await instance(storage, freshName(), schema);
        const names = ['émile', 'Zed', 'ada', 'bob', 'Ada', 'cy', 'bo', 'ada '];
        const docs = Array.from({ length: 40 }, (_, i) =>
          doc(
            `r${String(i).padStart(2, '0')}`,
            `${names[i % names.length] ?? ''}${i % 3}`,
            (i * 7) % 11,
            1000 + i,
          ),
        );
        await store.bulkWrite(docs.map(insert), 'contract');
        const mangos: MangoQuery<Row>[] = [
          { selector: {}, sort: [{ name: 'asc' }] },
          { selector: {}, sort: [{ rank: 'desc' }, { name: 'asc' }], skip: 3, limit: 9 },
          { selector: { rank: { $gte: 4 } }, sort: [{ rank: 'asc' }, { name: 'desc' }] },
          { selector: { name: { $regex: '^a' } }, sort: [{ id: 'desc' }] },
          { selector: { name: { $gt: 'b', $lt: 'z' } }, limit: 5 },
        ];
        for (const mango of mangos) {
          const prepared = query(schema, mango);
          const matches = getQueryMatcher(schema, prepared.query);
          const expected = docs
            .filter((d) => matches(d))
            .sort(getSortComparator(schema, prepared.query))
            .slice(prepared.query.skip ?? 0, (prepared.query.skip ?? 0) + (prepared.query.limit ?? Infinity))
            .map((d) => d.id);
          expect(
            (await store.query(prepared)).documents.map((d) => d.id),
            JSON.stringify(mango),
          ).toEqual(expected);
          const all = query(schema, { selector: mango.selector ?? {} });
          expect((await store.count(all)).count).toBe(docs.filter((d) => matches(d)).length);
        }
        await store.close();
      });

      it('emits each write as change events with the checkpoint of its last document, and pages changes by it', async () => {
        const storage = subject.storage();
        const store = await instance(storage, freshName());
        const bulks: EventBulk<RxStorageChangeEvent<Row>, unknown>[] = [];
        const sub = store.changeStream().subscribe((bulk) => bulks.push(bulk));
        const a = doc('a', 'Ada', 1, 1000);
        await store.bulkWrite([insert(a), insert(doc('b', 'Bob', 2, 1001))], 'contract');
        await store.bulkWrite([update(a, doc('a', 'Ada', 1, 1002, '2-b', true))], 'contract');
        sub.unsubscribe();
        expect(bulks.map((b) => b.events.map((e) => `${e.operation}:${e.documentId}`))).toEqual([
          ['INSERT:a', 'INSERT:b'],
          ['DELETE:a'],
        ]);
        expect(bulks.map((b) => b.checkpoint)).toEqual([
          { id: 'b', lwt: 1001 },
          { id: 'a', lwt: 1002 },
        ]);
        const first = await getChangedDocumentsSince(store, 1);
        expect(first.documents.map((d) => d.id)).toEqual(['b']);
        const rest = await getChangedDocumentsSince(store, 10, first.checkpoint);
        expect(rest.documents.map((d) => [d.id, d._deleted])).toEqual([['a', true]]);
        await store.close();
      });

      it('cleans up tombstones older than asked, and keeps the rest', async () => {
        const storage = subject.storage();
        const name = freshName();
        const store = await instance(storage, name);
        const now = Date.now();
        const old = doc('old', 'Old', 1, now - 60_000);
        const recent = doc('recent', 'Recent', 2, now);
        await store.bulkWrite([insert(old), insert(recent), insert(doc('live', 'Live', 3, now))], 'contract');
        await store.bulkWrite(
          [
            update(old, doc('old', 'Old', 1, now - 30_000, '2-x', true)),
            update(recent, doc('recent', 'Recent', 2, now + 1, '2-y', true)),
          ],
          'contract',
        );
        await store.cleanup(10_000);
        expect(
          (await store.findDocumentsById(['old', 'recent', 'live'], true)).map((d) => d.id).sort(),
        ).toEqual(['live', 'recent']);
        await store.close();
      });

      it('keeps schema versions of one collection apart', async () => {
        const storage = subject.storage();
        const name = freshName();
        const v0 = await instance(storage, name, schemaOf(0));
        const v1 = await instance(storage, name, schemaOf(1));
        await v0.bulkWrite([insert(doc('a', 'Version zero', 1, 1000))], 'contract');
        expect(await v1.findDocumentsById(['a'], true)).toEqual([]);
        await v1.bulkWrite([insert(doc('a', 'Version one', 1, 1001))], 'contract');
        expect((await v0.findDocumentsById(['a'], false)).map((d) => d.name)).toEqual(['Version zero']);
        await v0.close();
        await v1.close();
      });
    });
  }
});
