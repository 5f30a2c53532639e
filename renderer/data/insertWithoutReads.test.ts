/**
 * The insert path without reads answers and announces exactly as RxDB's Dexie storage:
 * the same writes go through both (Dexie over fake-indexeddb), and the answers, the
 * change events and the stored documents are compared.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import type { BulkWriteRow, EventBulk, RxDocumentData, RxStorage } from 'rxdb';
import { getRxStorageDexie } from 'rxdb/plugins/storage-dexie';
import { describe, expect, it } from 'vitest';
import type { Membership } from '../../domain/membership';
import { fasterDexie } from './fasterDexie';
import { membershipInstances } from './storageTesting';

type Doc = RxDocumentData<Membership>;
const openInstance = membershipInstances();

async function open(storage: RxStorage<unknown, unknown>) {
  const instance = await openInstance(storage);
  const events: EventBulk<unknown, unknown>[] = [];
  instance.changeStream().subscribe((bulk) => events.push(bulk));
  return { instance, events };
}

function doc(i: number, deleted = false, lwt = 1000 + i): Doc {
  return {
    id: `g${i % 7}:c${i}`,
    groupId: `g${i % 7}`,
    clientId: `c${i}`,
    startDate: '2025-01-01',
    createdAt: 1_700_000_000_000 + i,
    updatedAt: 1_700_000_000_000 + i,
    _deleted: deleted,
    _attachments: {},
    _rev: '1-token',
    _meta: { lwt },
  };
}

const inserts = (docs: Doc[]): BulkWriteRow<Membership>[] => docs.map((document) => ({ document }));

/** What a write answered and announced, without the per-instance event bulk id. */
async function write(target: Awaited<ReturnType<typeof open>>, rows: BulkWriteRow<Membership>[]) {
  const before = target.events.length;
  const result = await target.instance.bulkWrite(rows, 'test-context');
  const events = target.events.slice(before).map((bulk) => ({ ...bulk, id: typeof bulk.id }));
  return { result, events };
}

describe('inserts without reads', () => {
  it('answer, announce and store as the Dexie storage does', async () => {
    const dexie = getRxStorageDexie({ indexedDB, IDBKeyRange });
    const plain = await open(dexie);
    const fast = await open(fasterDexie(dexie) as RxStorage<unknown, unknown>);

    // 80 new documents, 5 of them tombstones (stored, not announced).
    const first = Array.from({ length: 80 }, (_, i) => doc(i, i % 16 === 0));
    // Then 60 more where 10 exist already, one of them a tombstone: those are refused with the stored state.
    const second = [
      ...Array.from({ length: 50 }, (_, i) => doc(100 + i)),
      ...first.slice(0, 10).map((d) => ({ ...d, startDate: '2026-01-01' })),
    ];
    for (const rows of [inserts(first), inserts(second)]) {
      const a = await write(plain, rows);
      const b = await write(fast, rows);
      expect(b.events).toEqual(a.events);
      const sortById = (r: typeof a.result) =>
        [...r.error].sort((x, y) => x.documentId.localeCompare(y.documentId));
      expect(sortById(b.result)).toEqual(sortById(a.result));
    }
    expect((await write(fast, inserts(second))).result.error).toHaveLength(60);

    const ids = [...first, ...second].map((d) => d.id);
    const sorted = (docs: Doc[]) => [...docs].sort((x, y) => x.id.localeCompare(y.id));
    expect(sorted(await fast.instance.findDocumentsById(ids, true))).toEqual(
      sorted(await plain.instance.findDocumentsById(ids, true)),
    );
    expect(await fast.instance.findDocumentsById([first[0]?.id ?? ''], true)).toEqual([first[0]]);
  });

  it('leaves writes with updates, and small ones, to the Dexie storage', async () => {
    const fast = await open(
      fasterDexie(getRxStorageDexie({ indexedDB, IDBKeyRange })) as RxStorage<unknown, unknown>,
    );
    const docs = Array.from({ length: 60 }, (_, i) => doc(i));
    await write(fast, inserts(docs));
    const updated = docs.map((d) => ({
      previous: d,
      document: { ...d, startDate: '2026-02-02', _rev: '2-token' },
    }));
    const { result } = await write(fast, updated);
    expect(result.error).toEqual([]);
    expect((await fast.instance.findDocumentsById([docs[3]?.id ?? ''], false))[0]?.startDate).toBe(
      '2026-02-02',
    );
    // A small insert of an existing document: refused by the Dexie storage's own check.
    const small = await write(fast, inserts([doc(3)]));
    expect(small.result.error.map((e) => e.status)).toEqual([409]);
  });
});
