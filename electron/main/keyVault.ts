/**
 * The keys of the local databases: 32 random bytes per database, made on first use and
 * kept in the user data folder encrypted with Electron's safeStorage (the OS keyring).
 * The renderer asks for its database's key over the typed bridge. Runs in: main.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Encryptor } from './sessionVault';

export function createKeyVault(dir: string, encryptor: Encryptor) {
  const folder = path.join(dir, 'keys');
  return {
    /** The database's key (base64), made and stored the first time. */
    async keyFor(name: string): Promise<string> {
      if (!/^cohort-[a-z0-9-]{1,80}$/.test(name)) throw new Error('Not a database name');
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
      if (!/^cohort-[a-z0-9-]{1,80}$/.test(name)) throw new Error('Not a database name');
      await fs.rm(path.join(folder, `${name}.bin`), { force: true });
    },
  };
}
