/**
 * RxDB's Dexie storage with two faster paths, each answering exactly as the Dexie storage
 * does (their tests run the same work through both and compare):
 *
 * - inserts without reading first (insertWithoutReads.ts): the first sync's pages;
 * - reads with getAll in pages instead of a cursor (readInPages.ts): every query that
 *   reads its whole index range, such as the groups overview and the member counts.
 *
 * Everything else goes to the Dexie storage unchanged. Another storage is returned as it is.
 */
import type { RxStorage } from 'rxdb';
import type { RxStorageInstanceDexie } from 'rxdb/plugins/storage-dexie';
import { insertAll, insertsOnly, type Row } from './insertWithoutReads';
import { readInPages, readsWholeRange } from './readInPages';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxDB's storage type is generic over internals
type AnyStorage = RxStorage<any, any>;

export type FasterDexieOptions = {
  /**
   * Documents per getAll request. Measured in Chromium 156 for 500,010 memberships: one
   * request 7.2–8.6 s, pages of 10,000 9.4 s, pages of 5,000 10.6 s, the cursor 15.6 s.
   * Each page is one task on the renderer's main thread (the records are decoded at once):
   * with pages of 10,000, the member counts read in the background held keystrokes in the
   * add-member search up to 112 ms (p95 80 ms). Pages of 5,000 make each task half as long.
   */
  readPage?: number;
};

export function fasterDexie(storage: AnyStorage, options: FasterDexieOptions = {}): AnyStorage {
  if (storage.name !== 'dexie') return storage;
  const readPage = options.readPage ?? 5_000;
  return {
    ...storage,
    async createStorageInstance(params) {
      const created = await storage.createStorageInstance(params);
      if (params.schema.attachments) return created;
      const instance = created as unknown as RxStorageInstanceDexie<Row>;
      const dexieBulkWrite = instance.bulkWrite.bind(instance);
      const dexieQuery = instance.query.bind(instance);
      instance.bulkWrite = (rows, context) =>
        insertsOnly(rows) ? insertAll(instance, rows, context) : dexieBulkWrite(rows, context);
      instance.query = (preparedQuery) =>
        readsWholeRange(preparedQuery)
          ? readInPages(instance, preparedQuery, readPage)
          : dexieQuery(preparedQuery);
      return created;
    },
  };
}
