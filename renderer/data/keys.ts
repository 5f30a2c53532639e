/**
 * The key that encrypts client personal fields in a local database. In the desktop app
 * it comes from the main process, which keeps it encrypted by the OS keyring
 * (safeStorage). In a plain browser (`npm run start:web`, the browser tests) it is kept
 * in localStorage: the same encryption of the records, but the key is beside the data —
 * the browser mode is for development, the desktop app is what protects a laptop.
 */
import { fromBase64, importKey, newRawKey, toBase64, type DatabaseKey } from './encryption';

/** Tries a passphrase; resolves false when it is not the right one. */
export type PassphraseAttempt = (passphrase: string) => Promise<boolean>;

/**
 * The key of database `name`. When it is behind a passphrase (a laptop without an OS
 * keyring), `askPassphrase` gets the function to try one, and the key comes once one fits.
 */
export async function databaseKey(
  name: string,
  askPassphrase: (attempt: PassphraseAttempt) => void,
): Promise<DatabaseKey> {
  const bridge = window.cohort;
  if (bridge) {
    const answer = await bridge.databaseKey(name);
    if ('key' in answer) return importKey(fromBase64(answer.key));
    return new Promise<DatabaseKey>((resolve) => {
      askPassphrase(async (passphrase) => {
        const unlocked = await bridge.unlockDatabase(name, passphrase);
        if ('wrongPassphrase' in unlocked) return false;
        resolve(await importKey(fromBase64(unlocked.key)));
        return true;
      });
    });
  }
  const slot = `cohort.dbkey.${name}`;
  let stored = localStorage.getItem(slot);
  if (!stored) {
    stored = toBase64(newRawKey());
    localStorage.setItem(slot, stored);
  }
  return importKey(fromBase64(stored));
}

/** Forgets a database's key (after the database itself was deleted). */
export async function forgetDatabaseKey(name: string): Promise<void> {
  if (window.cohort) await window.cohort.forgetDatabaseKey(name);
  else localStorage.removeItem(`cohort.dbkey.${name}`);
}
