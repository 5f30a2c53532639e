/**
 * Inserts into RxDB's Dexie storage without reading first. The Dexie storage reads every
 * id of a write before writing, to find conflicts. For a write made only of inserts —
 * the bulk pull's pages (sync/client/bulkPull.ts) and the replication state it stores
 * with them — IndexedDB's own add tells: it refuses a key that exists, and only the
 * refused ids are read, to answer with the stored document as the Dexie storage does.
 * Measured in Chromium 156 for 60,000 documents and their replication state: 21 s with
 * the reads, 13 s without (bare IndexedDB writes of the same documents: 4.4 s).
 *
 * Everything else, and every write with an update in it, goes to the Dexie storage
 * unchanged (fasterDexie.ts decides). The result and the change events are the Dexie
 * storage's: insertWithoutReads.test.ts runs the same writes through both and compares.
 */
import type { Subject } from 'rxjs';
import type {
  BulkWriteRow,
  EventBulk,
  RxDocumentData,
  RxStorageBulkWriteResponse,
  RxStorageChangeEvent,
  RxStorageDefaultCheckpoint,
  RxStorageWriteError,
} from 'rxdb';
import { randomToken } from 'rxdb';
import {
  fromDexieToStorage,
  fromStorageToDexie,
  type RxStorageInstanceDexie,
} from 'rxdb/plugins/storage-dexie';

/** Writes smaller than this take the Dexie storage's path: a read of a few ids costs nothing. */
const MIN_ROWS = 50;

export type Row = { id?: unknown };
type Changes = Subject<EventBulk<RxStorageChangeEvent<RxDocumentData<Row>>, RxStorageDefaultCheckpoint>>;

/** Whether `rows` are enough inserts, and nothing else, for the path without reads. */
export function insertsOnly(rows: BulkWriteRow<unknown>[]): boolean {
  return rows.length >= MIN_ROWS && rows.every((row) => !row.previous);
}

/** Writes `rows`, every one an insert, as the Dexie storage would, without reading first. */
export async function insertAll(
  instance: RxStorageInstanceDexie<Row>,
  rows: BulkWriteRow<Row>[],
  context: string,
): Promise<RxStorageBulkWriteResponse<Row>> {
  if (instance.closed) throw new Error(`The storage of ${instance.collectionName} is closed.`);
  const state = await instance.internals;
  const primary = instance.primaryPath;
  const idOf = (doc: RxDocumentData<Row>) => String(doc[primary as keyof typeof doc]);
  const refused = new Map<string, RxDocumentData<Row>>();
  await state.dexieDb.transaction('rw', state.dexieTable, async () => {
    const records = rows.map((row) => fromStorageToDexie(state.booleanIndexes, row.document));
    try {
      await state.dexieTable.bulkAdd(records);
    } catch (error) {
      // A BulkError: the rest is added; the refused keys exist already (or a key repeats).
      const positions = Object.keys((error as { failuresByPos?: object }).failuresByPos ?? {}).map(Number);
      if (positions.length === 0) throw error;
      const ids = positions.flatMap((p) => {
        const row = rows[p];
        return row ? [idOf(row.document)] : [];
      });
      const stored = (await state.dexieTable.bulkGet(ids)) as unknown[];
      ids.forEach((id, i) => {
        if (stored[i] === undefined) throw error;
        refused.set(id, fromDexieToStorage(state.booleanIndexes, stored[i]));
      });
    }
  });

  const error: RxStorageWriteError<Row>[] = [];
  const events: RxStorageChangeEvent<RxDocumentData<Row>>[] = [];
  let newest: RxDocumentData<Row> | undefined;
  for (const row of rows) {
    const id = idOf(row.document);
    const documentInDb = refused.get(id);
    if (documentInDb) {
      error.push({ isError: true, status: 409, documentId: id, writeRow: row, documentInDb, context });
      continue;
    }
    newest = row.document;
    // As the Dexie storage: an inserted tombstone is stored, but no event tells of it.
    if (!row.document._deleted) {
      events.push({
        documentId: id,
        operation: 'INSERT',
        documentData: row.document,
        previousDocumentData: undefined,
      });
    }
  }
  if (events.length > 0 && newest) {
    // The Dexie storage's own stream, so RxDB (and other tabs) hear of these writes as of any other.
    const changes = (instance as unknown as { changes$: Changes }).changes$;
    changes.next({
      id: randomToken(10),
      events,
      checkpoint: { id: idOf(newest), lwt: newest._meta.lwt },
      context,
    });
  }
  return { error };
}
