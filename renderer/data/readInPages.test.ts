/**
 * Reading in pages answers exactly as RxDB's Dexie storage: the same documents go into
 * both (Dexie over fake-indexeddb), and the same queries are compared — with pages of 7,
 * so that every query crosses page boundaries, one of them exactly at the end.
 */
import { IDBIndex, indexedDB, IDBKeyRange } from 'fake-indexeddb';
import type { MangoQuery, RxDocumentData, RxStorage } from 'rxdb';
import { normalizeMangoQuery, prepareQuery } from 'rxdb';
import { fromDexieToStorage, getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Membership } from '../../domain/membership';
import { fasterDexie } from './fasterDexie';
import { fromStored } from './readInPages';
import { membershipInstances, membershipSchema } from './storageTesting';

type Doc = RxDocumentData<Membership>;
const schema = membershipSchema;
const PAGE = 7;
const open = membershipInstances();
afterEach(() => {
  vi.restoreAllMocks();
});

/** 5 groups, 3 of them with a multiple of PAGE members; every ninth membership removed; lwt out of id order. */
function docs(): Doc[] {
  return Array.from({ length: 120 }, (_, i) => ({
    id: `m${String(i).padStart(3, '0')}`,
    groupId: `g${i % 5}`,
    clientId: `c${i % 17}`,
    startDate: `2025-${String((i % 12) + 1).padStart(2, '0')}-01`,
    ...(i % 4 === 0 ? { endDate: '2026-06-30' } : {}),
    createdAt: 1_700_000_000_000 + i,
    updatedAt: 1_700_000_000_000 + i,
    _deleted: i % 9 === 0,
    _attachments: {},
    _rev: '1-token',
    _meta: { lwt: 1_000 + ((i * 37) % 120) },
  }));
}

const QUERIES: Record<string, MangoQuery<Membership>> = {
  'every membership': { selector: {} },
  'one group (the index answers the selector)': { selector: { groupId: 'g2' } },
  'one client, sorted by start date': { selector: { clientId: 'c3' }, sort: [{ startDate: 'desc' }] },
  'a field no index has': { selector: { startDate: { $gte: '2025-06-01' } } },
  'sorted by a field no index has, with skip and limit': {
    selector: {},
    sort: [{ startDate: 'asc' }, { id: 'asc' }],
    skip: 10,
    limit: 25,
  },
  'by time of last write (a dotted key path)': {
    selector: { '_meta.lwt': { $gt: 1_030 } } as MangoQuery<Membership>['selector'],
    sort: [{ '_meta.lwt': 'asc' } as never],
  },
  'removed memberships too': { selector: { _deleted: { $eq: true } } as MangoQuery<Membership>['selector'] },
  'nothing matches': { selector: { groupId: 'g9' } },
  // m001–m007 are live: the first page ends on the range's own upper bound.
  'up to an id that ends a full page': {
    selector: { _deleted: { $eq: false }, id: { $lte: 'm007' } } as MangoQuery<Membership>['selector'],
    index: ['_deleted', 'id'],
  },
  'a limit in index order (the cursor stays)': { selector: {}, limit: 10 },
};

describe('reading in pages', () => {
  it('answers every query as the Dexie storage does', async () => {
    const dexie = getRxStorageDexie({ indexedDB, IDBKeyRange });
    const plain = await open(dexie);
    const paged = await open(fasterDexie(dexie, { readPage: PAGE }) as RxStorage<unknown, unknown>);
    const all = docs();
    for (const target of [plain, paged]) {
      const { error } = await target.bulkWrite(
        all.map((document) => ({ document })),
        'test',
      );
      expect(error).toEqual([]);
    }
    for (const [name, mango] of Object.entries(QUERIES)) {
      const query = prepareQuery(schema, normalizeMangoQuery(schema, mango));
      const expected = await plain.query(query);
      expect(await paged.query(query), name).toEqual(expected);
      if (name !== 'nothing matches') expect(expected.documents.length, name).toBeGreaterThan(0);
    }
  });

  it('reads the whole range with getAll, a page at a time', async () => {
    const paged = await open(
      fasterDexie(getRxStorageDexie({ indexedDB, IDBKeyRange }), { readPage: PAGE }) as RxStorage<
        unknown,
        unknown
      >,
    );
    // 21 live memberships of one group: three full pages, then an empty one that ends the read.
    const group = docs()
      .filter((d) => !d._deleted)
      .slice(0, 21)
      .map((d) => ({ ...d, groupId: 'g0' }));
    await paged.bulkWrite(
      group.map((document) => ({ document })),
      'test',
    );
    const getAll = vi.spyOn(IDBIndex.prototype, 'getAll');
    const query = prepareQuery(schema, normalizeMangoQuery(schema, { selector: { groupId: 'g0' } }));
    const { documents } = await paged.query(query);
    expect(documents.map((d) => d.id)).toEqual(group.map((d) => d.id).sort());
    expect(getAll).toHaveBeenCalledTimes(4);
    // A limit in index order is left to the Dexie storage's cursor, which stops early.
    getAll.mockClear();
    const limited = prepareQuery(schema, normalizeMangoQuery(schema, { selector: {}, limit: 3 }));
    expect((await paged.query(limited)).documents).toHaveLength(3);
    expect(getAll).not.toHaveBeenCalled();
  });
});

describe('stored records turned back', () => {
  it('come back as RxDB turns them back, renamed keys and boolean indexes included', () => {
    const base = { id: 'g1', name: 'Yoga', _deleted: '0', _meta: { lwt: 5 }, _attachments: {}, _rev: '1-a' };
    const records = [
      base,
      { ...base, _deleted: '1' },
      { ...base, metadata: { room: 'B', tags: ['x', { n: 1 }], none: null } },
      { ...base, metadata: { __pipe: 1 } },
      { ...base, metadata: { 'a.__b': 1 } },
      { ...base, metadata: { list: [{ __deep: true }] } },
      { ...base, metadata: { at: new Date(0) } },
      { ...base, flag: '1' },
    ];
    for (const record of records) {
      for (const booleans of [['_deleted'], ['_deleted', 'flag'], ['_deleted', 'metadata.on']]) {
        const label = JSON.stringify({ record, booleans });
        const copy = structuredClone(record);
        const ours = fromStored(booleans, record);
        expect(ours, label).toEqual(fromDexieToStorage(booleans, copy));
        expect(ours, label).not.toBe(record);
        // The stored record itself is left as it was.
        expect(record, label).toEqual(copy);
      }
    }
  });
});
