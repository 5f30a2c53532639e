/**
 * The key that seals a local database. In the desktop app it comes from the main process
 * (secretStore.ts), protected by the OS keyring or, on a laptop without one, by the
 * user's passphrase. In a plain browser (`npm run start:web`, the browser tests) it is
 * kept in localStorage: the same sealing of the records, but the key is beside the data —
 * the browser mode is for development, the desktop app is what protects a laptop.
 *
 * When the passphrase changed, main hands over the database's new key with the keys it
 * replaces: the database's pages (and a rebuild's note) are sealed again with the new key
 * before the database opens, and only then are the old keys dropped.
 */
import {
  fromBase64,
  importKey,
  newRawKey,
  openLocalData,
  sealLocalData,
  toBase64,
  type DatabaseKey,
} from './encryption';
import { recoveringNote, saveRecoveringNote, type NoteStore } from './localDatabases';
import { PageLog, type IndexedDbEnvironment } from './engine/storage/pageLog';

const keyOf = (base64: string) => importKey(fromBase64(base64));

/** The key of database `name`, its pages sealed with it (re-sealed first after a change of passphrase). */
export async function databaseKey(
  name: string,
  where: { indexedDb: IndexedDbEnvironment; notes: NoteStore },
): Promise<DatabaseKey> {
  const bridge = window.cohort;
  if (bridge) {
    const answer = await bridge.databaseKey(name);
    const key = await keyOf(answer.key);
    if (answer.older?.length) {
      const older = await Promise.all(answer.older.map(keyOf));
      await resealDatabase(name, key, older, where);
      await bridge.databaseKeyRotated(name);
    }
    return key;
  }
  const slot = `cohort.dbkey.${name}`;
  let stored = localStorage.getItem(slot);
  if (!stored) {
    stored = toBase64(newRawKey());
    localStorage.setItem(slot, stored);
  }
  return keyOf(stored);
}

/** Seals database `name` with `key`: its log's pages and a rebuild's note, where `older` still seal them. */
export async function resealDatabase(
  name: string,
  key: DatabaseKey,
  older: DatabaseKey[],
  where: { indexedDb: IndexedDbEnvironment; notes: NoteStore },
): Promise<void> {
  const log = new PageLog(name, key, where.indexedDb);
  await log.open();
  try {
    await log.reseal(older);
  } finally {
    log.close();
  }
  const note = recoveringNote(name, where.notes);
  if (!note) return;
  for (const old of older) {
    const opened = await openLocalData(old, JSON.parse(note) as unknown).catch(() => undefined);
    if (opened === undefined) continue;
    saveRecoveringNote(name, JSON.stringify(await sealLocalData(key, opened)), where.notes);
    return;
  }
}

/** Forgets a database's key (after the database itself was deleted). */
export async function forgetDatabaseKey(name: string): Promise<void> {
  if (window.cohort) await window.cohort.forgetDatabaseKey(name);
  else localStorage.removeItem(`cohort.dbkey.${name}`);
}
