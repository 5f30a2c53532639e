/**
 * Restores a conflict-log entry: re-applies the lost value (or document) as a new edit
 * on this device, which then syncs like any other edit.
 */
import type { RxCollection } from 'rxdb';
import { toWireDocument } from '../../../domain/documents';
import type { SyncDocument } from '../../../domain/merge';
import type { SyncCollection } from '../../../sync/protocol';
import type { ConflictEntry, ConflictLog } from './conflicts';

export class RestoreError extends Error {
  constructor(readonly code: 'gone') {
    super('The record no longer exists: restore the entry that deleted it first.');
  }
}

export async function restoreEntry(
  db: { collections: Partial<Record<SyncCollection, RxCollection>> },
  log: ConflictLog,
  entry: ConflictEntry,
  now = Date.now(),
): Promise<void> {
  const collection = db.collections[entry.collection];
  if (!collection) throw new Error(`No collection ${entry.collection}`);
  const current = await collection.findOne(entry.docId).exec();
  if (entry.kind === 'field') {
    if (!current) throw new RestoreError('gone');
    await current.incrementalModify((doc: SyncDocument) => ({
      ...withField(doc, entry.field ?? '', entry.lost),
      updatedAt: Math.max(now, doc.updatedAt + 1),
    }));
  } else {
    // The whole document as it was lost: brought back (or, for a refused deletion, deleted again).
    const { _deleted: deleted, ...lost } = toWireDocument(entry.lost as SyncDocument);
    const updatedAt = Math.max(now, ((current?.get('updatedAt') as number | undefined) ?? 0) + 1);
    if (deleted) await current?.incrementalRemove();
    else await collection.upsert({ ...lost, updatedAt });
  }
  await log.markRestored(entry.id, now);
}

/** `doc` with `path` (`name`, `metadata.room`) set to `value`; `undefined` removes it. */
function withField(doc: SyncDocument, path: string, value: unknown): SyncDocument {
  const [head = '', inner] = path.split('.');
  if (inner === undefined) return withKey(doc, head, value);
  return { ...doc, [head]: withKey((doc[head] ?? {}) as Record<string, unknown>, inner, value) };
}

function withKey<T extends Record<string, unknown>>(record: T, key: string, value: unknown): T {
  return Object.fromEntries([
    ...Object.entries(record).filter(([k]) => k !== key),
    ...(value === undefined ? [] : [[key, value]]),
  ]) as T;
}
