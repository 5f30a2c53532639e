/**
 * One collection of an open database, shared by every storage instance RxDB opens on it:
 * its documents in memory, its place in the page log, the queue its writes go through one
 * at a time, its change stream — and, for a replicated collection, its sync state: the
 * changes that wait for the server, each with the server's state it started from, and
 * the pull checkpoint reached (syncState.ts).
 *
 * Loading reads the collection's pages in the background: an instance is handed out at
 * once and waits for the load only when it is used, so the groups overview does not wait
 * for 500,000 memberships to be read.
 */
import { Subject } from 'rxjs';
import type { EventBulk, RxJsonSchema, RxStorageChangeEvent, RxStorageDefaultCheckpoint } from 'rxdb';
import { MemoryCollection, ValuePool, type Doc } from './memoryCollection';
import type { Page, PageLog } from './pageLog';
import { SyncState } from './syncState';

/** Documents per page when a collection is rewritten whole. */
const SNAPSHOT_PAGE = 1_000;
/** How long a collection stays without writes before its log is compacted. */
const COMPACT_AFTER_MS = 2_000;

export type Changes = Subject<EventBulk<RxStorageChangeEvent<Doc>, RxStorageDefaultCheckpoint>>;

export class CollectionHandle {
  readonly memory: MemoryCollection;
  readonly changes$: Changes = new Subject();
  readonly sync = new SyncState();
  readonly ready: Promise<void>;
  refs = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** The log position of the next record. */
  private next = 0;
  /** Records in the log (a page takes one or more). */
  private pages = 0;
  /** Document versions in the log (live or replaced): when far more than the documents, it is compacted. */
  private versions = 0;
  /** Waiting changes recorded in the log (waiting still, or settled since). */
  private pendingInLog = 0;
  private compactTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    readonly key: string,
    schema: RxJsonSchema<Doc>,
    private readonly primaryPath: string,
    private readonly log: PageLog,
    private readonly logOpened: Promise<unknown>,
    /**
     * Told when a write erased something the log still holds in an earlier page: a
     * document deleted, a version with fields the new one lacks, a server state no longer
     * needed. The database then compacts every log (cohortStorage.ts), so the old values
     * leave the disk.
     */
    private readonly onErasure: () => void = () => undefined,
    values: { shared: readonly string[]; pool: ValuePool } = { shared: [], pool: new ValuePool() },
  ) {
    this.memory = new MemoryCollection(schema, primaryPath, values.shared, values.pool);
    this.ready = logOpened.then(() => this.load());
    // Seen by whoever uses the collection; not an unhandled rejection meanwhile.
    this.ready.catch(() => undefined);
  }

  private async load(): Promise<void> {
    // An erasure the last session did not finish (the app quit before its compaction) is finished now.
    let erasedOnDisk = false;
    const { next, pages } = await this.log.read(this.key, (page) => {
      if (this.apply(page)) erasedOnDisk = true;
    });
    this.next = next;
    this.pages = pages;
    performance.mark(`cohort:loaded ${this.key}`);
    if (erasedOnDisk) this.onErasure();
    this.scheduleCompaction();
  }

  /** Applies a page read from the log or just written to it; says whether it erased what an earlier page holds. */
  private apply(page: Page): boolean {
    const docs = page.docs as Doc[];
    let erased = docs.some((doc) => erases(this.memory.docs.get(doc[this.primaryPath] as string), doc));
    this.memory.write(docs, page.purged);
    for (const id of page.purged ?? []) this.sync.settle(id);
    for (const [id, server] of page.pending ?? [])
      this.sync.wait(id, server as Record<string, unknown> | null);
    for (const id of page.settled ?? []) {
      const server = this.sync.serverStateOf(id);
      this.sync.settle(id);
      // The server's state kept for a change that deleted the document: its content leaves too.
      if (server && this.memory.docs.get(id)?._deleted) erased = true;
    }
    if (page.checkpoint !== undefined) this.sync.checkpoint = page.checkpoint;
    this.versions += docs.length;
    this.pendingInLog += page.pending?.length ?? 0;
    return erased || (page.purged?.length ?? 0) > 0;
  }

  /** Whether the log holds anything the collection no longer has: replaced versions, settled server states. */
  get holdsReplaced(): boolean {
    return this.versions > this.memory.docs.size || this.pendingInLog > this.sync.size;
  }

  /**
   * Runs `work` after every write queued before it, and after the load unless `withoutLoad`
   * (deleting the collection needs none of its data, and must work when a page is damaged).
   */
  enqueue<T>(work: () => Promise<T>, withoutLoad = false): Promise<T> {
    const run = this.queue.then(async () => {
      if (!withoutLoad) await this.ready;
      if (this.closed) throw new Error(`The storage of ${this.key} is closed.`);
      return work();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Writes `page` to the log, then to memory: a write that did not reach the disk changes nothing. */
  async write(page: Page): Promise<void> {
    const empty =
      page.docs.length === 0 &&
      !page.purged?.length &&
      !page.pending?.length &&
      !page.settled?.length &&
      page.checkpoint === undefined;
    if (empty) return;
    const records = await this.log.append(this.key, this.next, page);
    this.next += records;
    this.pages += records;
    if (this.apply(page)) this.onErasure();
    this.scheduleCompaction();
  }

  emit(bulk: EventBulk<RxStorageChangeEvent<Doc>, RxStorageDefaultCheckpoint>): void {
    if (bulk.events.length > 0) this.changes$.next(bulk);
  }

  /**
   * Whether the log holds far more than the collection: replaced versions, or many small
   * records (one per small write) where a rewrite would pack them.
   */
  private wasteful(): boolean {
    const live = this.memory.docs.size + this.sync.size;
    const perRecord = Math.max(1, this.versions / Math.max(1, this.pages));
    return this.versions > 2 * live + SNAPSHOT_PAGE || this.pages > 2 * Math.ceil(live / perRecord) + 16;
  }

  /**
   * Compacts a wasteful log: a small collection at once (an engine's records are
   * rewritten with every pulled page, and would otherwise be read back page by page), a
   * large one once its writes pause.
   */
  private scheduleCompaction(): void {
    clearTimeout(this.compactTimer);
    if (this.closed || !this.wasteful()) return;
    const small = this.memory.docs.size <= SNAPSHOT_PAGE;
    this.compactTimer = setTimeout(
      () => {
        this.enqueue(() => this.compact()).catch(() => undefined);
      },
      small ? 0 : COMPACT_AFTER_MS,
    );
  }

  /**
   * Rewrites the log as the live documents and the sync state alone: when it is wasteful,
   * or, for an erasure, whenever it holds anything replaced.
   */
  async compact(erasing = false): Promise<void> {
    if (erasing ? !this.holdsReplaced : !this.wasteful()) return;
    performance.mark(`cohort:compact ${this.key}`);
    const docs = [...this.memory.docs.values()];
    const pages: Page[] = [];
    for (let i = 0; i < docs.length; i += SNAPSHOT_PAGE)
      pages.push({ docs: docs.slice(i, i + SNAPSHOT_PAGE) });
    const pending = this.sync.entries();
    const checkpoint = this.sync.checkpoint;
    if (pending.length > 0 || checkpoint !== undefined) {
      pages.push({
        docs: [],
        ...(pending.length > 0 ? { pending } : {}),
        ...(checkpoint === undefined ? {} : { checkpoint }),
      });
    }
    let records: number;
    try {
      records = await this.log.snapshot(this.key, this.next, pages);
    } catch (error) {
      // Some of the snapshot's records may be on disk: later writes go after them, never over them.
      this.next = Math.max(this.next, await this.log.end(this.key));
      throw error;
    }
    this.next += records;
    this.pages = records;
    this.versions = docs.length;
    this.pendingInLog = pending.length;
  }

  /** Compacts for an erasure, after the writes queued before (see compact). */
  compactForErasure(): Promise<void> {
    return this.enqueue(() => this.compact(true));
  }

  /** Deletes the collection's log (RxDB's remove()): once the log is open, whether or not the collection was read. */
  async drop(): Promise<void> {
    await this.logOpened;
    await this.log.drop(this.key);
    this.memory.write([], [...this.memory.docs.keys()]);
    this.sync.clear();
  }

  /** Waits for the queued writes, then stops taking any. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
    clearTimeout(this.compactTimer);
    this.changes$.complete();
    this.sync.complete();
  }
}

/**
 * Whether writing `next` over `before` erases a value earlier pages still hold: a document
 * deleted, or a field dropped (a tombstone replacing a deleted document that kept its content).
 */
function erases(before: Doc | undefined, next: Doc): boolean {
  if (!before) return false;
  if (next._deleted && !before._deleted) return true;
  return Object.keys(before).some((key) => !(key in next));
}
