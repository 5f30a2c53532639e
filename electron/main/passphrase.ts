/**
 * A passphrase instead of the OS keyring, for Linux laptops whose safeStorage falls back
 * to `basic_text` (no keyring): the database key is wrapped with AES-256-GCM under a key
 * derived from the passphrase (PBKDF2-SHA256, 600,000 iterations, the OWASP figure), and
 * the passphrase is asked at each start. Runs in: main.
 */
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const pbkdf2 = promisify(crypto.pbkdf2);
export const PBKDF2_ITERATIONS = 600_000;
export const PASSPHRASE_MIN_LENGTH = 10;

export type WrappedKey = { v: 1; iterations: number; salt: string; iv: string; data: string; tag: string };

export class WrongPassphrase extends Error {
  constructor() {
    super('That passphrase does not open this laptop’s data.');
  }
}

async function derive(passphrase: string, salt: Buffer, iterations: number): Promise<Buffer> {
  return pbkdf2(passphrase.normalize('NFC'), salt, iterations, 32, 'sha256');
}

export async function wrapKey(
  key: string,
  passphrase: string,
  iterations = PBKDF2_ITERATIONS,
): Promise<WrappedKey> {
  if (passphrase.length < PASSPHRASE_MIN_LENGTH) {
    throw new Error(`A passphrase has at least ${PASSPHRASE_MIN_LENGTH} characters.`);
  }
  const salt = crypto.randomBytes(16);
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv('aes-256-gcm', await derive(passphrase, salt, iterations), iv);
  const data = Buffer.concat([cipher.update(key, 'utf8'), cipher.final()]);
  return {
    v: 1,
    iterations,
    salt: salt.toString('base64'),
    iv: iv.toString('base64'),
    data: data.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
  };
}

export async function unwrapKey(wrapped: WrappedKey, passphrase: string): Promise<string> {
  const kek = await derive(passphrase, Buffer.from(wrapped.salt, 'base64'), wrapped.iterations);
  const decipher = crypto.createDecipheriv('aes-256-gcm', kek, Buffer.from(wrapped.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(wrapped.tag, 'base64'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(wrapped.data, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  } catch {
    throw new WrongPassphrase();
  }
}
