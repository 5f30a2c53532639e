/**
 * A page of the storage's log as IndexedDB holds it: the page as JSON, sealed with AES-GCM
 * (WebCrypto) when the database has a key. The key comes from the device's key vault
 * (keys.ts: the OS keyring through Electron's safeStorage, or a passphrase). The page's
 * collection and position are bound to the ciphertext as additional data, so a page
 * cannot be moved to another place of the log unnoticed.
 *
 * One seal per page of up to 1,000 documents, not per field: everything a document holds
 * is encrypted, group names and memberships too, for less work than sealing each client
 * field on its own.
 */

/** An AES-GCM key (WebCrypto's CryptoKey, named so both the DOM and Node typings know it). */
export type PageKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/** A page as stored: plain JSON, or sealed JSON. */
export type StoredBody = { json: string } | { iv: Uint8Array<ArrayBuffer>; sealed: ArrayBuffer };

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stored page that cannot be read as a page: damaged, or written by something else. */
export class DamagedPageError extends Error {
  override readonly name = 'DataError';
}

export async function encodePage(page: unknown, where: string, key?: PageKey): Promise<StoredBody> {
  const json = JSON.stringify(page);
  if (!key) return { json };
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(where) },
    key,
    encoder.encode(json),
  );
  return { iv, sealed };
}

/**
 * The page in `body`. A sealed page that `key` does not open fails with WebCrypto's
 * OperationError (storageErrors.ts: undecryptable); a plain page in a database with a key
 * is refused too, as is anything that is not a page (DataError: damaged).
 */
export async function decodePage(body: unknown, where: string, key?: PageKey): Promise<unknown> {
  const b = (body ?? {}) as Partial<{ json: unknown; iv: unknown; sealed: unknown }>;
  let json: string;
  if (key && b.iv instanceof Uint8Array && b.sealed instanceof ArrayBuffer) {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: b.iv as Uint8Array<ArrayBuffer>, additionalData: encoder.encode(where) },
      key,
      b.sealed,
    );
    json = decoder.decode(plain);
  } else if (!key && typeof b.json === 'string') {
    json = b.json;
  } else if (b.sealed !== undefined) {
    // Sealed, but this device has no key for it (or the value is not what a sealed page holds).
    throw Object.assign(new Error('A stored page is sealed with a key this device does not have.'), {
      name: 'OperationError',
    });
  } else {
    throw new DamagedPageError(`The stored page ${where} is not a page.`);
  }
  try {
    return JSON.parse(json) as unknown;
  } catch (error) {
    throw new DamagedPageError(`The stored page ${where} is not readable JSON.`, { cause: error });
  }
}
