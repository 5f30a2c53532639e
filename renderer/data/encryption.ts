/**
 * The database's key and the sealing of single values with it. The key comes from the
 * device's key vault (keys.ts: in the desktop app, protected by the OS keyring through
 * Electron's safeStorage). The storage seals its pages with it (storage/pageCodec.ts);
 * this module seals what lives outside the storage: the note a rebuild keeps in
 * localStorage (recovery.ts). AES-GCM (WebCrypto), a fresh IV each time.
 *
 * Why not RxDB's crypto-js encryption plugin: it derives a key per field (MD5-based
 * EVP_BytesToKey) and measured ~135 µs per field here, 14 s to read 50,000 clients.
 */
import type { PageKey } from './engine/storage/pageCodec';

/** A database's AES-GCM key (WebCrypto's CryptoKey): it seals the storage's pages and the recovery note. */
export type DatabaseKey = PageKey;

/** A sealed value is this prefix and base64(iv ‖ AES-GCM ciphertext); anything else is plain. */
const PREFIX = 'enc1:';

export async function importKey(raw: Uint8Array<ArrayBuffer>): Promise<DatabaseKey> {
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export function newRawKey(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(32));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function encryptValue(key: DatabaseKey, value: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(value)),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return PREFIX + toBase64(out);
}

export async function decryptValue(key: DatabaseKey, stored: string): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  const bytes = fromBase64(stored.slice(PREFIX.length));
  return decoder.decode(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12) }, key, bytes.subarray(12)),
  );
}

/** A sealed value (the recovery note), or a value written before sealing, as it is. */
export async function openLocalData(key: DatabaseKey, data: unknown): Promise<unknown> {
  const sealed = data && typeof data === 'object' ? (data as { sealed?: unknown }).sealed : undefined;
  return typeof sealed === 'string' ? (JSON.parse(await decryptValue(key, sealed)) as unknown) : data;
}

export async function sealLocalData(key: DatabaseKey, data: unknown): Promise<{ sealed: string }> {
  return { sealed: await encryptValue(key, JSON.stringify(data)) };
}

export function toBase64(bytes: Uint8Array): string {
  let text = '';
  for (const b of bytes) text += String.fromCharCode(b);
  return btoa(text);
}

export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const raw = atob(text);
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
  return bytes;
}
