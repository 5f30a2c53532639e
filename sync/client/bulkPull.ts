/**
 * Bulk pull: how pulled pages reach the device, above all in the first sync of a fresh
 * device. For every pulled document RxDB's downstream reads the local version and the
 * replication state before writing both, and it fetches pages without waiting for their
 * writes, so a big first sync holds much of the server's data in memory at once.
 *
 * Here each page is written at once: documents the device has never seen go straight
 * into the collection's storage, marked as written from the server as RxDB's downstream
 * marks them, and their replication state into the replication's meta instance where the
 * storage does not already answer for it (Cohort's storage answers for documents held
 * exactly as the server sent them: renderer/data/storage/replicationState.ts), in RxDB's
 * own row formats (bulkPull.test.ts compares the result with what RxDB's downstream
 * stores). A document the device already holds in exactly the pulled state is only
 * settled (its replication state written if missing or stale).
 * Everything else — documents that differ on the device, or wait to be sent from it — is
 * handed to RxDB's downstream, which merges it as always. A few pages are written at
 * once, so memory stays at a few pages, and the checkpoint moves past a page only when
 * it and every page before it are stored.
 */
import {
  createRevision,
  getAssumedMasterState,
  getMetaWriteRow,
  now,
  setCheckpoint,
  type BulkWriteRow,
  type RxDocumentData,
  type RxStorageInstanceReplicationState,
  type WithDeleted,
} from 'rxdb';
import { stableStringify, toWireDocument } from '../../domain/documents';
import type { Checkpoint } from '../protocol';
import type { FetchPage, PullPage } from './readAhead';

type Doc = { id: string; _deleted?: boolean };
type Master = WithDeleted<{ id: string }>;
/** The replication's protocol state (documents as RxDB's replication knows them: by id). */
type State = RxStorageInstanceReplicationState<{ id: string }>;

export type BulkPullOptions<T extends Doc> = {
  fetchPage: FetchPage<T>;
  /** The replication's protocol state, once it runs (RxDB's `internalReplicationState`). */
  state: () => State | undefined;
  /** Whether the device has a change of this document waiting to be sent (the outbox). */
  waiting: (id: string) => boolean;
};

/** Pages written at once: while one commits, the next is already being prepared. */
const PAGES_IN_FLIGHT = 3;

/**
 * A pull handler for RxDB's replication that writes what it pulls itself and returns
 * only the documents RxDB must merge, with the checkpoint after them.
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
      // Documents still deferred would be skipped after a restart if the checkpoint moved
      // past them: RxDB stores it with them.
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
      const state = options.state();
      let page: PullPage<T>;
      try {
        page = await options.fetchPage(at, limit);
      } catch (error) {
        await finishAll(state);
        throw error;
      }
      if (!state || state.events.canceled.getValue()) {
        await finishAll(state);
        return { documents: [...deferred, ...page.documents], checkpoint: page.checkpoint ?? at };
      }
      const written = insertNew(state, page.documents, options.waiting);
      // Seen by finishOldest or finishAll; not an unhandled rejection meanwhile.
      written.catch(() => undefined);
      at = page.checkpoint ?? at;
      writing.push({ written, upTo: at });
      // A short page is the last: the device has caught up. RxDB goes on pulling after a
      // full answer and stops after a short one (and then stores no checkpoint itself).
      const last = page.documents.length < limit;
      if (writing.length >= PAGES_IN_FLIGHT) await finishOldest(state);
      if (last || deferred.length >= limit) {
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
 * Inserts the documents the device does not have, with their replication state; settles
 * those it holds in exactly the pulled state; returns the rest, for RxDB to merge.
 */
async function insertNew<T extends Doc>(
  state: State,
  docs: T[],
  waiting: (id: string) => boolean,
): Promise<T[]> {
  if (docs.length === 0) return [];
  const hash = await identifierHash(state);
  const masters = new Map<string, Master>();
  const rows: BulkWriteRow<{ id: string }>[] = [];
  for (const doc of docs) {
    const master: Master = { ...doc, _deleted: !!doc._deleted };
    masters.set(doc.id, master);
    // A document waiting to be sent is RxDB's to merge, whatever it holds.
    if (waiting(doc.id)) continue;
    // The row RxDB's downstream builds for a document it has not seen: the master state, a
    // first revision and the origin mark (`_meta.o`), written beneath RxDB's wrapper so
    // the mark stays (storageOf).
    rows.push({
      document: {
        ...master,
        _attachments: {},
        _meta: { lwt: now(), o: { _rev: 1, hash } },
        _rev: createRevision(hash),
      },
    });
  }
  const written =
    rows.length > 0
      ? await storageOf(state).bulkWrite(rows, await state.downstreamBulkWriteFlag)
      : { error: [] };
  /** Documents the device already has, as stored. */
  const held = new Map<string, RxDocumentData<{ id: string }>>();
  for (const error of written.error) {
    // 409: the device already has the document. Anything else is a real failure.
    if (error.status !== 409 || !('documentInDb' in error) || !error.documentInDb) {
      throw new Error(`Storing pulled documents failed (${error.status}).`);
    }
    held.set(error.documentId, error.documentInDb);
  }
  const inserted = rows.map((r) => r.document.id).filter((id) => !held.has(id));
  // Held in exactly the pulled state: a page stored before a crash or a failed request
  // (its replication state may be missing), or the device's own change coming back.
  const same = [...held]
    .filter(([id, doc]) =>
      state.input.conflictHandler.isEqual(toWireDocument(doc), masters.get(id) as Master, 'bulk-pull'),
    )
    .map(([id]) => id);
  await storeStates(state, inserted, same, masters);
  const settled = new Set([...inserted, ...same]);
  return docs.filter((doc) => !settled.has(doc.id));
}

/**
 * The collection's storage instance beneath RxDB's wrapper: the wrapper gives every
 * insert a fresh `_meta` and revision, which would drop the origin mark (`_meta.o`) that
 * tells a document written from the server from a local one.
 */
function storageOf(state: State): State['input']['forkInstance'] {
  const fork = state.input.forkInstance as State['input']['forkInstance'] & {
    originalStorageInstance?: State['input']['forkInstance'];
  };
  return fork.originalStorageInstance ?? fork;
}

/**
 * Writes the replication state of `inserted` (new) and `held` documents (already stored
 * in the master state) where it is missing or differs.
 */
async function storeStates(
  state: State,
  inserted: string[],
  held: string[],
  masters: Map<string, Master>,
): Promise<void> {
  const ids = [...inserted, ...held];
  const known = ids.length > 0 ? await getAssumedMasterState(state, ids) : {};
  const master = (id: string) => masters.get(id) as Master;
  const rows = await Promise.all(
    ids.flatMap((id) => {
      const previous = known[id];
      if (previous && state.input.conflictHandler.isEqual(previous.docData, master(id), 'bulk-pull'))
        return [];
      return [getMetaWriteRow(state, master(id), previous?.metaDocument)];
    }),
  );
  if (rows.length === 0) return;
  const result = await state.input.metaInstance.bulkWrite(rows, 'replication-down-write-meta');
  if (result.error.length === 0) return;
  // A state left by an interrupted write for a document that was not stored: replaced.
  const again = await Promise.all(
    result.error.map((e) => {
      const previous = 'documentInDb' in e ? e.documentInDb : undefined;
      if (e.status !== 409 || !previous)
        throw new Error('Storing the replication state of pulled documents failed.');
      return getMetaWriteRow(state, master(previous.itemId), previous);
    }),
  );
  const retried = await state.input.metaInstance.bulkWrite(again, 'replication-down-write-meta');
  if (retried.error.length > 0) throw new Error('Storing the replication state of pulled documents failed.');
}
