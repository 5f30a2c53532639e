/**
 * Opens the local database, or rebuilds it when its data cannot be used (storageErrors.ts:
 * a database of the same name with another schema, damaged pages, pages this laptop's
 * key does not open — or a database an earlier version of Cohort kept in RxDB's Dexie
 * storage). Rebuilding: the changes not yet sent are read raw from IndexedDB (without
 * RxDB, which cannot open the database), the IndexedDB databases are deleted, a fresh
 * database is created, and the readable changes are written again as local writes with
 * the outbox's records, so sync pushes them and the server's conflict handling merges
 * them; everything else downloads again. The user is told (LocalDataNotice).
 *
 * Also told: a database that is missing although this laptop synced it before (the
 * IndexedDB was wiped, not by signing out).
 */
import type { RxCollection } from 'rxdb';
import { getCollectionLocalInstanceName } from 'rxdb/plugins/local-documents';
import { DEXIE_DOCS_TABLE_NAME } from 'rxdb/plugins/storage-dexie';
import { Dexie } from 'dexie';
import { stableStringify } from '../../domain/documents';
import type { SyncDocument } from '../../domain/merge';
import { SYNC_COLLECTIONS, type SyncCollection } from '../../sync/protocol';
import { createCohortDatabase, type CohortDatabase, type DatabaseOptions } from './database';
import { openLocalData, sealLocalData, type DatabaseKey } from './encryption';
import {
  clearRecoveringNote,
  deleteIndexedDb,
  indexedDbNames,
  isLegacyIndexedDb,
  recoveringNote,
  saveRecoveringNote,
  wasSynced,
  type NoteStore,
} from './localDatabases';
import { legacyOutbox } from './engine/storage/legacy';
import { logDatabaseName, PageLog, type IndexedDbEnvironment } from './engine/storage/pageLog';
import { unusableReason, type UnusableReason } from './storageErrors';

/** What the user is told after opening: the database was rebuilt, or found missing. */
export type LocalDataNotice =
  | {
      kind: 'recovered';
      reason: UnusableReason;
      /** Unsent changes written again (they are sent with the next sync). */
      kept: number;
      /** Unsent changes that could not be read or written again. */
      lost: number;
      /** The record of unsent changes itself could not be read: how many were lost is unknown. */
      unreadable: boolean;
    }
  | { kind: 'missing' };

export type OpenLocalOptions = DatabaseOptions & {
  /** The IndexedDB the storage runs on: the browser's, or fake-indexeddb in Node tests. */
  indexedDb: IndexedDbEnvironment;
  /** localStorage in the app. */
  notes: NoteStore;
};

export type OpenedDatabase = { db: CohortDatabase; notice: LocalDataNotice | null };

/** One unsent change: the document's state as the outbox recorded it. */
export type SalvagedChange = { collection: SyncCollection; doc: SyncDocument };

export type Salvage = { changes: SalvagedChange[]; lost: number; unreadable: boolean };

/** A rebuild under way: kept in a note until its changes are in the fresh database. */
type Recovery = Salvage & { reason: UnusableReason };

const REASONS: readonly UnusableReason[] = ['foreign', 'undecryptable', 'damaged'];

export async function openLocalDatabase(options: OpenLocalOptions): Promise<OpenedDatabase> {
  const { notes, ...database } = options;
  const indexedDb = database.indexedDb;
  const interrupted = await readRecoveryNote(database.name, notes, database.encryptionKey);
  const names = await indexedDbNames(database.name, indexedDb.indexedDB);
  performance.mark('cohort:names');
  const existed = names.length > 0;
  // Kept by an earlier version of Cohort in RxDB's Dexie storage: rebuilt in today's format.
  if (names.some((n) => isLegacyIndexedDb(database.name, n))) {
    return rebuild(database, indexedDb, notes, 'foreign', interrupted);
  }
  let db: CohortDatabase;
  try {
    db = await openReadable(database);
  } catch (error) {
    const reason = unusableReason(error);
    if (!reason) throw error;
    return rebuild(database, indexedDb, notes, reason, interrupted);
  }
  if (interrupted) return finishRecovery(db, notes, interrupted);
  const missing = !existed && wasSynced(database.name, notes);
  return { db, notice: missing ? { kind: 'missing' } : null };
}

/**
 * Opens the database and reads a group. Each collection's pages are read and opened in
 * the background (the groups first, which the first screen shows), and every page of a
 * database is sealed with the same key: a key that does not fit fails here, without
 * waiting for 500,000 memberships to be read.
 */
async function openReadable(options: DatabaseOptions): Promise<CohortDatabase> {
  const db = await createCohortDatabase(options);
  performance.mark('cohort:rxdb');
  try {
    await db.groups.findOne().exec();
    performance.mark('cohort:groups-read');
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
  return db;
}

async function rebuild(
  options: DatabaseOptions,
  env: IndexedDbEnvironment,
  notes: NoteStore,
  reason: UnusableReason,
  interrupted: Recovery | null,
): Promise<OpenedDatabase> {
  const salvage = await readUnsentChanges(options.name, env, options.encryptionKey);
  const recovery: Recovery = { reason, ...(interrupted ? combine(interrupted, salvage) : salvage) };
  await writeRecoveryNote(options.name, recovery, notes, options.encryptionKey);
  await deleteIndexedDb(options.name, env.indexedDB);
  return finishRecovery(await createCohortDatabase(options), notes, recovery);
}

async function finishRecovery(
  db: CohortDatabase,
  notes: NoteStore,
  recovery: Recovery,
): Promise<OpenedDatabase> {
  const failed = await reapply(db, recovery.changes);
  clearRecoveringNote(db.name, notes);
  return {
    db,
    notice: {
      kind: 'recovered',
      reason: recovery.reason,
      kept: recovery.changes.length - failed,
      lost: recovery.lost + failed,
      unreadable: recovery.unreadable,
    },
  };
}

/**
 * Writes the salvaged changes into the fresh database as local writes, which wait for the
 * server as any local write does. Resolves with how many were refused (the domain's rules
 * reject a document from another schema).
 */
export async function reapply(db: CohortDatabase, changes: SalvagedChange[]): Promise<number> {
  let failed = 0;
  for (const { collection, doc } of changes) {
    const { _deleted, ...fields } = doc;
    try {
      const written = await (db[collection] as RxCollection).upsert(fields);
      if (_deleted) await written.remove();
    } catch {
      failed += 1;
    }
  }
  return failed;
}

/** The unsent changes as Cohort kept them until 2026-12-04: a local document of RxDB's. */
const OUTBOX_DOC = 'sync-outbox';

/**
 * The unsent changes of database `name`, read straight from its page log (and opened
 * with `key`, as the storage sealed them) — or, for a database an earlier version of
 * Cohort kept, from its Dexie store of local documents.
 */
export async function readUnsentChanges(
  name: string,
  env: IndexedDbEnvironment,
  key?: DatabaseKey,
): Promise<Salvage> {
  const names = await indexedDbNames(name, env.indexedDB);
  const salvages = await Promise.all(
    names.map((db) =>
      db === logDatabaseName(name) ? readLoggedOutbox(name, env, key) : readLegacyOutbox(db, env, key),
    ),
  );
  return salvages.reduce(combine, { changes: [], lost: 0, unreadable: false });
}

/**
 * The changes that wait in the page log: the documents of each synced collection its sync
 * state says wait for the server (or, in a database of before 2026-12-04, its outbox).
 */
async function readLoggedOutbox(
  name: string,
  env: IndexedDbEnvironment,
  key?: DatabaseKey,
): Promise<Salvage> {
  const log = new PageLog(name, key, env);
  try {
    await log.open();
    // A database of before 2026-12-04 may still count its unsent changes in an outbox of its own.
    const entries: Record<string, string> = { ...((await legacyOutbox(log)) ?? {}) };
    const keys = await log.collections();
    for (const collection of SYNC_COLLECTIONS) {
      const latest = keys
        .filter((k) => k.startsWith(`${collection}--`))
        .sort((a, b) => Number(b.split('--')[1]) - Number(a.split('--')[1]))[0];
      if (!latest) continue;
      const docs = new Map<string, Record<string, unknown>>();
      const waiting = new Set<string>();
      await log.read(latest, (page) => {
        for (const doc of page.docs as Record<string, unknown>[]) docs.set(String(doc.id), doc);
        for (const id of page.purged ?? []) docs.delete(id);
        for (const [id] of page.pending ?? []) waiting.add(id);
        for (const id of page.settled ?? []) waiting.delete(id);
      });
      for (const id of waiting) {
        const doc = docs.get(id);
        if (!doc) continue;
        const { _rev, _meta, _attachments, ...state } = doc;
        void _rev;
        void _meta;
        void _attachments;
        entries[`${collection}/${id}`] = stableStringify(state);
      }
    }
    return salvageOutbox({ data: { entries } });
  } catch {
    return { changes: [], lost: 0, unreadable: true };
  } finally {
    log.close();
  }
}

/** The outbox as RxDB's Dexie storage kept it (Cohort before the page log): a row of its local documents' store. */
async function readLegacyOutbox(db: string, env: IndexedDbEnvironment, key?: DatabaseKey): Promise<Salvage> {
  if (!db.endsWith(`--${getCollectionLocalInstanceName('')}`))
    return { changes: [], lost: 0, unreadable: false };
  const dexie = new Dexie(db, { indexedDB: env.indexedDB, IDBKeyRange: env.IDBKeyRange });
  try {
    await dexie.open();
    const record = (await dexie.table(DEXIE_DOCS_TABLE_NAME).get(OUTBOX_DOC)) as
      { data?: unknown } | undefined;
    if (record && key) record.data = await openLocalData(key, record.data);
    return salvageOutbox(record);
  } catch {
    return { changes: [], lost: 0, unreadable: true };
  } finally {
    dexie.close();
  }
}

/**
 * The changes in the outbox's raw record (`{data: {entries: {"collection/id": json}}}`):
 * each entry that is a document of a synced collection is kept; any other entry
 * (encrypted, cut off, from another schema) counts as lost.
 */
export function salvageOutbox(record: unknown): Salvage {
  if (record === undefined || record === null) return { changes: [], lost: 0, unreadable: false };
  const { data, _deleted } = record as { data?: unknown; _deleted?: unknown };
  // Dexie stores RxDB's deleted flag as '1'/'0'.
  if (_deleted === '1' || _deleted === true) return { changes: [], lost: 0, unreadable: false };
  const entries = data && typeof data === 'object' ? (data as { entries?: unknown }).entries : undefined;
  if (!entries || typeof entries !== 'object' || Array.isArray(entries)) {
    return { changes: [], lost: 0, unreadable: true };
  }
  const changes: SalvagedChange[] = [];
  let lost = 0;
  for (const [key, value] of Object.entries(entries)) {
    const change = parseEntry(key, value);
    if (change) changes.push(change);
    else lost += 1;
  }
  return { changes: inWriteOrder(changes), lost, unreadable: false };
}

function parseEntry(key: string, value: unknown): SalvagedChange | null {
  const slash = key.indexOf('/');
  const collection = key.slice(0, slash) as SyncCollection;
  if (slash < 0 || !SYNC_COLLECTIONS.includes(collection) || typeof value !== 'string') return null;
  let doc: unknown;
  try {
    doc = JSON.parse(value);
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return null;
  const d = doc as Partial<SyncDocument>;
  const wellFormed =
    d.id === key.slice(slash + 1) &&
    typeof d.createdAt === 'number' &&
    typeof d.updatedAt === 'number' &&
    typeof d._deleted === 'boolean';
  return wellFormed ? { collection, doc: d as SyncDocument } : null;
}

/** An interrupted rebuild's changes, with the newer record of the same document winning. */
function combine(earlier: Salvage, later: Salvage): Salvage {
  const byKey = new Map<string, SalvagedChange>();
  for (const c of [...earlier.changes, ...later.changes]) byKey.set(`${c.collection}/${c.doc.id}`, c);
  return {
    changes: inWriteOrder([...byKey.values()]),
    lost: earlier.lost + later.lost,
    unreadable: earlier.unreadable || later.unreadable,
  };
}

/** Groups and clients before the memberships that refer to them. */
function inWriteOrder(changes: SalvagedChange[]): SalvagedChange[] {
  const order = (c: SalvagedChange) => SYNC_COLLECTIONS.indexOf(c.collection);
  return [...changes].sort((a, b) => order(a) - order(b));
}

/** The note keeps the changes as the outbox does (`collection/id` → JSON), and is read back through the same checks. */
type RecoveryNote = {
  reason: UnusableReason;
  lost: number;
  unreadable: boolean;
  entries: Record<string, string>;
};

/** The note holds client records: sealed with the database's key, like the database itself. */
async function writeRecoveryNote(name: string, recovery: Recovery, notes: NoteStore, key?: DatabaseKey) {
  const entries = Object.fromEntries(
    recovery.changes.map((c) => [`${c.collection}/${c.doc.id}`, stableStringify(c.doc)]),
  );
  const note: RecoveryNote = {
    reason: recovery.reason,
    lost: recovery.lost,
    unreadable: recovery.unreadable,
    entries,
  };
  try {
    saveRecoveringNote(name, JSON.stringify(key ? await sealLocalData(key, note) : note), notes);
  } catch {
    // localStorage full: the rebuild goes on; only a failure before its end would lose the changes.
  }
}

async function readRecoveryNote(name: string, notes: NoteStore, key?: DatabaseKey): Promise<Recovery | null> {
  const text = recoveringNote(name, notes);
  if (!text) return null;
  try {
    const stored = JSON.parse(text) as unknown;
    const note = (key ? await openLocalData(key, stored) : stored) as Partial<RecoveryNote>;
    const salvage = salvageOutbox({ data: { entries: note.entries } });
    return {
      ...salvage,
      reason: note.reason && REASONS.includes(note.reason) ? note.reason : 'damaged',
      lost: salvage.lost + (typeof note.lost === 'number' ? note.lost : 0),
      unreadable: salvage.unreadable || note.unreadable === true,
    };
  } catch {
    clearRecoveringNote(name, notes);
    return null;
  }
}
