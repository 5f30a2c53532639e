/**
 * Client personal fields (name, email, phone, birth date) are encrypted at rest: a
 * storage wrapper encrypts them on their way into IndexedDB and decrypts them on the
 * way out, with AES-GCM (WebCrypto) under a key the device keeps elsewhere — in the
 * desktop app, protected by the OS keyring through Electron's safeStorage (see
 * keys.ts). Everything above the storage (queries, search, sync) sees plain documents;
 * the raw IndexedDB records hold only ciphertext.
 *
 * Why not RxDB's crypto-js encryption plugin: it derives a key per field (MD5-based
 * EVP_BytesToKey) and measured ~135 µs per field here, 14 s to read 50,000 clients;
 * AES-GCM with a raw key is a few µs.
 */
import {
  wrapRxStorageInstance,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstanceCreationParams,
} from 'rxdb';

/** Fields encrypted per collection (by the schema's title). */
export const ENCRYPTED_FIELDS: Record<string, readonly string[]> = {
  clients: ['name', 'email', 'phone', 'birthDate'],
};

/** An AES-GCM key (WebCrypto's CryptoKey, named so both the DOM and Node typings know it). */
export type FieldKey = Awaited<ReturnType<typeof globalThis.crypto.subtle.importKey>>;

/** Ciphertext is stored as this prefix and base64(iv ‖ AES-GCM ciphertext); anything else is plain (pre-encryption data). */
const PREFIX = 'enc1:';

export async function importKey(raw: Uint8Array<ArrayBuffer>): Promise<FieldKey> {
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export function newRawKey(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(32));
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The plain values of the latest ciphertexts, per key. RxDB reads every write back at once
 * — its change events pass the storage wrapper once per listener — so a first sync would
 * decrypt each client field it had just encrypted, twice. Values are in memory then
 * anyway (RxDB's document cache); the IV makes every ciphertext unique.
 */
const recent = new WeakMap<FieldKey, Map<string, string>>();
const RECENT_MAX = 20_000;

function remember(key: FieldKey, stored: string, plain: string): void {
  let values = recent.get(key);
  if (!values) recent.set(key, (values = new Map()));
  if (values.size >= RECENT_MAX) values.delete(values.keys().next().value ?? '');
  values.set(stored, plain);
}

export async function encryptValue(key: FieldKey, value: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(
    await crypto.subtle.encrypt({ name: 'AES-GCM', iv }, key, encoder.encode(value)),
  );
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  const stored = PREFIX + toBase64(out);
  remember(key, stored, value);
  return stored;
}

export async function decryptValue(key: FieldKey, stored: string): Promise<string> {
  if (!stored.startsWith(PREFIX)) return stored;
  const known = recent.get(key)?.get(stored);
  if (known !== undefined) return known;
  const bytes = fromBase64(stored.slice(PREFIX.length));
  const plain = decoder.decode(
    await crypto.subtle.decrypt({ name: 'AES-GCM', iv: bytes.subarray(0, 12) }, key, bytes.subarray(12)),
  );
  remember(key, stored, plain);
  return plain;
}

/** RxDB's replication keeps the last known server state of each document here: it is personal data too. */
const META_TITLE = 'RxReplicationProtocolMetaData';

/** The paths to encrypt in documents of `schema`: a collection's own fields, or `docData.*` in its replication state. */
function encryptedPaths(schema: RxJsonSchema<unknown>): string[] {
  const own = schema.title ? ENCRYPTED_FIELDS[schema.title] : undefined;
  if (own) return [...own];
  if (schema.title !== META_TITLE) return [];
  const replicated = Object.keys(
    ((schema.properties as Record<string, { properties?: object }>).docData?.properties ?? {}) as object,
  );
  // The replication state of clients is the one whose documents have the clients' fields.
  const fields = ENCRYPTED_FIELDS.clients ?? [];
  return fields.every((f) => replicated.includes(f)) ? fields.map((f) => `docData.${f}`) : [];
}

/**
 * RxDB's local documents: the sync outbox and the conflict log keep whole client records
 * (names, emails) in their `data`, so all of it is sealed as one value.
 */
const LOCAL_DOCUMENT_TITLE = 'RxLocalDocument';

/** A local document's `data` as stored: `{sealed}` when encrypted, anything else as written before encryption. */
export async function openLocalData(key: FieldKey, data: unknown): Promise<unknown> {
  const sealed = data && typeof data === 'object' ? (data as { sealed?: unknown }).sealed : undefined;
  return typeof sealed === 'string' ? (JSON.parse(await decryptValue(key, sealed)) as unknown) : data;
}

export async function sealLocalData(key: FieldKey, data: unknown): Promise<{ sealed: string }> {
  return { sealed: await encryptValue(key, JSON.stringify(data)) };
}

/** `storage`, with the fields of ENCRYPTED_FIELDS and the data of local documents encrypted under `key`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxDB's storage type is generic over internals
export function encryptedFieldsStorage(storage: RxStorage<any, any>, key: FieldKey): RxStorage<any, any> {
  return {
    ...storage,
    async createStorageInstance<T>(params: RxStorageInstanceCreationParams<T, unknown>) {
      if ((params.schema as RxJsonSchema<unknown>).title === LOCAL_DOCUMENT_TITLE) {
        const local = await storage.createStorageInstance(params);
        return wrapRxStorageInstance(
          params.schema,
          local,
          (async (doc: { data?: unknown }) => ({
            ...doc,
            data: await sealLocalData(key, doc.data),
          })) as never,
          (async (doc: { data?: unknown }) => ({
            ...doc,
            data: await openLocalData(key, doc.data),
          })) as never,
        );
      }
      const paths = encryptedPaths(params.schema as RxJsonSchema<unknown>);
      if (paths.length === 0) return storage.createStorageInstance(params);
      const instance = await storage.createStorageInstance({
        ...params,
        schema: storedSchema(params.schema, paths),
      });
      const transform =
        (change: (value: string) => Promise<string>) => async (doc: Record<string, unknown>) => {
          const out = { ...doc };
          for (const path of paths) {
            const [head = '', inner] = path.split('.');
            if (inner === undefined) {
              if (typeof out[head] === 'string') out[head] = await change(out[head]);
              continue;
            }
            const nested = out[head];
            if (
              nested &&
              typeof nested === 'object' &&
              typeof (nested as Record<string, unknown>)[inner] === 'string'
            ) {
              const copy = { ...(nested as Record<string, unknown>) };
              copy[inner] = await change(copy[inner] as string);
              out[head] = copy;
            }
          }
          return out;
        };
      return wrapRxStorageInstance(
        params.schema,
        instance,
        transform((v) => encryptValue(key, v)) as never,
        transform((v) => decryptValue(key, v)) as never,
      );
    },
  };
}

/** What the inner storage holds: encrypted fields are opaque strings, and never indexed. */
function storedSchema<T>(schema: RxJsonSchema<T>, paths: readonly string[]): RxJsonSchema<T> {
  const properties = structuredClone(schema.properties) as Record<
    string,
    { properties?: Record<string, unknown> }
  >;
  for (const path of paths) {
    const [head = '', inner] = path.split('.');
    if (inner === undefined) properties[head] = { type: 'string' } as never;
    else if (properties[head]?.properties) properties[head].properties[inner] = { type: 'string' };
  }
  const top = paths.filter((p) => !p.includes('.'));
  const indexes = (schema.indexes ?? []).filter((index) => {
    const parts = Array.isArray(index) ? index : [index];
    return !parts.some((p) => top.includes(p));
  });
  return { ...schema, properties, indexes } as RxJsonSchema<T>;
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
