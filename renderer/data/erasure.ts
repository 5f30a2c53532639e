/**
 * A deletion erases: a deleted group, client or membership is stored as a tombstone (its
 * id, times and deletion flag), whichever way it is written — a deletion made here, a
 * merge that ends in one, a tombstone pulled from a server that kept more. The storage
 * then compacts its logs, so the earlier pages with the old values leave the disk too
 * (storage/collectionHandle.ts). Only the entity collections; RxDB's own are left as they are.
 */
import { getPrimaryFieldOfPrimaryKey, type BulkWriteRow, type RxStorage } from 'rxdb';
import { isErased, TOMBSTONE_FIELDS } from '../../domain/tombstone';

const ERASED_COLLECTIONS = new Set(['groups', 'clients', 'memberships']);

type Doc = Record<string, unknown> & { _deleted: boolean };

/** `doc` as a tombstone: the primary key, the times, and the storage's own fields. */
function erase<T extends Doc>(doc: T, primaryPath: string): T {
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(doc)) {
    if (key === primaryPath || key.startsWith('_') || TOMBSTONE_FIELDS.includes(key)) kept[key] = value;
  }
  return kept as T;
}

export function erasingStorage<Internals, Options>(
  storage: RxStorage<Internals, Options>,
): RxStorage<Internals, Options> {
  return {
    ...storage,
    name: storage.name,
    rxdbVersion: storage.rxdbVersion,
    async createStorageInstance(params) {
      const instance = await storage.createStorageInstance(params);
      if (!params.schema.title || !ERASED_COLLECTIONS.has(params.schema.title)) return instance;
      const primaryPath = getPrimaryFieldOfPrimaryKey(params.schema.primaryKey) as string;
      const write = instance.bulkWrite.bind(instance);
      instance.bulkWrite = (rows, context) =>
        write(
          rows.map((row) => {
            const doc = row.document as unknown as Doc;
            if (!doc._deleted || isErased(doc)) return row;
            return { ...row, document: erase(doc, primaryPath) } as typeof row;
          }) as BulkWriteRow<(typeof rows)[number]['document']>[],
          context,
        );
      return instance;
    },
  };
}
