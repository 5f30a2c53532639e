/**
 * Bulk pull: the fast path for a large backlog, above all the first sync of a fresh
 * device. For every pulled document RxDB's downstream reads the local version and the
 * replication state before writing both, and it fetches pages without waiting for their
 * writes, so a big first sync holds much of the server's data in memory at once.
 *
 * Here a full page is written at once: documents the device has never seen go straight
 * into the collection's storage, and their replication state into the replication's
 * meta instance, in RxDB's own row formats (the rows its downstream writes for a new
 * document). Everything else — documents the device already holds, which may carry
 * local changes, and the last, short page — is handed to RxDB's downstream, which merges
 * it as always. Pages are written one after the other, so memory stays at about a page.
 */
import {
  createRevision,
  getMetaWriteRow,
  now,
  setCheckpoint,
  type BulkWriteRow,
  type RxDocumentData,
  type RxStorageInstanceReplicationState,
  type RxStorageReplicationMeta,
  type WithDeleted,
} from 'rxdb';
import { stableStringify } from '../../domain/documents';
import type { Checkpoint } from '../protocol';
import type { FetchPage, PullPage } from './readAhead';

type Doc = { id: string; _deleted?: boolean };
/** The replication's protocol state (documents as RxDB's replication knows them: by id). */
type State = RxStorageInstanceReplicationState<{ id: string }>;

export type BulkPullOptions<T extends Doc> = {
  fetchPage: FetchPage<T>;
  /** The replication's protocol state, once it runs (RxDB's `internalReplicationState`). */
  state: () => State | undefined;
};

/** Pages written at once: while one commits, the next is already being prepared. */
const PAGES_IN_FLIGHT = 3;

/**
 * A pull handler for RxDB's replication: full pages are written by the bulk path; what
 * it returns (documents the device already had, and the last page) RxDB writes itself.
 */
export function bulkPullHandler<T extends Doc>(options: BulkPullOptions<T>): FetchPage<T> {
  /**
   * Where the last call got to: RxDB retries a failed pull with the checkpoint it
   * started from, and everything up to the checkpoint stored since is on the device.
   */
  let resume: { from: string; at: Checkpoint } | null = null;
  return async (checkpoint, limit) => {
    const from = stableStringify(checkpoint ?? null);
    let at = resume?.from === from ? resume.at : (checkpoint ?? null);
    /** Documents of pages already passed that RxDB's downstream must merge. */
    const deferred: T[] = [];
    /** Pages being written, oldest first, with the checkpoint each one completes. */
    const writing: { written: Promise<T[]>; upTo: Checkpoint | null }[] = [];
    let stored: Promise<void> = Promise.resolve();

    /** Waits for the oldest page; once nothing before it is deferred, the checkpoint moves past it. */
    const finishOldest = async (state: State) => {
      const oldest = writing.shift();
      if (!oldest) return;
      deferred.push(...(await oldest.written));
      // The checkpoint may move past a page only when all of it is stored: documents
      // still deferred would otherwise be skipped after a restart.
      const upTo = oldest.upTo;
      if (deferred.length === 0 && upTo) {
        stored = stored.then(() => setCheckpoint(state, 'down', upTo));
        resume = { from, at: upTo };
      }
    };
    const finishAll = async (state: State | undefined) => {
      try {
        while (state && writing.length > 0) await finishOldest(state);
      } finally {
        // A failed page must not leave the others unobserved.
        await Promise.allSettled(writing.splice(0).map((w) => w.written));
      }
      await stored;
    };

    for (;;) {
      let page: PullPage<T>;
      const state = options.state();
      try {
        page = await options.fetchPage(at, limit);
      } catch (error) {
        await finishAll(state);
        throw error;
      }
      if (page.documents.length < limit || !state || state.events.canceled.getValue()) {
        await finishAll(state);
        resume = null;
        return { documents: [...deferred, ...page.documents], checkpoint: page.checkpoint ?? at };
      }
      const written = insertNew(state, page.documents);
      // Seen by finishOldest or finishAll; not an unhandled rejection meanwhile.
      written.catch(() => undefined);
      at = page.checkpoint ?? at;
      writing.push({ written, upTo: at });
      if (writing.length >= PAGES_IN_FLIGHT) await finishOldest(state);
      // RxDB goes on pulling after a full page and stops after a short one.
      if (deferred.length >= limit) {
        await finishAll(state);
        resume = null;
        return { documents: deferred, checkpoint: at };
      }
    }
  };
}

const identifierHashes = new WeakMap<object, Promise<string>>();

function identifierHash(state: State): Promise<string> {
  let hash = identifierHashes.get(state);
  if (!hash) {
    hash = Promise.resolve(state.input.hashFunction(state.input.identifier));
    identifierHashes.set(state, hash);
  }
  return hash;
}

/**
 * Inserts the documents the device does not have, with their replication state, and
 * returns the rest (already on the device: the storage refuses the insert).
 */
async function insertNew<T extends Doc>(state: State, docs: T[]): Promise<T[]> {
  const hash = await identifierHash(state);
  const byId = new Map<string, WithDeleted<{ id: string }>>();
  const rows: BulkWriteRow<{ id: string }>[] = [];
  for (const doc of docs) {
    // The row RxDB's downstream builds for a document it has not seen: the master state, a
    // first revision and the origin mark (`_meta.o`); RxDB's storage layer then sets `_meta`
    // and `_rev` as for any write (bulkPull.test.ts compares the stored result with RxDB's).
    const master = { ...doc, _deleted: !!doc._deleted };
    byId.set(doc.id, master);
    const document = {
      ...master,
      _attachments: {},
      _meta: { lwt: now(), o: { _rev: 1, hash } },
      _rev: createRevision(hash),
    } satisfies RxDocumentData<{ id: string }>;
    rows.push({ document });
  }
  const written = await state.input.forkInstance.bulkWrite(rows, await state.downstreamBulkWriteFlag);
  const refused = new Set<string>();
  for (const error of written.error) {
    // 409: the device already has the document. Anything else is a real failure.
    if (error.status !== 409) throw new Error(`Storing pulled documents failed (${error.status}).`);
    refused.add(error.documentId);
  }
  const metaRows = await Promise.all(
    [...byId.values()].filter((doc) => !refused.has(doc.id)).map((doc) => getMetaWriteRow(state, doc)),
  );
  if (metaRows.length > 0) {
    const meta = await state.input.metaInstance.bulkWrite(metaRows, 'replication-down-write-meta');
    const existing = meta.error.flatMap((e) =>
      'documentInDb' in e && e.documentInDb ? [e.documentInDb] : [],
    );
    if (existing.length < meta.error.length)
      throw new Error('Storing the replication state of pulled documents failed.');
    if (existing.length > 0) await replaceMeta(state, existing, byId);
  }
  return docs.filter((doc) => refused.has(doc.id));
}

/**
 * Replication states that already existed for documents the device did not have (left
 * by an interrupted write): replaced by the master state just stored.
 */
async function replaceMeta(
  state: State,
  existing: RxDocumentData<RxStorageReplicationMeta<{ id: string }, unknown>>[],
  byId: Map<string, WithDeleted<{ id: string }>>,
): Promise<void> {
  const rows = await Promise.all(
    existing.flatMap((previous) => {
      const doc = byId.get(previous.itemId);
      return doc ? [getMetaWriteRow(state, doc, previous)] : [];
    }),
  );
  const result = await state.input.metaInstance.bulkWrite(rows, 'replication-down-write-meta');
  if (result.error.length > 0) throw new Error('Storing the replication state of pulled documents failed.');
}
