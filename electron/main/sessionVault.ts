/**
 * Keeps the signed-in session on disk, encrypted with Electron's safeStorage (its
 * asynchronous API) in the user data folder. Runs in: main.
 */
import fs from 'node:fs/promises';
import path from 'node:path';

export type Encryptor = {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(text: string): Promise<Buffer>;
  decryptStringAsync(data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
};

export function createSessionVault(dir: string, encryptor: Encryptor) {
  const file = path.join(dir, 'session.bin');
  return {
    async load(): Promise<string | null> {
      let data: Buffer;
      try {
        data = await fs.readFile(file);
      } catch {
        return null;
      }
      if (!(await encryptor.isAsyncEncryptionAvailable())) return null;
      try {
        const { result, shouldReEncrypt } = await encryptor.decryptStringAsync(data);
        if (shouldReEncrypt) await fs.writeFile(file, await encryptor.encryptStringAsync(result));
        return result;
      } catch {
        // Unreadable (another machine's keyring, a corrupted file): sign in again.
        await fs.rm(file, { force: true });
        return null;
      }
    },
    async save(sessionJson: string): Promise<void> {
      if (!(await encryptor.isAsyncEncryptionAvailable())) {
        throw new Error('The OS cannot encrypt the session on this computer.');
      }
      await fs.mkdir(dir, { recursive: true });
      await fs.writeFile(file, await encryptor.encryptStringAsync(sessionJson), { mode: 0o600 });
    },
    async clear(): Promise<void> {
      await fs.rm(file, { force: true });
    },
  };
}
