import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeyVault } from './keyVault';
import type { Encryptor } from './sessionVault';

/** A stand-in for safeStorage that really transforms the bytes (reversible, not secret). */
const fakeSafeStorage: Encryptor = {
  isAsyncEncryptionAvailable: async () => true,
  encryptStringAsync: async (text) => Buffer.from(Buffer.from(text).map((b) => b ^ 0x5a)),
  decryptStringAsync: async (data) => ({
    result: Buffer.from(data.map((b) => b ^ 0x5a)).toString(),
    shouldReEncrypt: false,
  }),
};

describe('key vault', () => {
  it('makes a 32-byte key once per database, keeps it encrypted, and returns the same key after', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-keys-'));
    const vault = createKeyVault(dir, fakeSafeStorage);
    const key = await vault.keyFor('cohort-abc-admin');
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(await createKeyVault(dir, fakeSafeStorage).keyFor('cohort-abc-admin')).toBe(key);
    expect(await vault.keyFor('cohort-abc-viewer')).not.toBe(key);
    const stored = fs.readFileSync(path.join(dir, 'keys', 'cohort-abc-admin.bin'));
    expect(stored.toString()).not.toContain(key);
    // Signing out forgets it: the next key is a new one.
    await vault.forget('cohort-abc-admin');
    expect(fs.existsSync(path.join(dir, 'keys', 'cohort-abc-admin.bin'))).toBe(false);
    expect(await vault.keyFor('cohort-abc-admin')).not.toBe(key);
  });

  it('refuses names that are not database names, and works only with OS encryption', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-keys-'));
    await expect(createKeyVault(dir, fakeSafeStorage).keyFor('../../etc/passwd')).rejects.toThrow(
      'Not a database name',
    );
    const none = { ...fakeSafeStorage, isAsyncEncryptionAvailable: async () => false };
    await expect(createKeyVault(dir, none).keyFor('cohort-abc-admin')).rejects.toThrow('cannot protect');
  });

  it('never replaces a key it cannot read (that would lose the data)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-keys-'));
    await createKeyVault(dir, fakeSafeStorage).keyFor('cohort-abc-admin');
    const broken = {
      ...fakeSafeStorage,
      decryptStringAsync: async () => Promise.reject(new Error('keyring locked')),
    };
    await expect(createKeyVault(dir, broken).keyFor('cohort-abc-admin')).rejects.toThrow('keyring locked');
  });
});
