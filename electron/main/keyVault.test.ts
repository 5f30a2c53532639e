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

describe('key vault with a passphrase (no OS keyring)', () => {
  it('moves the key behind the passphrase, opens only with it, and forgets both on sign-out', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-keys-'));
    // Few PBKDF2 iterations in the test; the app uses 600,000.
    const vault = createKeyVault(dir, fakeSafeStorage, { iterations: 1000 });
    const key = await vault.keyFor('cohort-abc-admin');
    await expect(vault.setPassphrase('cohort-abc-admin', 'short')).rejects.toThrow('at least 10');
    await vault.setPassphrase('cohort-abc-admin', 'correct horse battery');
    expect(fs.existsSync(path.join(dir, 'keys', 'cohort-abc-admin.bin'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'keys', 'cohort-abc-admin.pass.json'), 'utf8')).not.toContain(key);
    expect(await vault.needsPassphrase('cohort-abc-admin')).toBe(true);
    await expect(vault.keyFor('cohort-abc-admin')).rejects.toThrow('PASSPHRASE_REQUIRED');
    await expect(vault.unlock('cohort-abc-admin', 'wrong horse battery')).rejects.toThrow('does not open');
    expect(await vault.unlock('cohort-abc-admin', 'correct horse battery')).toBe(key);
    await vault.forget('cohort-abc-admin');
    expect(await vault.needsPassphrase('cohort-abc-admin')).toBe(false);
  });
});
