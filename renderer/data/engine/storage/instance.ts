/**
 * RxDB's storage instance interface over a collection handle (collectionHandle.ts):
 * reads answer from memory; writes are checked against memory as RxDB's own storages
 * check them (categorizeBulkWriteRows), written to the page log, and only then applied.
 *
 * Every write that comes through this interface is a write of this device (RxDB's
 * collections, on behalf of the app): in a replicated collection it makes the document
 * wait for the server, with the server's state it started from, in the same page — unless
 * it leaves the document as the server has it. What the server sends comes in through the
 * replica instead (replica.ts), and waits for nothing.
 */
import {
  categorizeBulkWriteRows,
  getPrimaryFieldOfPrimaryKey,
  now,
  type BulkWriteRow,
  type PreparedQuery,
  type RxJsonSchema,
  type RxStorageBulkWriteResponse,
  type RxStorageCountResult,
  type RxStorageDefaultCheckpoint,
  type RxStorageInstance,
  type RxStorageInstanceCreationParams,
  type RxStorageQueryResult,
} from 'rxdb';
import type { CollectionHandle } from './collectionHandle';
import type { Doc } from './memoryCollection';
import type { Page } from './pageLog';
import { Replica, sameState, serverStateOf } from './replica';

export type Internals = {
  handle: CollectionHandle;
  /** What sync works through, for a replicated collection. */
  replica: Replica | null;
};

export class CohortStorageInstance implements RxStorageInstance<
  Doc,
  Internals,
  object,
  RxStorageDefaultCheckpoint
> {
  readonly databaseName: string;
  readonly collectionName: string;
  readonly schema: Readonly<RxJsonSchema<Doc>>;
  readonly options: object;
  readonly internals: Internals;
  private readonly primaryPath: string;
  private closed = false;

  constructor(
    params: RxStorageInstanceCreationParams<Doc, object>,
    private readonly handle: CollectionHandle,
    replicated: boolean,
    private readonly release: (instance: CohortStorageInstance) => Promise<void>,
  ) {
    this.databaseName = params.databaseName;
    this.collectionName = params.collectionName;
    this.schema = params.schema;
    this.options = params.options;
    this.primaryPath = getPrimaryFieldOfPrimaryKey(params.schema.primaryKey);
    this.internals = {
      handle,
      replica: replicated ? new Replica(handle, this.primaryPath, params.databaseInstanceToken) : null,
    };
  }

  bulkWrite(rows: BulkWriteRow<Doc>[], context: string): Promise<RxStorageBulkWriteResponse<Doc>> {
    return this.handle.enqueue(async () => {
      const docs = this.handle.memory.docs;
      const categorized = categorizeBulkWriteRows<Doc>(this, this.primaryPath, docs, rows, context);
      // One version per document: were an id written twice in one write, the last counts.
      const byId = new Map<string, Doc>();
      for (const r of [...categorized.bulkInsertDocs, ...categorized.bulkUpdateDocs]) {
        byId.set(r.document[this.primaryPath] as string, r.document);
      }
      const written = [...byId.values()];
      const page: Page<Doc> = { docs: written, ...(this.internals.replica ? this.waitingFor(written) : {}) };
      await this.handle.write(page);
      const newest = categorized.newestRow?.document;
      if (newest) {
        categorized.eventBulk.checkpoint = { id: newest[this.primaryPath] as string, lwt: newest._meta.lwt };
        this.handle.emit(categorized.eventBulk);
      }
      return { error: categorized.errors };
    });
  }

  /**
   * The sync state a local write leaves: a document now differing from the server's state
   * waits, with that state (the one it had when it last matched the server, or null for a
   * document made here); one written back to exactly the server's state waits no more.
   */
  private waitingFor(written: Doc[]): Pick<Page, 'pending' | 'settled'> {
    const pending: [string, unknown][] = [];
    const settled: string[] = [];
    for (const doc of written) {
      const id = doc[this.primaryPath] as string;
      const waiting = this.handle.sync.isWaiting(id);
      const before = this.handle.memory.docs.get(id);
      const server = waiting
        ? (this.handle.sync.serverStateOf(id) ?? null)
        : before
          ? serverStateOf(before)
          : null;
      if (server && sameState(serverStateOf(doc), server)) {
        if (waiting) settled.push(id);
      } else if (!waiting) {
        pending.push([id, server]);
      }
    }
    return { ...(pending.length > 0 ? { pending } : {}), ...(settled.length > 0 ? { settled } : {}) };
  }

  async findDocumentsById(ids: string[], withDeleted: boolean): Promise<Doc[]> {
    await this.handle.ready;
    const docs = this.handle.memory.docs;
    const out: Doc[] = [];
    for (const id of ids) {
      const doc = docs.get(id);
      if (doc && (withDeleted || !doc._deleted)) out.push(doc);
    }
    return out;
  }

  async query(prepared: PreparedQuery<Doc>): Promise<RxStorageQueryResult<Doc>> {
    await this.readyFor(prepared);
    return { documents: this.handle.memory.query(prepared) };
  }

  async count(prepared: PreparedQuery<Doc>): Promise<RxStorageCountResult> {
    await this.readyFor(prepared);
    return { count: this.handle.memory.count(prepared), mode: 'fast' };
  }

  /**
   * Waits for the collection's load; and before a query that first sorts a large index,
   * for a task of its own: the answers to quick queries that were waiting for the same load
   * (the member counts of the page on screen) are then painted first, instead of after it.
   */
  private async readyFor(prepared: PreparedQuery<Doc>): Promise<void> {
    await this.handle.ready;
    if (this.handle.memory.sortsFirst(prepared)) await new Promise((resolve) => setTimeout(resolve, 0));
  }

  async getChangedDocumentsSince(
    limit: number,
    checkpoint?: RxStorageDefaultCheckpoint,
  ): Promise<{ documents: Doc[]; checkpoint: RxStorageDefaultCheckpoint }> {
    await this.handle.ready;
    const documents = this.handle.memory.changedSince(limit, checkpoint);
    const last = documents.at(-1);
    return {
      documents,
      checkpoint: last
        ? { id: last[this.primaryPath] as string, lwt: last._meta.lwt }
        : (checkpoint ?? { id: '', lwt: 0 }),
    };
  }

  changeStream() {
    return this.handle.changes$.asObservable();
  }

  /** Forgets deleted documents last written more than `minimumDeletedTime` ms ago (none that waits for the server). */
  cleanup(minimumDeletedTime: number): Promise<boolean> {
    return this.handle.enqueue(async () => {
      const before = now() - minimumDeletedTime;
      const purged = [...this.handle.memory.docs.values()]
        .filter((d) => d._deleted && d._meta.lwt < before)
        .map((d) => d[this.primaryPath] as string)
        .filter((id) => !this.handle.sync.isWaiting(id));
      await this.handle.write({ docs: [], purged });
      return true;
    });
  }

  getAttachmentData(): Promise<Blob> {
    return Promise.reject(new Error('Cohort stores no attachments.'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.release(this);
  }

  async remove(): Promise<void> {
    try {
      await this.handle.enqueue(() => this.handle.drop(), true);
    } finally {
      // Released whatever happened: its IndexedDB connection and lock must not stay held.
      await this.close();
    }
  }
}
