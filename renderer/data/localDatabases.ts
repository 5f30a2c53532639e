/**
 * The IndexedDB databases behind one local database (listed and deleted by sign-out and
 * by recovery.ts), and the notes kept beside them in localStorage, which outlives a
 * wiped IndexedDB: that this laptop finished a sync of the database (so a missing one is
 * news), and the changes a rebuild is carrying over.
 *
 * Typed structurally, so the same code runs on the browser's IndexedDB and on
 * fake-indexeddb in Node tests.
 */
import { logDatabaseName, type IndexedDbFactory } from './engine/storage/pageLog';

/**
 * Whether IndexedDB database `indexedDbName` is one RxDB's Dexie storage kept for local
 * database `name` (one per collection and replication): how Cohort stored data before
 * its page log.
 */
export function isLegacyIndexedDb(name: string, indexedDbName: string): boolean {
  return indexedDbName.startsWith(`rxdb-dexie-${name}--`);
}

/** The IndexedDB databases that hold local database `name`: its page log, and any an earlier version left. */
export async function indexedDbNames(name: string, idb: IndexedDbFactory): Promise<string[]> {
  const all = await idb.databases();
  return all
    .map((info) => info.name ?? '')
    .filter((db) => db === logDatabaseName(name) || isLegacyIndexedDb(name, db));
}

/**
 * Deletes the IndexedDB databases of local database `name`. RxDB's remove() empties the
 * log but leaves the database behind, and a database RxDB cannot open cannot be removed
 * through RxDB at all.
 */
export async function deleteIndexedDb(name: string, idb: IndexedDbFactory): Promise<void> {
  const names = await indexedDbNames(name, idb);
  await Promise.all(
    names.map(
      (db) =>
        new Promise<void>((resolve, reject) => {
          const request = idb.deleteDatabase(db);
          request.onsuccess = () => resolve();
          request.onerror = () => reject(request.error ?? new Error(`Could not delete ${db}`));
          // Another tab holding it open: it is deleted once that tab lets go, and every
          // open after this one waits for that.
          request.onblocked = () => resolve();
        }),
    ),
  );
}

/** Where the notes are kept: localStorage in the app. */
export interface NoteStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * `synced`: this laptop finished a full sync of the database (set once, kept);
 * `recovering`: the unsent changes a recovery is carrying over, until they are written
 * to the fresh database (so a failure between deleting and writing loses nothing).
 */
type NoteKind = 'synced' | 'recovering';
const noteKey = (kind: NoteKind, name: string) => `cohort.${kind}.${name}`;

export function noteSynced(name: string, store: NoteStore): void {
  if (store.getItem(noteKey('synced', name)) === null)
    store.setItem(noteKey('synced', name), String(Date.now()));
}

export function wasSynced(name: string, store: NoteStore): boolean {
  return store.getItem(noteKey('synced', name)) !== null;
}

export function recoveringNote(name: string, store: NoteStore): string | null {
  return store.getItem(noteKey('recovering', name));
}

export function saveRecoveringNote(name: string, value: string, store: NoteStore): void {
  store.setItem(noteKey('recovering', name), value);
}

export function clearRecoveringNote(name: string, store: NoteStore): void {
  store.removeItem(noteKey('recovering', name));
}

/** Forgets every note of `name` (sign-out deleted the data on purpose: signing in again is a first sync). */
export function forgetNotes(name: string, store: NoteStore): void {
  for (const kind of ['synced', 'recovering'] as const) store.removeItem(noteKey(kind, name));
}
