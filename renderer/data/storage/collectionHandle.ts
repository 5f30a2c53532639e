/**
 * One collection of an open database, shared by every storage instance RxDB opens on it:
 * its documents in memory, its place in the page log, the queue its writes go through one
 * at a time, its change stream, and the server states set aside for its replication.
 *
 * Loading reads the collection's pages in the background: an instance is handed out at
 * once and waits for the load only when it is used, so the groups overview does not wait
 * for 500,000 memberships to be read.
 */
import { Subject } from 'rxjs';
import type { EventBulk, RxJsonSchema, RxStorageChangeEvent, RxStorageDefaultCheckpoint } from 'rxdb';
import { MemoryCollection, type Doc } from './memoryCollection';
import type { Page, PageLog } from './pageLog';
import type { PreImage } from './replicationState';

/** Documents per page when a collection is rewritten whole. */
const SNAPSHOT_PAGE = 1_000;
/** How long a collection stays without writes before its log is compacted. */
const COMPACT_AFTER_MS = 2_000;

export type Changes = Subject<EventBulk<RxStorageChangeEvent<Doc>, RxStorageDefaultCheckpoint>>;

export class CollectionHandle {
  readonly memory: MemoryCollection;
  readonly changes$: Changes = new Subject();
  /** Server states set aside by a local change (replicationState.ts), by document id. */
  readonly preImages = new Map<string, PreImage>();
  readonly ready: Promise<void>;
  refs = 0;
  private queue: Promise<unknown> = Promise.resolve();
  /** The log position of the next record. */
  private next = 0;
  /** Records in the log (a page takes one or more). */
  private pages = 0;
  /** Document versions in the log (live or replaced): when far more than the documents, it is compacted. */
  private versions = 0;
  /** Server states set aside in the log (kept or forgotten since). */
  private mastersInLog = 0;
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
     * document deleted, or a version with fields the new one lacks. The database then
     * compacts every log (cohortStorage.ts), so the old values leave the disk.
     */
    private readonly onErasure: () => void = () => undefined,
  ) {
    this.memory = new MemoryCollection(schema, primaryPath);
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
    if (erasedOnDisk) this.onErasure();
    this.scheduleCompaction();
  }

  /** Applies a page read from the log or just written to it; says whether it erased what an earlier page holds. */
  private apply(page: Page): boolean {
    const docs = page.docs as Doc[];
    const erased = docs.some((doc) => erases(this.memory.docs.get(doc[this.primaryPath] as string), doc));
    this.memory.write(docs, page.purged);
    for (const id of page.purged ?? []) this.preImages.delete(id);
    for (const [id, state, token] of page.masters ?? []) {
      this.preImages.set(id, { state: state as Record<string, unknown>, token });
    }
    this.versions += docs.length;
    this.mastersInLog += page.masters?.length ?? 0;
    return erased || (page.purged?.length ?? 0) > 0;
  }

  /** Whether the log holds anything the collection no longer has: replaced versions, forgotten server states. */
  get holdsReplaced(): boolean {
    return this.versions > this.memory.docs.size || this.mastersInLog > this.preImages.size;
  }

  /** Something only earlier pages hold was erased elsewhere (a server state forgotten): see onErasure. */
  noteErasure(): void {
    this.onErasure();
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
    if (page.docs.length === 0 && !page.purged?.length && !page.masters?.length) return;
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
    const live = this.memory.docs.size + this.preImages.size;
    const perRecord = Math.max(1, this.versions / Math.max(1, this.pages));
    return this.versions > 2 * live + SNAPSHOT_PAGE || this.pages > 2 * Math.ceil(live / perRecord) + 16;
  }

  /**
   * Compacts a wasteful log: a small collection at once (a replication's checkpoints are
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
   * Rewrites the log as the live documents and pre-images alone: when it is wasteful, or,
   * for an erasure, whenever it holds anything replaced.
   */
  async compact(erasing = false): Promise<void> {
    if (erasing ? !this.holdsReplaced : !this.wasteful()) return;
    const docs = [...this.memory.docs.values()];
    const pages: Page[] = [];
    for (let i = 0; i < docs.length; i += SNAPSHOT_PAGE)
      pages.push({ docs: docs.slice(i, i + SNAPSHOT_PAGE) });
    const masters = [...this.preImages].map(([id, p]): [string, unknown, string] => [id, p.state, p.token]);
    if (masters.length > 0) pages.push({ docs: [], masters });
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
    this.mastersInLog = masters.length;
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
    this.preImages.clear();
  }

  /** Waits for the queued writes, then stops taking any. */
  async close(): Promise<void> {
    await this.queue;
    this.closed = true;
    clearTimeout(this.compactTimer);
    this.changes$.complete();
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
