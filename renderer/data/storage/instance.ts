/**
 * RxDB's storage instance interface over a collection handle (collectionHandle.ts):
 * reads answer from memory; writes are checked against memory as RxDB's own storages
 * check them (categorizeBulkWriteRows), written to the page log, and only then applied.
 *
 * A replicated collection sets aside the server's state of a document before its first
 * local change, and a replication's meta collection answers for documents the device
 * holds as the server sent them (replicationState.ts).
 */
import {
  categorizeBulkWriteRows,
  getPrimaryFieldOfPrimaryKey,
  now,
  randomToken,
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
import { linkOfFork, linkOfMeta } from '../../../sync/client/replicationLinks';
import {
  currentMetaRow,
  isServerState,
  itemOfMetaId,
  madeUpRows,
  replacing,
  serverState,
} from './replicationState';

export type Internals = { handle: CollectionHandle };

/** The database's other collections, to reach a meta collection's fork. */
export type Neighbours = { find(collectionName: string, version: number): CollectionHandle | undefined };

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
    private readonly neighbours: Neighbours,
    private readonly release: (instance: CohortStorageInstance) => Promise<void>,
  ) {
    this.databaseName = params.databaseName;
    this.collectionName = params.collectionName;
    this.schema = params.schema;
    this.options = params.options;
    this.internals = { handle };
    this.primaryPath = getPrimaryFieldOfPrimaryKey(params.schema.primaryKey);
  }

  bulkWrite(rows: BulkWriteRow<Doc>[], context: string): Promise<RxStorageBulkWriteResponse<Doc>> {
    return this.handle.enqueue(async () => {
      const docs = this.handle.memory.docs;
      const categorized = categorizeBulkWriteRows<Doc>(
        this,
        this.primaryPath,
        docs,
        this.asWrittenOnStoredRows(rows),
        context,
      );
      // One version per document: were an id written twice in one write, the last counts.
      const byId = new Map<string, Doc>();
      for (const r of [...categorized.bulkInsertDocs, ...categorized.bulkUpdateDocs]) {
        byId.set(r.document[this.primaryPath] as string, r.document);
      }
      const written = [...byId.values()];
      const page: Page<Doc> = { docs: written };
      const masters = this.preImagesFor(written);
      if (masters.length > 0) page.masters = masters;
      await this.handle.write(page);
      this.forgetPreImagesOf(written);
      const newest = categorized.newestRow?.document;
      if (newest) {
        categorized.eventBulk.checkpoint = { id: newest[this.primaryPath] as string, lwt: newest._meta.lwt };
        this.handle.emit(categorized.eventBulk);
      }
      return { error: categorized.errors };
    });
  }

  async findDocumentsById(ids: string[], withDeleted: boolean): Promise<Doc[]> {
    await this.handle.ready;
    const docs = this.handle.memory.docs;
    const meta = linkOfMeta(this.databaseName, this.collectionName);
    const fork = meta && this.neighbours.find(meta.forkCollection, this.schema.version);
    // The answers come from the fork's documents too: all of them, not those read so far.
    await fork?.ready;
    const out: Doc[] = [];
    for (const id of ids) {
      const item = fork ? itemOfMetaId(id) : null;
      const doc =
        item !== null && fork && meta
          ? currentMetaRow(
              item,
              docs.get(id),
              fork.preImages.get(item),
              fork.memory.docs.get(item),
              meta.identifierHash,
            )
          : docs.get(id);
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

  /** Forgets deleted documents last written more than `minimumDeletedTime` ms ago. */
  cleanup(minimumDeletedTime: number): Promise<boolean> {
    return this.handle.enqueue(async () => {
      const before = now() - minimumDeletedTime;
      const purged = [...this.handle.memory.docs.values()]
        .filter((d) => d._deleted && d._meta.lwt < before)
        .map((d) => d[this.primaryPath] as string);
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

  /**
   * RxDB's rows as this storage writes them. In a replication's meta collection (see
   * replicationState.ts): a row written over one this storage made up replaces what is
   * stored, if anything (the made-up row itself never was); and a row for a document whose
   * server state was set aside names that pre-image, which it replaces for good.
   */
  private asWrittenOnStoredRows(rows: BulkWriteRow<Doc>[]): BulkWriteRow<Doc>[] {
    const meta = linkOfMeta(this.databaseName, this.collectionName);
    const fork = meta && this.neighbours.find(meta.forkCollection, this.schema.version);
    if (!fork) return rows;
    const docs = this.handle.memory.docs;
    return rows.map((r) => {
      const id = r.document[this.primaryPath] as string;
      const item = itemOfMetaId(id);
      const preImage = item === null ? undefined : fork.preImages.get(item);
      const previous = r.previous && madeUpRows.has(r.previous) ? docs.get(id) : r.previous;
      const document = preImage ? replacing(r.document, preImage.token) : r.document;
      return previous === r.previous && document === r.document ? r : { ...r, previous, document };
    });
  }

  /** The server states this write's local changes replace, when this collection is replicated. */
  private preImagesFor(written: Doc[]): [string, unknown, string][] {
    const link = linkOfFork(this.databaseName, this.collectionName);
    if (!link) return [];
    const out: [string, unknown, string][] = [];
    for (const doc of written) {
      const id = doc[this.primaryPath] as string;
      const before = this.handle.memory.docs.get(id);
      if (!before || !isServerState(before, link.identifierHash)) continue;
      if (isServerState(doc, link.identifierHash)) continue;
      out.push([id, serverState(before), randomToken(12)]);
    }
    return out;
  }

  /**
   * Meta rows stored for items replaced their pre-images (the rows say so): not kept in
   * memory any longer — and, for a deleted document, the server's content it held is erased.
   */
  private forgetPreImagesOf(written: Doc[]): void {
    const meta = linkOfMeta(this.databaseName, this.collectionName);
    const fork = meta && this.neighbours.find(meta.forkCollection, this.schema.version);
    if (!fork) return;
    let erased = false;
    for (const row of written) {
      const item = itemOfMetaId(row[this.primaryPath] as string);
      if (item === null || !fork.preImages.delete(item)) continue;
      if (fork.memory.docs.get(item)?._deleted) erased = true;
    }
    if (erased) fork.noteErasure();
  }
}
