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
 * Through Dexie, kept clear of the two ways its transaction zones bite
 * (dexieZones.test.ts shows both):
 * - a transaction's body holds Dexie operations only: pages are sealed (WebCrypto, which
 *   Dexie does not know) before the transaction starts, or it would commit early;
 * - no other code runs inside the log's transactions, and the log's Dexie instance is its
 *   own, so no caller's code — a collection's load set off while another collection's
 *   compaction runs — can start inside one of its transaction zones and join it.
 */
import { Dexie, type DexieOptions, type Table } from 'dexie';
import {
  encodePart,
  openPart,
  parsePage,
  pageParts,
  type Page,
  type PageKey,
  type StoredBody,
} from './pageCodec';

export type { Page } from './pageCodec';

/** The part of IndexedDB (window.indexedDB, or fake-indexeddb) a database's files are listed and deleted with (renderer/data/localDatabases.ts). */
export interface IndexedDbFactory {
  databases(): Promise<{ name?: string }[]>;
  deleteDatabase(name: string): {
    error: unknown;
    onsuccess: ((this: never, event: never) => unknown) | null;
    onerror: ((this: never, event: never) => unknown) | null;
    onblocked: ((this: never, event: never) => unknown) | null;
  };
}

/** The IndexedDB the log runs on: the browser's, or fake-indexeddb in Node tests. */
export type IndexedDbEnvironment = {
  indexedDB: IndexedDbFactory & NonNullable<DexieOptions['indexedDB']>;
  IDBKeyRange: NonNullable<DexieOptions['IDBKeyRange']>;
};

type PageRow = { c: string; s: number; body: StoredBody };
type HeadRow = { c: string; from: number };
/** A fact about the whole log, such as the format it is in (`format`: legacy.ts). */
type MarkRow = { name: string; value: number };

/** The IndexedDB database holding local database `name`. */
export const logDatabaseName = (name: string) => `cohort-log-${name}`;

/** Records read per IndexedDB request while opening a collection. */
const READ_BATCH = 100;
/** The longest stretch of parsing and applying pages without letting the page handle input. */
const LOAD_SLICE_MS = 8;

/** Pages per transaction while writing a snapshot (each is sealed before its transaction starts). */
const SNAPSHOT_BATCH = 20;

/** Lets the page handle what waits (input first, where the browser has scheduler.yield). */
function yieldToMain(): Promise<void> {
  const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
  if (typeof scheduler?.yield === 'function') return scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class PageLog {
  private readonly db: Dexie;
  private readonly pages: Table<PageRow, [string, number]>;
  private readonly heads: Table<HeadRow, string>;
  private readonly marks: Table<MarkRow, string>;
  private opened = false;

  constructor(
    private readonly name: string,
    private readonly key: PageKey | undefined,
    env?: IndexedDbEnvironment,
  ) {
    const environment = env ?? (globalThis as unknown as IndexedDbEnvironment);
    this.db = new Dexie(logDatabaseName(name), {
      indexedDB: environment.indexedDB,
      IDBKeyRange: environment.IDBKeyRange,
      // A write resolves once it is on disk, not only in the OS's cache.
      chromeTransactionDurability: 'strict',
      // Opened once, by open(): a call after close() fails instead of opening it again.
      autoOpen: false,
    });
    // The stores an earlier version made with IndexedDB's own API at version 1: the same.
    this.db.version(1).stores({ pages: '[c+s]', heads: 'c' });
    // Version 2 (2026-12-08) adds the marks; Dexie adds the table to a log of version 1.
    this.db.version(2).stores({ pages: '[c+s]', heads: 'c', marks: 'name' });
    this.pages = this.db.table('pages');
    this.heads = this.db.table('heads');
    this.marks = this.db.table('marks');
    // Deleting the database (sign-out, a rebuild) does not wait for this connection:
    // Dexie closes it when another asks (its own 'versionchange' handler).
  }

  async open(): Promise<void> {
    await this.db.open();
    this.opened = true;
  }

  close(): void {
    this.opened = false;
    this.db.close();
  }

  private ensureOpen(): void {
    if (!this.opened || !this.db.isOpen()) throw new Error(`The log of ${this.name} is not open.`);
  }

  private range(c: string, from: number, to: number, toOpen = false) {
    return this.pages.where('[c+s]').between([c, from], [c, to], true, !toOpen);
  }

  /**
   * Reads collection `c` from its snapshot on, handing each record (a page, or a part of
   * one) to `apply` in order; resolves with the position after the last record and how
   * many records were read.
   */
  async read(c: string, apply: (page: Page, s: number) => void): Promise<{ next: number; pages: number }> {
    this.ensureOpen();
    const from = (await this.heads.get(c))?.from ?? 0;
    let next = from;
    let pages = 0;
    for (;;) {
      const rows = await this.range(c, next, Infinity).limit(READ_BATCH).toArray();
      // Decrypted side by side (WebCrypto works off the main thread), then parsed and
      // applied in order, letting the page handle input every few milliseconds: a batch
      // of 100 pages of memberships applied at once held the main thread for half a
      // second while the overview was already being searched.
      const opened = await Promise.all(rows.map((row) => openPart(row.body, where(c, row.s), this.key)));
      let slice = performance.now();
      for (const [i, row] of rows.entries()) {
        apply(parsePage(opened[i] as string, where(c, row.s)), row.s);
        next = row.s + 1;
        pages += 1;
        if (performance.now() - slice > LOAD_SLICE_MS) {
          await yieldToMain();
          slice = performance.now();
        }
      }
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
    this.ensureOpen();
    const rows = await this.records(c, s, page);
    await this.db.transaction('rw', this.pages, () => this.pages.bulkPut(rows));
    return rows.length;
  }

  /**
   * Writes `pages` as the whole of collection `c`, from position `from` on, and makes them
   * its start once the last one is written; then deletes what came before. Resolves with
   * how many positions they took.
   */
  async snapshot(c: string, from: number, pages: Page[]): Promise<number> {
    this.ensureOpen();
    let s = from;
    for (let i = 0; i < pages.length || i === 0; i += SNAPSHOT_BATCH) {
      const rows: PageRow[] = [];
      for (const page of pages.slice(i, i + SNAPSHOT_BATCH)) {
        const records = await this.records(c, s, page);
        rows.push(...records);
        s += records.length;
      }
      const last = i + SNAPSHOT_BATCH >= pages.length;
      await this.db.transaction('rw', this.pages, this.heads, async () => {
        await this.pages.bulkPut(rows);
        if (last) await this.heads.put({ c, from });
      });
    }
    // The old records are outside the collection now; left behind, they go at its next opening (read()).
    await this.dropBefore(c, from).catch(() => undefined);
    return s - from;
  }

  /** The collections the log holds (their keys: `name--version`). */
  /** The mark `name`, 0 when the log has none. */
  async mark(name: string): Promise<number> {
    this.ensureOpen();
    return (await this.marks.get(name))?.value ?? 0;
  }

  async setMark(name: string, value: number): Promise<void> {
    this.ensureOpen();
    await this.marks.put({ name, value });
  }

  /** Whether the log holds any record of collection `c` (one request). */
  async holds(c: string): Promise<boolean> {
    this.ensureOpen();
    return (await this.range(c, -Infinity, Infinity).limit(1).primaryKeys()).length > 0;
  }

  /**
   * The collections the log holds: one request per collection, each for the first key
   * after the one before (reading every key took tens of milliseconds at each start for a
   * log of thousands of records).
   */
  async collections(): Promise<string[]> {
    this.ensureOpen();
    const out: string[] = [];
    for (;;) {
      const last = out.at(-1);
      const next = (await (
        last === undefined ? this.pages.toCollection() : this.pages.where('[c+s]').above([last, Infinity])
      )
        .limit(1)
        .primaryKeys()) as [string, number][];
      const c = next[0]?.[0];
      if (c === undefined) return out;
      out.push(c);
    }
  }

  /** The position after collection `c`'s last record: where nothing written so far can be overwritten. */
  async end(c: string): Promise<number> {
    this.ensureOpen();
    const last = await this.range(c, -Infinity, Infinity).last();
    return last ? last.s + 1 : 0;
  }

  /**
   * Seals every record of every collection with this log's key, opening those still
   * sealed with one of `older` (a change of passphrase gave the database a new key:
   * secretStore.ts). One batch at a time, each record put back at its place: a re-seal
   * cut short leaves records under either key, and running it again finishes the work.
   * Resolves with how many records it sealed again.
   */
  async reseal(older: PageKey[]): Promise<number> {
    this.ensureOpen();
    if (!this.key) throw new Error('A log without a key has nothing to seal.');
    const key = this.key;
    let after: [string, number] | null = null;
    let resealed = 0;
    for (;;) {
      const batch: PageRow[] = await (
        after === null ? this.pages.orderBy(':id') : this.pages.where(':id').above(after)
      )
        .limit(READ_BATCH)
        .toArray();
      if (batch.length === 0) return resealed;
      const changed: PageRow[] = [];
      for (const row of batch) {
        const place = where(row.c, row.s);
        if ((await openWithAny([key], row.body, place)) !== null) continue;
        const old = await openWithAny(older, row.body, place);
        if (old === null) throw new Error(`The stored page ${place} opens with none of the keys.`);
        changed.push({ ...row, body: await encodePart(encoder.encode(old), place, key) });
      }
      if (changed.length > 0) {
        await this.db.transaction('rw', this.pages, () => this.pages.bulkPut(changed));
        resealed += changed.length;
      }
      const last = batch[batch.length - 1] as PageRow;
      after = [last.c, last.s];
    }
  }

  /** Deletes collection `c` entirely. */
  async drop(c: string): Promise<void> {
    this.ensureOpen();
    await this.db.transaction('rw', this.pages, this.heads, async () => {
      await this.range(c, -Infinity, Infinity).delete();
      await this.heads.delete(c);
    });
  }

  private async dropBefore(c: string, from: number): Promise<void> {
    this.ensureOpen();
    await this.range(c, -Infinity, from, true).delete();
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
