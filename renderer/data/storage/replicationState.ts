/**
 * RxDB's replication keeps, for every document, the state it last saw on the server (a
 * "meta" row: a copy of the document) so that a local change can be sent with the state it
 * started from, and merged field by field when the server has moved on. For a document the
 * device holds exactly as the server sent it, that copy repeats the document itself.
 *
 * This storage does not write those copies. RxDB's downstream marks every document it
 * writes from the server (`_meta.o`: the replication and the revision it wrote), and a
 * document still carrying its mark on its current revision is the server's state. So:
 *
 * - the replication's meta collection answers for such a document with a row made from
 *   the document itself;
 * - the first local change of such a document first sets the server's state aside (a
 *   "pre-image", stored in the same page as the change, so both are on disk or neither);
 * - of a stored meta row, a pre-image and a marked document, the one recorded last wins.
 *
 * RxDB's downstream already treats a marked document without a meta row as the server's
 * state (rxdb/src/replication-protocol/downstream.ts, "the fork state was synced from the
 * master but the process exited before the metadata was written"). A first sync of
 * 610,000 documents writes them once instead of twice, and the copies do not sit in memory.
 */
import { getHeightOfRevision, writeDocToDocState, type RxDocumentData } from 'rxdb';

type Doc = RxDocumentData<Record<string, unknown>>;

/** Whether `doc` is, in its current revision, what the replication wrote from the server. */
export function isServerState(doc: Doc, identifierHash: string): boolean {
  const mark = (doc._meta as { o?: { _rev?: unknown; hash?: unknown } }).o;
  return mark?.hash === identifierHash && mark._rev === getHeightOfRevision(doc._rev);
}

/** The server's state as RxDB's meta rows hold it: the document without `_meta`, `_rev` and `_attachments`. */
export const serverState = (doc: Doc): Record<string, unknown> => writeDocToDocState(doc, false, false);

/** A server state set aside, and when. */
export type PreImage = { state: Record<string, unknown>; at: number };

/** Meta rows this storage made up rather than stored: a write naming one as its previous state is an insert. */
export const madeUpRows = new WeakSet<object>();

/** The meta row id of an item (RxDB's composed key `itemId|isCheckpoint`). */
export const itemOfMetaId = (id: string): string | null => (id.endsWith('|0') ? id.slice(0, -2) : null);

/** A meta row for item `itemId` holding `state`, recorded at `at`, as RxDB's getMetaWriteRow makes them. */
export function madeUpRow(itemId: string, state: Record<string, unknown>, at: number): Doc {
  const row = {
    id: `${itemId}|0`,
    isCheckpoint: '0',
    itemId,
    docData: state,
    _deleted: false,
    _rev: '1-madeup',
    _meta: { lwt: at },
    _attachments: {},
  } as Doc;
  madeUpRows.add(row);
  return row;
}

/**
 * The meta row of `itemId`: the stored one, the pre-image or the document's own server
 * state, whichever was recorded last; undefined when there is none.
 */
export function currentMetaRow(
  itemId: string,
  stored: Doc | undefined,
  preImage: PreImage | undefined,
  forkDoc: Doc | undefined,
  identifierHash: string,
): Doc | undefined {
  let best: Doc | undefined = stored;
  let bestAt = stored ? stored._meta.lwt : -Infinity;
  if (preImage && preImage.at > bestAt) {
    best = madeUpRow(itemId, preImage.state, preImage.at);
    bestAt = preImage.at;
  }
  if (forkDoc && isServerState(forkDoc, identifierHash) && forkDoc._meta.lwt > bestAt) {
    best = madeUpRow(itemId, serverState(forkDoc), forkDoc._meta.lwt);
  }
  return best;
}
