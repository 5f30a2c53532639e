/**
 * A page of the storage's log as IndexedDB holds it: JSON, sealed with AES-GCM (WebCrypto)
 * when the database has a key. The key comes from the device's key vault (keys.ts: the OS
 * keyring through Electron's safeStorage, or a passphrase). The record's collection and
 * position are bound to the ciphertext as additional data, so a record cannot be moved to
 * another place of the log unnoticed.
 *
 * One seal per record of up to 1,000 documents, not per field: everything a document holds
 * is encrypted, group names and memberships too, for less work than sealing each client
 * field on its own.
 *
 * A write's page is stored as records ("parts") of at most 56 KiB: Chromium keeps a
 * value over 64 KiB outside its database, as a file of its own read back asynchronously,
 * and such reads are a known source of failures ("Failed to read large IndexedDB value",
 * "Data lost due to missing file"). Here, a read of such records once never returned
 * while another collection was being written (2 of 5 app starts after a first sync of
 * "network").
 */

/** An AES-GCM key (WebCrypto's CryptoKey, named so both the DOM and Node typings know it). */
export type PageKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/**
 * What one write puts in the log: documents written and ids purged; for a replicated
 * collection also its sync state: changes that now wait for the server, each with the
 * server's state it started from (null: made on this device), changes that no longer wait,
 * and the pull checkpoint reached.
 */
export type Page<D = unknown> = {
  docs: D[];
  purged?: string[];
  pending?: [string, unknown][];
  settled?: string[];
  checkpoint?: unknown;
  /** Written by Cohort until 2026-12-04 (beside RxDB's replication): read by legacy.ts only. */
  masters?: [string, unknown, string][];
};

/** A part as stored: plain JSON (Node tests), or sealed JSON. */
export type StoredBody = { json: string } | { iv: Uint8Array<ArrayBuffer>; sealed: ArrayBuffer };

/** The largest part, in bytes of JSON (the seal adds 28). */
export const PART_BYTES = 56 * 1024;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** A stored record that cannot be read as a page: damaged, or written by something else. */
export class DamagedPageError extends Error {
  override readonly name = 'DataError';
}

/**
 * `page` as the UTF-8 JSON of parts of at most PART_BYTES each (a single document larger
 * than that goes alone), documents first, then purged ids, then server states. Applying
 * the parts in order is applying the page.
 */
export function pageParts(page: Page): Uint8Array[] {
  const out: Uint8Array[] = [];
  const add = (part: Page, items: unknown[], rebuild: (slice: unknown[]) => Page) => {
    const bytes = encoder.encode(JSON.stringify(part));
    if (bytes.length <= PART_BYTES || items.length <= 1) {
      out.push(bytes);
      return;
    }
    // Cut into as many even slices as the size asks for (a tenth more, for uneven documents).
    const slices = Math.min(items.length, Math.ceil((bytes.length / PART_BYTES) * 1.1));
    const size = Math.ceil(items.length / slices);
    for (let i = 0; i < items.length; i += size) {
      const slice = items.slice(i, i + size);
      add(rebuild(slice), slice, rebuild);
    }
  };
  const { docs, purged, pending, settled, checkpoint } = page;
  const state = Boolean(purged?.length || pending?.length || settled?.length || checkpoint !== undefined);
  if (docs.length > 0 || !state) add({ docs }, docs, (d) => ({ docs: d }));
  if (purged?.length) add({ docs: [], purged }, purged, (p) => ({ docs: [], purged: p as string[] }));
  if (pending?.length) {
    add({ docs: [], pending }, pending, (m) => ({ docs: [], pending: m as [string, unknown][] }));
  }
  if (settled?.length) add({ docs: [], settled }, settled, (x) => ({ docs: [], settled: x as string[] }));
  // The checkpoint goes last: a page whose parts are all on disk is read back whole (one transaction).
  if (checkpoint !== undefined) out.push(encoder.encode(JSON.stringify({ docs: [], checkpoint })));
  return out;
}

export async function encodePart(json: Uint8Array, where: string, key?: PageKey): Promise<StoredBody> {
  if (!key) return { json: decoder.decode(json) };
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: encoder.encode(where) },
    key,
    json as Uint8Array<ArrayBuffer>,
  );
  return { iv, sealed };
}

/**
 * The JSON text of the part in `body`. A sealed part that `key` does not open fails with
 * WebCrypto's OperationError (storageErrors.ts: undecryptable); a plain part in a database
 * with a key is refused too, as is anything that is not a part (DataError: damaged).
 */
export async function openPart(body: unknown, where: string, key?: PageKey): Promise<string> {
  const b = (body ?? {}) as Partial<{ json: unknown; iv: unknown; sealed: unknown }>;
  if (key && b.iv instanceof Uint8Array && b.sealed instanceof ArrayBuffer) {
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: b.iv as Uint8Array<ArrayBuffer>, additionalData: encoder.encode(where) },
      key,
      b.sealed,
    );
    return decoder.decode(plain);
  }
  if (!key && typeof b.json === 'string') return b.json;
  if (b.sealed !== undefined) {
    // Sealed, but this device has no key for it (or the value is not what a sealed part holds).
    throw Object.assign(new Error('A stored page is sealed with a key this device does not have.'), {
      name: 'OperationError',
    });
  }
  throw new DamagedPageError(`The stored page ${where} is not a page.`);
}

/** The page in `body` (see openPart for what fails how). */
export async function decodePage(body: unknown, where: string, key?: PageKey): Promise<Page> {
  return parsePage(await openPart(body, where, key), where);
}

/** A page from its opened JSON (openPart); throws DamagedPageError for anything else. */
export function parsePage(json: string, where: string): Page {
  let page: unknown;
  try {
    page = JSON.parse(json);
  } catch (error) {
    throw new DamagedPageError(`The stored page ${where} is not readable JSON.`, { cause: error });
  }
  if (!page || typeof page !== 'object' || !Array.isArray((page as Page).docs)) {
    throw new DamagedPageError(`The stored page ${where} is not a page.`);
  }
  return page as Page;
}
