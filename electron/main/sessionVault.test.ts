import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSessionVault, type Encryptor } from './sessionVault';

/** A reversible stand-in for safeStorage: enough to show the vault never writes plain text. */
function xorEncryptor(available = true): Encryptor {
  const flip = (b: Buffer) => Buffer.from(b.map((x) => x ^ 0x5a));
  return {
    isAsyncEncryptionAvailable: async () => available,
    encryptStringAsync: async (text) => flip(Buffer.from(text, 'utf8')),
    decryptStringAsync: async (data) => ({ result: flip(data).toString('utf8'), shouldReEncrypt: false }),
  };
}

describe('session vault', () => {
  it('keeps the session encrypted on disk and gives it back', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-'));
    const vault = createSessionVault(dir, xorEncryptor());
    expect(await vault.load()).toBeNull();
    await vault.save('{"token":"secret-token"}');
    expect(fs.readFileSync(path.join(dir, 'session.bin')).toString('utf8')).not.toContain('secret-token');
    expect(await vault.load()).toBe('{"token":"secret-token"}');
    await vault.clear();
    expect(await vault.load()).toBeNull();
  });

  it('refuses to store when the OS cannot encrypt, and drops an unreadable file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vault-'));
    await expect(createSessionVault(dir, xorEncryptor(false)).save('x')).rejects.toThrow();
    fs.writeFileSync(path.join(dir, 'session.bin'), 'garbage');
    const broken: Encryptor = {
      ...xorEncryptor(),
      decryptStringAsync: async () => Promise.reject(new Error('bad')),
    };
    expect(await createSessionVault(dir, broken).load()).toBeNull();
    expect(fs.existsSync(path.join(dir, 'session.bin'))).toBe(false);
  });
});
