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
 * records with four to six index entries each; as pages it writes 610 records without
 * indexes, and the indexes live in memory (sortedIndex.ts).
 */
import { Dexie, type DexieOptions, type Table } from 'dexie';
import type { IndexedDbFactory } from '../localDatabases';
import { decodePage, encodePage, type PageKey, type StoredBody } from './pageCodec';

/**
 * The IndexedDB the log runs on: the browser's, or fake-indexeddb in Node tests (typed
 * structurally, so Node code needs no DOM typings).
 */
export type IndexedDbEnvironment = {
  indexedDB: NonNullable<DexieOptions['indexedDB']> & IndexedDbFactory;
  IDBKeyRange: NonNullable<DexieOptions['IDBKeyRange']>;
};

/** What one page holds: documents written, ids purged, and (for a replicated collection) server states kept aside. */
export type Page<D = unknown> = {
  docs: D[];
  purged?: string[];
  /** The server's state of documents the device then changed: [id, state, when recorded]. */
  masters?: [string, unknown, number][];
};

type PageRow = { c: string; s: number; body: StoredBody };
type HeadRow = { c: string; from: number };

/** The IndexedDB database holding local database `name`. */
export const logDatabaseName = (name: string) => `cohort-log-${name}`;

/** Pages read per IndexedDB request while opening a collection. */
const READ_BATCH = 40;
/** Pages per transaction while writing a snapshot (each is sealed before its transaction starts). */
const SNAPSHOT_BATCH = 40;

export class PageLog {
  private readonly db: Dexie;
  private readonly pages: Table<PageRow, [string, number]>;
  private readonly heads: Table<HeadRow, string>;

  constructor(
    name: string,
    private readonly key: PageKey | undefined,
    env?: IndexedDbEnvironment,
  ) {
    this.db = new Dexie(logDatabaseName(name), {
      ...(env ? { indexedDB: env.indexedDB, IDBKeyRange: env.IDBKeyRange } : {}),
      // A local change is on disk when its write resolves, not only in the OS's cache.
      chromeTransactionDurability: 'strict',
    });
    this.db.version(1).stores({ pages: '[c+s]', heads: 'c' });
    this.pages = this.db.table('pages');
    this.heads = this.db.table('heads');
  }

  open(): Promise<unknown> {
    return this.db.open();
  }

  close(): void {
    this.db.close();
  }

  /**
   * Reads collection `c` from its snapshot on, handing each page to `apply` in order;
   * resolves with the position after the last page and how many pages were read.
   */
  async read(c: string, apply: (page: Page, s: number) => void): Promise<{ next: number; pages: number }> {
    const from = (await this.heads.get(c))?.from ?? 0;
    let next = from;
    let pages = 0;
    for (;;) {
      const rows = await this.pages
        .where('[c+s]')
        .between([c, next], [c, Infinity], true, true)
        .limit(READ_BATCH)
        .toArray();
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

  /** Appends `page` to collection `c` at position `s`. */
  async append(c: string, s: number, page: Page): Promise<void> {
    const body = await encodePage(page, where(c, s), this.key);
    await this.pages.put({ c, s, body });
  }

  /**
   * Writes `pages` as the whole of collection `c`, from position `from` on, and makes them
   * its start once the last one is written; then deletes what came before.
   */
  async snapshot(c: string, from: number, pages: Page[]): Promise<void> {
    for (let i = 0; i < pages.length || i === 0; i += SNAPSHOT_BATCH) {
      const batch = pages.slice(i, i + SNAPSHOT_BATCH);
      const rows = await Promise.all(
        batch.map(async (page, k) => {
          const s = from + i + k;
          return { c, s, body: await encodePage(page, where(c, s), this.key) };
        }),
      );
      const last = i + SNAPSHOT_BATCH >= pages.length;
      await this.db.transaction('rw', this.pages, this.heads, async () => {
        await this.pages.bulkPut(rows);
        if (last) await this.heads.put({ c, from });
      });
    }
    await this.dropBefore(c, from);
  }

  /** Deletes collection `c` entirely. */
  async drop(c: string): Promise<void> {
    await this.db.transaction('rw', this.pages, this.heads, async () => {
      await this.pages.where('[c+s]').between([c, -Infinity], [c, Infinity], true, true).delete();
      await this.heads.delete(c);
    });
  }

  private async dropBefore(c: string, from: number): Promise<void> {
    await this.pages.where('[c+s]').between([c, -Infinity], [c, from], true, false).delete();
  }
}

/** A page's place, bound to its ciphertext. */
const where = (c: string, s: number) => `${c}#${s}`;
