/**
 * The keys of the local databases: 32 random bytes per database, made on first use and
 * kept in the user data folder encrypted with Electron's safeStorage (the OS keyring).
 * The renderer asks for its database's key over the typed bridge. Runs in: main.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DATABASE_NAME } from '../ipc-contract';
import { unwrapKey, wrapKey, type WrappedKey } from './passphrase';
import type { Encryptor } from './sessionVault';

/** The database key is behind a passphrase: ask the user, then `unlock`. */
export class PassphraseRequired extends Error {
  constructor() {
    super('PASSPHRASE_REQUIRED');
  }
}

const check = (name: string) => {
  if (!DATABASE_NAME.test(name)) throw new Error('Not a database name');
};

export function createKeyVault(dir: string, encryptor: Encryptor, options: { iterations?: number } = {}) {
  const folder = path.join(dir, 'keys');
  const passFile = (name: string) => path.join(folder, `${name}.pass.json`);
  const readWrapped = async (name: string): Promise<WrappedKey | null> => {
    try {
      return JSON.parse(await fs.readFile(passFile(name), 'utf8')) as WrappedKey;
    } catch {
      return null;
    }
  };
  return {
    /** Whether the key of `name` is behind a passphrase. */
    async needsPassphrase(name: string): Promise<boolean> {
      check(name);
      return (await readWrapped(name)) !== null;
    },
    /** The key behind a passphrase; throws WrongPassphrase for a wrong one. */
    async unlock(name: string, passphrase: string): Promise<string> {
      check(name);
      const wrapped = await readWrapped(name);
      if (!wrapped) throw new Error('This database has no passphrase.');
      return unwrapKey(wrapped, passphrase);
    },
    /** Puts the key behind `passphrase` instead of safeStorage (which only obfuscates without a keyring). */
    async setPassphrase(name: string, passphrase: string): Promise<void> {
      const key = await this.keyFor(name);
      await fs.writeFile(passFile(name), JSON.stringify(await wrapKey(key, passphrase, options.iterations)), {
        mode: 0o600,
      });
      await fs.rm(path.join(folder, `${name}.bin`), { force: true });
    },
    /** The database's key (base64), made and stored the first time. */
    async keyFor(name: string): Promise<string> {
      check(name);
      if (await readWrapped(name)) throw new PassphraseRequired();
      if (!(await encryptor.isAsyncEncryptionAvailable())) {
        throw new Error('The OS cannot protect the local database key on this computer.');
      }
      const file = path.join(folder, `${name}.bin`);
      try {
        const { result, shouldReEncrypt } = await encryptor.decryptStringAsync(await fs.readFile(file));
        if (shouldReEncrypt)
          await fs.writeFile(file, await encryptor.encryptStringAsync(result), { mode: 0o600 });
        return result;
      } catch (error) {
        // No key yet: make one. (A key that exists but cannot be read is not replaced:
        // that would make the data unreadable for good.)
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const key = crypto.randomBytes(32).toString('base64');
      await fs.mkdir(folder, { recursive: true, mode: 0o700 });
      await fs.writeFile(file, await encryptor.encryptStringAsync(key), { mode: 0o600, flag: 'wx' });
      return key;
    },
    async forget(name: string): Promise<void> {
      check(name);
      await fs.rm(path.join(folder, `${name}.bin`), { force: true });
      await fs.rm(passFile(name), { force: true });
    },
  };
}
