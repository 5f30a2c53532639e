/**
 * Reads a query's documents with IndexedDB's getAll, a page of documents per request,
 * instead of the Dexie storage's cursor, which asks IndexedDB for each document on its
 * own. Measured in Chromium 156 on a device holding "network" (10,004 groups): the
 * cursor reads the groups in 210 ms, getAll in 115 ms; in the app, with sync starting
 * beside it, the storage query of the groups overview went from about 500 ms to 250 ms.
 *
 * Only for queries that read every document of their index range anyway: without a
 * limit, or with a sort the index does not give (then the Dexie storage reads the whole
 * range, sorts and cuts too). A limited query in index order stays with the cursor,
 * which stops after `limit` documents.
 *
 * Pages, not one request: IndexedDB serves an origin's requests one after another, and
 * one request for half a million memberships kept the groups' request waiting for ten
 * seconds. Every index of RxDB's Dexie storage ends with the primary key, so index keys
 * are unique and the next page starts right after the last key read.
 */
import { cmp } from 'dexie';
import type { PreparedQuery, RxDocumentData, RxStorageQueryResult } from 'rxdb';
import { getQueryMatcher, getSortComparator } from 'rxdb';
import {
  DEXIE_DOCS_TABLE_NAME,
  dexieReplaceIfStartsWithPipe,
  fromDexieToStorage,
  getKeyRangeByQueryPlan,
  type RxStorageInstanceDexie,
} from 'rxdb/plugins/storage-dexie';

/** What this module uses of IndexedDB (written out: the Node tests' TypeScript has no DOM types). */
type KeyRange = { upper: unknown; upperOpen: boolean };
type KeyRangeFactory = {
  bound(lower: unknown, upper: unknown, lowerOpen?: boolean, upperOpen?: boolean): KeyRange;
};
type Index = {
  keyPath: string | string[];
  getAll(
    range: KeyRange,
    count: number,
  ): { result: unknown; error: unknown; onsuccess: unknown; onerror: unknown };
};

/** Whether the Dexie storage would read the whole index range for this query. */
export function readsWholeRange<T>(preparedQuery: PreparedQuery<T>): boolean {
  return typeof preparedQuery.query.limit !== 'number' || !preparedQuery.queryPlan.sortSatisfiedByIndex;
}

/** The value of an index's key path in a stored record (dotted paths such as `_meta.lwt` included). */
function keyOf(record: unknown, keyPath: string | string[]): unknown {
  const at = (path: string) =>
    path.split('.').reduce<unknown>((value, name) => (value as Record<string, unknown>)[name], record);
  return typeof keyPath === 'string' ? at(keyPath) : keyPath.map(at);
}

/**
 * Whether a stored value is plain JSON without a key the Dexie storage renamed (a key
 * starting with `|` is stored as `__…`, also after a dot): then it comes back unchanged.
 */
function storedAsIs(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return true;
  if (Array.isArray(value)) return value.every(storedAsIs);
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const key in value) {
    if (key.startsWith('__') || key.includes('.__')) return false;
    if (!storedAsIs((value as Record<string, unknown>)[key])) return false;
  }
  return true;
}

/**
 * A stored record as RxDB's fromDexieToStorage returns it. That function copies every
 * record field by field to turn renamed keys back; a record with none (Cohort's documents,
 * unless metadata has such a key) needs only its boolean index fields turned back, on a
 * copy of its top level. About a third of the groups overview's read (profiled).
 */
export function fromStored<T>(booleanIndexes: string[], record: unknown): RxDocumentData<T> {
  if (!storedAsIs(record)) return fromDexieToStorage<T>(booleanIndexes, record);
  const doc = { ...(record as Record<string, unknown>) };
  for (const path of booleanIndexes) {
    if (path.includes('.')) return fromDexieToStorage<T>(booleanIndexes, record);
    doc[path] = doc[path] === '1';
  }
  return doc as RxDocumentData<T>;
}

/** `preparedQuery` answered as the Dexie storage answers it, read with getAll in pages of `pageSize`. */
export async function readInPages<T>(
  instance: RxStorageInstanceDexie<T>,
  preparedQuery: PreparedQuery<T>,
  pageSize: number,
): Promise<RxStorageQueryResult<T>> {
  if (instance.closed) throw new Error(`The storage of ${instance.collectionName} is closed.`);
  const state = await instance.internals;
  const { query, queryPlan } = preparedQuery;
  // The Dexie storage's own, or the browser's (as getKeyRangeByQueryPlan falls back).
  const KeyRange = (state.dexieDb._options.IDBKeyRange ??
    (globalThis as { IDBKeyRange?: unknown }).IDBKeyRange) as unknown as KeyRangeFactory;
  let range: KeyRange;
  try {
    range = getKeyRangeByQueryPlan(state.booleanIndexes, queryPlan, KeyRange) as KeyRange;
  } catch (error) {
    // As the Dexie storage: a range IndexedDB cannot express matches nothing.
    if ((error as Error).name === 'DataError') return { documents: [] };
    throw error;
  }
  const matches = queryPlan.selectorSatisfiedByIndex ? null : getQueryMatcher(instance.schema, query);
  const indexName = `[${queryPlan.index.map((field) => dexieReplaceIfStartsWithPipe(field)).join('+')}]`;
  const rows: RxDocumentData<T>[] = [];
  await state.dexieDb.transaction('r', state.dexieTable, (tx) => {
    const index = tx.idbtrans.objectStore(DEXIE_DOCS_TABLE_NAME).index(indexName) as unknown as Index;
    // Each page is asked for in the previous page's success handler, while the transaction is
    // surely active (an await between requests is not safe in every IndexedDB).
    return new Promise<void>((resolve, reject) => {
      const ask = (page: KeyRange) => {
        const request = index.getAll(page, pageSize);
        request.onerror = () => reject(request.error ?? new Error('IndexedDB getAll failed'));
        request.onsuccess = () => {
          try {
            const records = request.result as unknown[];
            for (const record of records) {
              const doc = fromStored<T>(state.booleanIndexes, record);
              if (!matches || matches(doc)) rows.push(doc);
            }
            const last = records.at(-1);
            if (records.length < pageSize || last === undefined) return resolve();
            const after = keyOf(last, index.keyPath);
            // A page that ends on the range's upper bound is the last (and IndexedDB refuses an empty range).
            if (cmp(after, range.upper) >= 0) return resolve();
            ask(KeyRange.bound(after, range.upper, true, range.upperOpen));
          } catch (error) {
            // A failure in this handler would otherwise leave the query waiting for ever.
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        };
      };
      ask(range);
    });
  });
  if (!queryPlan.sortSatisfiedByIndex) rows.sort(getSortComparator(instance.schema, query));
  const skip = query.skip ?? 0;
  const limit = typeof query.limit === 'number' ? query.limit : Infinity;
  return { documents: rows.slice(skip, skip + limit) };
}
