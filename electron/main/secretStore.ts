/**
 * The secrets this laptop keeps for Cohort: the signed-in session (with its token) and one
 * key per local database. Runs in: main.
 *
 * Two protections, chosen by what the OS offers:
 * - `keyring`: Electron's safeStorage with a real OS keyring (macOS Keychain, Windows
 *   DPAPI, the Secret Service or KWallet on Linux) seals each secret.
 * - `passphrase`: on Linux without a keyring safeStorage falls back to `basic_text`, a key
 *   built into Electron: it only obfuscates. There, nothing is stored until the user has
 *   chosen a passphrase, and every secret — the session too — is sealed with AES-256-GCM
 *   under a key derived from it (PBKDF2-SHA256, 600,000 iterations). The key lives in
 *   main's memory from unlock until the app quits; the renderer never sees it.
 *
 * Changing the passphrase gives every database a new key: its file names the keys its
 * pages may still be sealed with (`older`), the renderer re-seals the pages on the next
 * open (storage/reseal.ts) and then says so (`keyRotated`), and the old keys are dropped.
 * A copy of an old key file, opened with the old passphrase, then opens nothing.
 */
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { DATABASE_NAME, PASSPHRASE_MIN_LENGTH, type VaultState } from '../ipc-contract';

const pbkdf2 = promisify(crypto.pbkdf2);
export const PBKDF2_ITERATIONS = 600_000;

/** Electron's safeStorage, as far as it is used here. */
export type Encryptor = {
  isAsyncEncryptionAvailable(): Promise<boolean>;
  encryptStringAsync(text: string): Promise<Buffer>;
  decryptStringAsync(data: Buffer): Promise<{ result: string; shouldReEncrypt: boolean }>;
};

export type Protection = 'keyring' | 'passphrase';

/**
 * The secrets besides the database keys: the signed-in session, and the tokens of
 * sign-outs that could not reach their server (revoked at the next connection).
 */
export type SecretName = 'session' | 'revocations';
const SECRET_NAMES: SecretName[] = ['session', 'revocations'];

/** A database's key (base64), and the keys some of its pages may still be sealed with. */
export type DatabaseKeys = { key: string; older?: string[] };

/** The passphrase is not the one that seals this laptop's secrets. */
export class WrongPassphrase extends Error {
  constructor() {
    super('That passphrase does not open this laptop’s data.');
  }
}

/** A secret was asked for while the passphrase has not been given (or chosen) yet. */
export class VaultLocked extends Error {
  constructor() {
    super('This laptop’s data is locked: give the passphrase first.');
  }
}

/** Which protection the OS allows: a real keyring, or a passphrase where there is none. */
export function protectionFor(backend: string, encryptionAvailable: boolean): Protection {
  return encryptionAvailable && backend !== 'basic_text' && backend !== 'unknown' ? 'keyring' : 'passphrase';
}

type Sealed = { v: 1; iv: string; data: string; tag: string };
/**
 * The passphrase's salt and a value sealed with its key (to tell a wrong passphrase), and
 * the generation of the sealed files it opens: a change of passphrase writes a new
 * generation, then the vault (one atomic rename), then deletes the old one, so a crash
 * anywhere leaves one whole generation that the vault on disk opens.
 */
type VaultFile = { v: 1; iterations: number; salt: string; check: Sealed; generation: number };
const CHECK = 'cohort-vault';

function seal(key: Buffer, text: string, purpose: string): Sealed {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
  // The purpose is bound to the ciphertext: a key file cannot pass for the session, or another database's key.
  cipher.setAAD(Buffer.from(purpose));
  const data = Buffer.concat([cipher.update(text, 'utf8'), cipher.final()]);
  return {
    v: 1,
    iv: iv.toString('base64'),
    data: data.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

function open(key: Buffer, sealed: Sealed, purpose: string): string {
  const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
  decipher.setAAD(Buffer.from(purpose));
  decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}

const derive = (passphrase: string, salt: Buffer, iterations: number) =>
  pbkdf2(passphrase.normalize('NFC'), salt, iterations, 32, 'sha256');

const newDatabaseKey = () => crypto.randomBytes(32).toString('base64');

const checkName = (name: string) => {
  if (!DATABASE_NAME.test(name)) throw new Error('Not a database name');
};

async function readText(file: string): Promise<string | null> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

/** Writes `file` whole or not at all: a crash leaves the old file or the new one, never half of either. */
async function writeAtomically(file: string, content: string | Buffer): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temporary, content, { mode: 0o600 });
  await fs.rename(temporary, file);
}

export function createSecretStore(
  dir: string,
  encryptor: Encryptor,
  options: { protection: Protection; iterations?: number },
) {
  const keysDir = path.join(dir, 'keys');
  const files = {
    vault: path.join(dir, 'vault.json'),
    sealed: (name: SecretName, generation: number) => path.join(dir, `${name}.g${generation}.sealed.json`),
    sealedKey: (name: string, generation: number) => path.join(keysDir, `${name}.g${generation}.sealed.json`),
    // Kept by safeStorage: in keyring mode, and by earlier versions on laptops without one.
    kept: (name: SecretName) => path.join(dir, `${name}.bin`),
    key: (name: string) => path.join(keysDir, `${name}.bin`),
    // An earlier version's passphrase per database (wrapped key).
    passKey: (name: string) => path.join(keysDir, `${name}.pass.json`),
  };
  const iterations = options.iterations ?? PBKDF2_ITERATIONS;
  /** The passphrase's key and the generation it seals, from unlock (or the choice of a passphrase) until the app quits. */
  let unlocked: { key: Buffer; generation: number } | null = null;

  const keyring = options.protection === 'keyring';

  async function readVault(): Promise<VaultFile | null> {
    const text = await readText(files.vault);
    return text === null ? null : (JSON.parse(text) as VaultFile);
  }

  async function keyFromPassphrase(vault: VaultFile, passphrase: string): Promise<Buffer> {
    const key = await derive(passphrase, Buffer.from(vault.salt, 'base64'), vault.iterations);
    try {
      if (open(key, vault.check, 'vault') !== CHECK) throw new Error('check');
    } catch {
      throw new WrongPassphrase();
    }
    return key;
  }

  async function newVault(
    passphrase: string,
    generation: number,
  ): Promise<{ vault: VaultFile; key: Buffer }> {
    if (passphrase.length < PASSPHRASE_MIN_LENGTH) {
      throw new Error(`A passphrase has at least ${PASSPHRASE_MIN_LENGTH} characters.`);
    }
    const salt = crypto.randomBytes(16);
    const key = await derive(passphrase, salt, iterations);
    const check = seal(key, CHECK, 'vault');
    return { vault: { v: 1, iterations, salt: salt.toString('base64'), check, generation }, key };
  }

  type Sealer = { key: Buffer; generation: number };
  const current = (): Sealer => {
    if (!unlocked) throw new VaultLocked();
    return unlocked;
  };

  async function readSealedKey(at: Sealer, name: string): Promise<DatabaseKeys | null> {
    const text = await readText(files.sealedKey(name, at.generation));
    if (text === null) return null;
    return JSON.parse(open(at.key, JSON.parse(text) as Sealed, `key:${name}`)) as DatabaseKeys;
  }

  const writeSealedKey = (at: Sealer, name: string, keys: DatabaseKeys) =>
    writeAtomically(
      files.sealedKey(name, at.generation),
      JSON.stringify(seal(at.key, JSON.stringify(keys), `key:${name}`)),
    );

  async function readSealed(at: Sealer, name: SecretName): Promise<string | null> {
    const text = await readText(files.sealed(name, at.generation));
    return text === null ? null : open(at.key, JSON.parse(text) as Sealed, name);
  }

  const writeSealed = (at: Sealer, name: SecretName, text: string) =>
    writeAtomically(files.sealed(name, at.generation), JSON.stringify(seal(at.key, text, name)));

  /** The database names with a key file ending in `suffix`. */
  async function namesWith(suffix: string): Promise<string[]> {
    const entries = await fs.readdir(keysDir).catch(() => [] as string[]);
    return entries
      .filter((f) => f.endsWith(suffix))
      .map((f) => f.slice(0, -suffix.length))
      .filter((n) => DATABASE_NAME.test(n));
  }

  /** Deletes sealed files of every generation but `keep` (left by a change of passphrase cut short). */
  async function dropOtherGenerations(keep: number): Promise<void> {
    const ofOthers = (f: string) => {
      const match = /\.g(\d+)\.sealed\.json$/.exec(f);
      return match !== null && Number(match[1]) !== keep;
    };
    for (const f of (await fs.readdir(dir).catch(() => [] as string[])).filter(ofOthers)) {
      await fs.rm(path.join(dir, f), { force: true });
    }
    for (const f of (await fs.readdir(keysDir).catch(() => [] as string[])).filter(ofOthers)) {
      await fs.rm(path.join(keysDir, f), { force: true });
    }
  }

  async function hasLegacy(): Promise<boolean> {
    if ((await readText(files.kept('session'))) !== null) return true;
    return (await namesWith('.bin')).length > 0 || (await namesWith('.pass.json')).length > 0;
  }

  /**
   * Seals what an earlier version left under safeStorage's built-in key (or under a
   * database passphrase of its own) with the new passphrase, each database key marked
   * for rotation, and deletes the old files.
   */
  async function sealLegacy(at: Sealer, passphrase: string): Promise<void> {
    for (const name of SECRET_NAMES) {
      const kept = await fs.readFile(files.kept(name)).catch(() => null);
      if (!kept) continue;
      const text = (await encryptor.decryptStringAsync(kept).catch(() => null))?.result;
      if (text) await writeSealed(at, name, text);
      await fs.rm(files.kept(name), { force: true });
    }
    for (const name of await namesWith('.bin')) {
      const old = await encryptor.decryptStringAsync(await fs.readFile(files.key(name))).catch(() => null);
      if (old) await writeSealedKey(at, name, { key: newDatabaseKey(), older: [old.result] });
      await fs.rm(files.key(name), { force: true });
    }
    for (const name of await namesWith('.pass.json')) {
      const wrapped = JSON.parse(await fs.readFile(files.passKey(name), 'utf8')) as Sealed & {
        salt: string;
        iterations: number;
      };
      const old = await unwrapLegacyKey(wrapped, passphrase).catch(() => null);
      // A database behind another passphrase stays unreadable: it is rebuilt from the server when opened.
      if (old) {
        await writeSealedKey(at, name, { key: newDatabaseKey(), older: [old] });
        await fs.rm(files.passKey(name), { force: true });
      }
    }
  }

  return {
    protection: options.protection,

    async state(): Promise<VaultState> {
      if (keyring) return { mode: 'keyring' };
      if (unlocked) return { mode: 'passphrase', state: 'unlocked', legacy: false };
      if (await readVault()) return { mode: 'passphrase', state: 'locked', legacy: false };
      return { mode: 'passphrase', state: 'unset', legacy: await hasLegacy() };
    },

    /** Chooses the passphrase of a laptop that has none yet; unlocks with it. */
    async setPassphrase(passphrase: string): Promise<void> {
      if (keyring) throw new Error('This laptop’s OS keyring protects its data: no passphrase is needed.');
      if (await readVault()) throw new Error('A passphrase is set already: change it instead.');
      const { vault, key } = await newVault(passphrase, 1);
      const at = { key, generation: vault.generation };
      await sealLegacy(at, passphrase);
      await writeAtomically(files.vault, JSON.stringify(vault));
      unlocked = at;
    },

    /** Opens the secrets with `passphrase`; throws WrongPassphrase for another one. */
    async unlock(passphrase: string): Promise<void> {
      const vault = await readVault();
      if (!vault) throw new Error('No passphrase is set on this laptop.');
      unlocked = { key: await keyFromPassphrase(vault, passphrase), generation: vault.generation };
      await dropOtherGenerations(vault.generation);
    },

    /**
     * Replaces the passphrase: the session is sealed again and every database gets a new
     * key (its pages are re-sealed when it next opens), so nothing the old passphrase
     * opened opens anything now.
     */
    async changePassphrase(current: string, next: string): Promise<void> {
      const vault = await readVault();
      if (!vault) throw new Error('No passphrase is set on this laptop.');
      const old = { key: await keyFromPassphrase(vault, current), generation: vault.generation };
      const made = await newVault(next, vault.generation + 1);
      const at = { key: made.key, generation: made.vault.generation };
      // The new generation first, the vault last (see VaultFile), the old generation after.
      for (const name of SECRET_NAMES) {
        const text = await readSealed(old, name);
        if (text !== null) await writeSealed(at, name, text);
      }
      for (const name of await namesWith(`.g${old.generation}.sealed.json`)) {
        const held = await readSealedKey(old, name);
        if (held)
          await writeSealedKey(at, name, { key: newDatabaseKey(), older: [held.key, ...(held.older ?? [])] });
      }
      await writeAtomically(files.vault, JSON.stringify(made.vault));
      unlocked = at;
      await dropOtherGenerations(at.generation);
    },

    /** A secret as stored (null when there is none). */
    async load(name: SecretName): Promise<string | null> {
      if (!keyring) return readSealed(current(), name);
      const file = files.kept(name);
      const data = await fs.readFile(file).catch(() => null);
      if (!data || !(await encryptor.isAsyncEncryptionAvailable())) return null;
      try {
        const { result, shouldReEncrypt } = await encryptor.decryptStringAsync(data);
        if (shouldReEncrypt) await writeAtomically(file, await encryptor.encryptStringAsync(result));
        return result;
      } catch {
        // Unreadable (another machine's keyring, a corrupted file): as if there were none.
        await fs.rm(file, { force: true });
        return null;
      }
    },

    async save(name: SecretName, text: string): Promise<void> {
      if (!keyring) {
        await writeSealed(current(), name, text);
        return;
      }
      if (!(await encryptor.isAsyncEncryptionAvailable())) {
        throw new Error('The OS cannot encrypt secrets on this computer.');
      }
      await writeAtomically(files.kept(name), await encryptor.encryptStringAsync(text));
    },

    async clear(name: SecretName): Promise<void> {
      await fs.rm(files.kept(name), { force: true });
      if (unlocked) await fs.rm(files.sealed(name, unlocked.generation), { force: true });
    },

    /** The key of database `name` (made the first time), with the keys it replaces while those may still seal pages. */
    async keyFor(name: string): Promise<DatabaseKeys> {
      checkName(name);
      if (!keyring) {
        const at = current();
        const held = await readSealedKey(at, name);
        if (held) return held;
        const made = { key: newDatabaseKey() };
        await writeSealedKey(at, name, made);
        return made;
      }
      if (!(await encryptor.isAsyncEncryptionAvailable())) {
        throw new Error('The OS cannot protect the local database key on this computer.');
      }
      const file = files.key(name);
      try {
        const { result, shouldReEncrypt } = await encryptor.decryptStringAsync(await fs.readFile(file));
        if (shouldReEncrypt) await writeAtomically(file, await encryptor.encryptStringAsync(result));
        return { key: result };
      } catch (error) {
        // No key yet: make one. (A key that exists but cannot be read is not replaced:
        // that would make the data unreadable for good.)
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
      const key = newDatabaseKey();
      await fs.mkdir(keysDir, { recursive: true, mode: 0o700 });
      await fs.writeFile(file, await encryptor.encryptStringAsync(key), { mode: 0o600, flag: 'wx' });
      return { key };
    },

    /** Every page of `name` is sealed with its current key now: the older keys are dropped. */
    async keyRotated(name: string): Promise<void> {
      checkName(name);
      if (keyring) return;
      const at = current();
      const held = await readSealedKey(at, name);
      if (held?.older) await writeSealedKey(at, name, { key: held.key });
    },

    async forget(name: string): Promise<void> {
      checkName(name);
      const sealed = unlocked ? [files.sealedKey(name, unlocked.generation)] : [];
      for (const file of [files.key(name), files.passKey(name), ...sealed]) {
        await fs.rm(file, { force: true });
      }
    },
  };
}

export type SecretStore = ReturnType<typeof createSecretStore>;

/** An earlier version's database key behind a passphrase of its own (passphrase.ts before 2026-12). */
async function unwrapLegacyKey(
  wrapped: { salt: string; iterations: number; iv: string; data: string; tag: string },
  passphrase: string,
): Promise<string> {
  const kek = await derive(passphrase, Buffer.from(wrapped.salt, 'base64'), wrapped.iterations);
  const decipher = crypto.createDecipheriv('aes-256-gcm', kek, Buffer.from(wrapped.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(wrapped.data, 'base64')), decipher.final()]).toString(
    'utf8',
  );
}
