import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSecretStore, protectionFor, WrongPassphrase, type Encryptor } from './secretStore';

/**
 * A stand-in for safeStorage that really transforms the bytes but, like `basic_text`, with
 * a key everybody has: whoever copies the file reads it.
 */
const builtInKey: Encryptor = {
  isAsyncEncryptionAvailable: async () => true,
  encryptStringAsync: async (text) => Buffer.from(Buffer.from(text).map((b) => b ^ 0x5a)),
  decryptStringAsync: async (data) => ({
    result: Buffer.from(data.map((b) => b ^ 0x5a)).toString(),
    shouldReEncrypt: false,
  }),
};

const SESSION = JSON.stringify({ token: 'tok-secret-30-days', serverUrl: 'https://cohort.example.org' });
// Few PBKDF2 iterations in the tests; the app uses 600,000.
const ITERATIONS = 1000;

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-secrets-'));
const passphraseStore = (dir: string) =>
  createSecretStore(dir, builtInKey, { protection: 'passphrase', iterations: ITERATIONS });

/** Every byte under `dir`, decoded as safeStorage's built-in key would: what a copy of the folder gives away. */
function readableWithBuiltInKey(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true })) {
      const file = path.join(d, entry.name);
      if (entry.isDirectory()) walk(file);
      else {
        const bytes = fs.readFileSync(file);
        out.push(bytes.toString(), Buffer.from(bytes.map((b) => b ^ 0x5a)).toString());
      }
    }
  };
  walk(dir);
  return out.join('\n');
}

describe('which protection', () => {
  it('a passphrase where Linux has no keyring (basic_text) or encryption is unavailable', () => {
    expect(protectionFor('basic_text', true)).toBe('passphrase');
    expect(protectionFor('unknown', true)).toBe('passphrase');
    expect(protectionFor('gnome_libsecret', false)).toBe('passphrase');
    expect(protectionFor('gnome_libsecret', true)).toBe('keyring');
    expect(protectionFor('os', true)).toBe('keyring');
  });
});

describe('secrets with an OS keyring', () => {
  it('keeps the session and one key per database with safeStorage, and forgets them', async () => {
    const dir = folder();
    const store = createSecretStore(dir, builtInKey, { protection: 'keyring' });
    expect(await store.state()).toEqual({ mode: 'keyring' });
    await store.save('session', SESSION);
    expect(await store.load('session')).toBe(SESSION);
    const { key } = await store.keyFor('cohort-abc-admin');
    expect(Buffer.from(key, 'base64')).toHaveLength(32);
    expect(
      (await createSecretStore(dir, builtInKey, { protection: 'keyring' }).keyFor('cohort-abc-admin')).key,
    ).toBe(key);
    expect((await store.keyFor('cohort-abc-viewer')).key).not.toBe(key);
    await store.forget('cohort-abc-admin');
    expect((await store.keyFor('cohort-abc-admin')).key).not.toBe(key);
    await store.clear('session');
    expect(await store.load('session')).toBeNull();
    await expect(store.keyFor('../../etc/passwd')).rejects.toThrow('Not a database name');
  });

  it('never replaces a key it cannot read (that would lose the data)', async () => {
    const dir = folder();
    await createSecretStore(dir, builtInKey, { protection: 'keyring' }).keyFor('cohort-abc-admin');
    const broken = {
      ...builtInKey,
      decryptStringAsync: async () => Promise.reject(new Error('keyring locked')),
    };
    await expect(
      createSecretStore(dir, broken, { protection: 'keyring' }).keyFor('cohort-abc-admin'),
    ).rejects.toThrow('keyring locked');
  });
});

describe('secrets without a keyring (basic_text): behind a passphrase', () => {
  it('stores nothing before a passphrase is chosen', async () => {
    const dir = folder();
    const store = passphraseStore(dir);
    expect(await store.state()).toEqual({ mode: 'passphrase', state: 'unset', legacy: false });
    await expect(store.save('session', SESSION)).rejects.toThrow('locked');
    await expect(store.save('revocations', '[]')).rejects.toThrow('locked');
    await expect(store.keyFor('cohort-abc-admin')).rejects.toThrow('locked');
    expect(fs.readdirSync(dir)).toEqual([]);
    await expect(store.setPassphrase('too short')).rejects.toThrow('at least 10');
  });

  it('seals the session and the keys under the passphrase: a copy of the folder gives nothing away', async () => {
    const dir = folder();
    const store = passphraseStore(dir);
    await store.setPassphrase('correct horse battery');
    await store.save('session', SESSION);
    await store.save('revocations', JSON.stringify([{ token: 'tok-to-revoke-later' }]));
    const { key } = await store.keyFor('cohort-abc-admin');
    const copy = readableWithBuiltInKey(dir);
    expect(copy).not.toContain('tok-secret-30-days');
    expect(copy).not.toContain('tok-to-revoke-later');
    expect(copy).not.toContain(key);

    // The next start: locked until the passphrase is given.
    const restarted = passphraseStore(dir);
    expect(await restarted.state()).toMatchObject({ state: 'locked' });
    await expect(restarted.load('session')).rejects.toThrow('locked');
    await expect(restarted.unlock('wrong horse battery')).rejects.toBeInstanceOf(WrongPassphrase);
    await restarted.unlock('correct horse battery');
    expect(await restarted.state()).toMatchObject({ state: 'unlocked' });
    expect(await restarted.load('session')).toBe(SESSION);
    expect(await restarted.keyFor('cohort-abc-admin')).toEqual({ key });
  });

  it('changing the passphrase gives each database a new key: an old key file and passphrase open nothing new', async () => {
    const dir = folder();
    const store = passphraseStore(dir);
    await store.setPassphrase('correct horse battery');
    await store.save('session', SESSION);
    const before = await store.keyFor('cohort-abc-admin');
    const stolen = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-stolen-'));
    fs.cpSync(dir, stolen, { recursive: true });

    await expect(
      store.changePassphrase('wrong horse battery', 'staple battery horse'),
    ).rejects.toBeInstanceOf(WrongPassphrase);
    await store.changePassphrase('correct horse battery', 'staple battery horse');
    const after = await store.keyFor('cohort-abc-admin');
    // The pages are re-sealed with the new key on the next open; until then the old one is named.
    expect(after.key).not.toBe(before.key);
    expect(after.older).toEqual([before.key]);
    await store.keyRotated('cohort-abc-admin');
    expect(await store.keyFor('cohort-abc-admin')).toEqual({ key: after.key });

    // What the copy taken before the change opens: the old key, which seals nothing any more.
    const fromCopy = passphraseStore(stolen);
    await fromCopy.unlock('correct horse battery');
    expect((await fromCopy.keyFor('cohort-abc-admin')).key).toBe(before.key);
    // And the folder as it is now: the old passphrase opens nothing, the new one everything.
    const restarted = passphraseStore(dir);
    await expect(restarted.unlock('correct horse battery')).rejects.toBeInstanceOf(WrongPassphrase);
    await restarted.unlock('staple battery horse');
    expect(await restarted.load('session')).toBe(SESSION);
    expect(readableWithBuiltInKey(dir)).not.toContain(before.key);
    expect(fs.readdirSync(dir).filter((f) => f.includes('.g1.'))).toEqual([]);
  });

  it('a change of passphrase cut short leaves the old passphrase opening everything as it was', async () => {
    const dir = folder();
    const store = passphraseStore(dir);
    await store.setPassphrase('correct horse battery');
    await store.save('session', SESSION);
    const { key } = await store.keyFor('cohort-abc-admin');
    // The new generation's files were written, the vault not yet (a crash between the two).
    fs.writeFileSync(path.join(dir, 'session.g2.sealed.json'), '{"v":1,"iv":"","data":"","tag":""}');
    const restarted = passphraseStore(dir);
    await restarted.unlock('correct horse battery');
    expect(await restarted.load('session')).toBe(SESSION);
    expect(await restarted.keyFor('cohort-abc-admin')).toEqual({ key });
    // The unfinished generation is cleared away.
    expect(fs.existsSync(path.join(dir, 'session.g2.sealed.json'))).toBe(false);
  });

  it('seals what an earlier version left under the built-in key, and marks those keys for rotation', async () => {
    const dir = folder();
    // An earlier Cohort on this laptop: the session and a database key under safeStorage's basic_text.
    const earlier = createSecretStore(dir, builtInKey, { protection: 'keyring' });
    await earlier.save('session', SESSION);
    const { key: old } = await earlier.keyFor('cohort-abc-admin');

    const store = passphraseStore(dir);
    expect(await store.state()).toEqual({ mode: 'passphrase', state: 'unset', legacy: true });
    await store.setPassphrase('correct horse battery');
    expect(await store.load('session')).toBe(SESSION);
    const keys = await store.keyFor('cohort-abc-admin');
    expect(keys.older).toEqual([old]);
    expect(keys.key).not.toBe(old);
    expect(fs.existsSync(path.join(dir, 'session.bin'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'keys', 'cohort-abc-admin.bin'))).toBe(false);
    expect(readableWithBuiltInKey(dir)).not.toContain('tok-secret-30-days');
  });

  it('forgets a database’s key and the session on sign-out', async () => {
    const dir = folder();
    const store = passphraseStore(dir);
    await store.setPassphrase('correct horse battery');
    await store.save('session', SESSION);
    const { key } = await store.keyFor('cohort-abc-admin');
    await store.forget('cohort-abc-admin');
    await store.clear('session');
    expect(await store.load('session')).toBeNull();
    expect((await store.keyFor('cohort-abc-admin')).key).not.toBe(key);
  });
});
