/**
 * Where the storage keeps a database on disk: one IndexedDB database with a log of pages
 * per collection. Every write of a collection appends one page holding the documents it
 * wrote; opening reads the log from its last snapshot on, later pages winning. A snapshot
 * (compaction) rewrites a collection's live documents as fresh pages and moves the
 * collection's start past everything before them in the same transaction as its last
 * page, so a crash during it leaves the log as it was, plus pages that repeat the
 * current state.
 *
 * Why pages, not a row per document as RxDB's Dexie storage keeps them: IndexedDB's cost
 * is per record and per index entry. A first sync of 610,000 documents wrote 1.2 million
 * records with four to six index entries each; as pages it writes about 3,000 records
 * (a page is stored in parts of at most 56 KiB: pageCodec.ts) without indexes, and the
 * indexes live in memory (sortedIndex.ts).
 *
 * IndexedDB's own API, with a transaction per call: Dexie's transaction zones once left a
 * collection's read waiting for ever while another collection's compaction ran.
 */
import type { DexieOptions } from 'dexie';
import type { IndexedDbFactory } from '../localDatabases';
import {
  decodePage,
  encodePart,
  openPart,
  pageParts,
  type Page,
  type PageKey,
  type StoredBody,
} from './pageCodec';

export type { Page } from './pageCodec';

/** The parts of IndexedDB used here, typed structurally so Node code needs no DOM typings. */
type Handler = ((this: never, event: never) => unknown) | null;
type Request<T> = {
  readonly result: T;
  readonly error: unknown;
  onsuccess: Handler;
  onerror: Handler;
};
type Store = {
  put(value: unknown): Request<unknown>;
  openCursor(range: unknown, direction: 'prev'): Request<{ key: unknown } | null>;
  get(key: unknown): Request<unknown>;
  getAll(range: unknown, count?: number): Request<unknown[]>;
  delete(range: unknown): Request<unknown>;
};
type Transaction = {
  objectStore(name: string): Store;
  readonly error: unknown;
  oncomplete: Handler;
  onerror: Handler;
  onabort: Handler;
};
type Database = {
  transaction(
    stores: string[],
    mode: 'readonly' | 'readwrite',
    options?: { durability: 'strict' },
  ): Transaction;
  createObjectStore(name: string, options: { keyPath: string | string[] }): unknown;
  close(): void;
  onversionchange: Handler;
};
type OpenRequest = Request<Database> & { onupgradeneeded: Handler; onblocked: Handler };
type KeyRanges = {
  bound(lower: unknown, upper: unknown, lowerOpen?: boolean, upperOpen?: boolean): unknown;
  lowerBound(lower: unknown, open?: boolean): unknown;
};

/** The IndexedDB the log runs on: the browser's, or fake-indexeddb in Node tests. */
export type IndexedDbEnvironment = {
  indexedDB: { open(name: string, version?: number): OpenRequest } & IndexedDbFactory &
    NonNullable<DexieOptions['indexedDB']>;
  IDBKeyRange: KeyRanges & NonNullable<DexieOptions['IDBKeyRange']>;
};

type PageRow = { c: string; s: number; body: StoredBody };
type HeadRow = { c: string; from: number };

/** The IndexedDB database holding local database `name`. */
export const logDatabaseName = (name: string) => `cohort-log-${name}`;

/** Records read per IndexedDB request while opening a collection. */
const READ_BATCH = 100;
/** Pages per transaction while writing a snapshot (each is sealed before its transaction starts). */
const SNAPSHOT_BATCH = 20;

const PAGES = 'pages';
const HEADS = 'heads';

function request<T>(req: Request<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Resolves when `tx` has committed; rejects with why it did not (a full disk: QuotaExceededError). */
function committed(tx: Transaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error ?? new Error('The write was aborted.'));
  });
}

export class PageLog {
  private db: Database | null = null;
  private readonly env: IndexedDbEnvironment;

  constructor(
    private readonly name: string,
    private readonly key: PageKey | undefined,
    env?: IndexedDbEnvironment,
  ) {
    this.env = env ?? (globalThis as unknown as IndexedDbEnvironment);
  }

  async open(): Promise<void> {
    // Without a version: a new database is made at version 1 (with its stores), an existing one opened as it is.
    const req = this.env.indexedDB.open(logDatabaseName(this.name));
    req.onupgradeneeded = () => {
      req.result.createObjectStore(PAGES, { keyPath: ['c', 's'] });
      req.result.createObjectStore(HEADS, { keyPath: 'c' });
    };
    const db = await request(req);
    // Deleting the database (sign-out, a rebuild) must not wait for this connection.
    db.onversionchange = () => db.close();
    this.db = db;
  }

  close(): void {
    this.db?.close();
    this.db = null;
  }

  private database(): Database {
    if (!this.db) throw new Error(`The log of ${this.name} is not open.`);
    return this.db;
  }

  private range(c: string, from: number, to: number, toOpen = false): unknown {
    return this.env.IDBKeyRange.bound([c, from], [c, to], false, toOpen);
  }

  /**
   * Reads collection `c` from its snapshot on, handing each record (a page, or a part of
   * one) to `apply` in order; resolves with the position after the last record and how
   * many records were read.
   */
  async read(c: string, apply: (page: Page, s: number) => void): Promise<{ next: number; pages: number }> {
    const head = (await request(
      this.database().transaction([HEADS], 'readonly').objectStore(HEADS).get(c),
    )) as HeadRow | undefined;
    const from = head?.from ?? 0;
    let next = from;
    let pages = 0;
    for (;;) {
      const store = this.database().transaction([PAGES], 'readonly').objectStore(PAGES);
      const rows = (await request(store.getAll(this.range(c, next, Infinity), READ_BATCH))) as PageRow[];
      // Decrypted side by side (WebCrypto works off the main thread), applied in order.
      const decoded = await Promise.all(rows.map((row) => decodePage(row.body, where(c, row.s), this.key)));
      rows.forEach((row, i) => {
        apply(decoded[i] as Page, row.s);
        next = row.s + 1;
        pages += 1;
      });
      if (rows.length < READ_BATCH) break;
    }
    if (from > 0) void this.dropBefore(c, from).catch(() => undefined);
    return { next, pages };
  }

  /** `page` as the records that hold it, from position `s` on. */
  private async records(c: string, s: number, page: Page): Promise<PageRow[]> {
    return Promise.all(
      pageParts(page).map(async (json, i) => ({
        c,
        s: s + i,
        body: await encodePart(json, where(c, s + i), this.key),
      })),
    );
  }

  /**
   * Appends `page` to collection `c` from position `s` on, in one transaction; resolves
   * once it is on disk, with how many positions it took.
   */
  async append(c: string, s: number, page: Page): Promise<number> {
    const rows = await this.records(c, s, page);
    const tx = this.database().transaction([PAGES], 'readwrite', { durability: 'strict' });
    for (const row of rows) tx.objectStore(PAGES).put(row);
    await committed(tx);
    return rows.length;
  }

  /**
   * Writes `pages` as the whole of collection `c`, from position `from` on, and makes them
   * its start once the last one is written; then deletes what came before. Resolves with
   * how many positions they took.
   */
  async snapshot(c: string, from: number, pages: Page[]): Promise<number> {
    let s = from;
    for (let i = 0; i < pages.length || i === 0; i += SNAPSHOT_BATCH) {
      const rows: PageRow[] = [];
      for (const page of pages.slice(i, i + SNAPSHOT_BATCH)) {
        const records = await this.records(c, s, page);
        rows.push(...records);
        s += records.length;
      }
      const last = i + SNAPSHOT_BATCH >= pages.length;
      const tx = this.database().transaction([PAGES, HEADS], 'readwrite', { durability: 'strict' });
      for (const row of rows) tx.objectStore(PAGES).put(row);
      if (last) tx.objectStore(HEADS).put({ c, from } satisfies HeadRow);
      await committed(tx);
    }
    // The old records are outside the collection now; left behind, they go at its next opening (read()).
    await this.dropBefore(c, from).catch(() => undefined);
    return s - from;
  }

  /** The position after collection `c`'s last record: where nothing written so far can be overwritten. */
  async end(c: string): Promise<number> {
    const store = this.database().transaction([PAGES], 'readonly').objectStore(PAGES);
    const last = await request(store.openCursor(this.range(c, -Infinity, Infinity), 'prev'));
    return last ? (last.key as [string, number])[1] + 1 : 0;
  }

  /**
   * Seals every record of every collection with this log's key, opening those still
   * sealed with one of `older` (a change of passphrase gave the database a new key:
   * secretStore.ts). One batch at a time, each record put back at its place: a re-seal
   * cut short leaves records under either key, and running it again finishes the work.
   * Resolves with how many records it sealed again.
   */
  async reseal(older: PageKey[]): Promise<number> {
    if (!this.key) throw new Error('A log without a key has nothing to seal.');
    const key = this.key;
    let after: unknown = null;
    let resealed = 0;
    for (;;) {
      const range = after === null ? null : this.env.IDBKeyRange.lowerBound(after, true);
      const store = this.database().transaction([PAGES], 'readonly').objectStore(PAGES);
      const rows = (await request(store.getAll(range, READ_BATCH))) as PageRow[];
      if (rows.length === 0) return resealed;
      const changed: PageRow[] = [];
      for (const row of rows) {
        const place = where(row.c, row.s);
        const json = await openWithAny([key], row.body, place);
        if (json !== null) continue;
        const old = await openWithAny(older, row.body, place);
        if (old === null) throw new Error(`The stored page ${place} opens with none of the keys.`);
        changed.push({ ...row, body: await encodePart(encoder.encode(old), place, key) });
      }
      if (changed.length > 0) {
        const tx = this.database().transaction([PAGES], 'readwrite', { durability: 'strict' });
        for (const row of changed) tx.objectStore(PAGES).put(row);
        await committed(tx);
        resealed += changed.length;
      }
      const last = rows[rows.length - 1] as PageRow;
      after = [last.c, last.s];
    }
  }

  /** Deletes collection `c` entirely. */
  async drop(c: string): Promise<void> {
    const tx = this.database().transaction([PAGES, HEADS], 'readwrite', { durability: 'strict' });
    tx.objectStore(PAGES).delete(this.range(c, -Infinity, Infinity));
    tx.objectStore(HEADS).delete(c);
    await committed(tx);
  }

  private async dropBefore(c: string, from: number): Promise<void> {
    const tx = this.database().transaction([PAGES], 'readwrite');
    tx.objectStore(PAGES).delete(this.range(c, -Infinity, from, true));
    await committed(tx);
  }
}

/** A page's place, bound to its ciphertext. */
const where = (c: string, s: number) => `${c}#${s}`;

const encoder = new TextEncoder();

/** The JSON of a part, opened with the first of `keys` that opens it; null when none does. */
async function openWithAny(keys: PageKey[], body: StoredBody, place: string): Promise<string | null> {
  for (const key of keys) {
    try {
      return await openPart(body, place, key);
    } catch {
      // Not this key: the next one.
    }
  }
  return null;
}
