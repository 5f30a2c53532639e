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
 * - a meta row RxDB stores for the document later (after a push, a merge, a pull) names the
 *   pre-image it replaces, in the same write, so the pre-image is set aside for good.
 *
 * Which state answers: a pre-image no stored row has replaced; else the document itself
 * while it carries its mark (a stored row is then the same state, or an older one left by
 * an interrupted write); else the stored row. No clocks are compared: a laptop's clock can
 * go back between two sessions.
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

/** A server state set aside, and the token a stored meta row names to say it replaced it. */
export type PreImage = { state: Record<string, unknown>; token: string };

/** The pre-image a stored meta row replaced (kept in its `_meta`, beside RxDB's own marks). */
export const replacedPreImage = (row: Doc): unknown => (row._meta as { p?: unknown }).p;

/** `row` as stored when it replaces pre-image `token`. */
export const replacing = (row: Doc, token: string): Doc => ({ ...row, _meta: { ...row._meta, p: token } });

/** Meta rows this storage made up rather than stored: a write naming one as its previous state is an insert. */
export const madeUpRows = new WeakSet<object>();

/** The meta row id of an item (RxDB's composed key `itemId|isCheckpoint`). */
export const itemOfMetaId = (id: string): string | null => (id.endsWith('|0') ? id.slice(0, -2) : null);

/** A meta row for item `itemId` holding `state`, as RxDB's getMetaWriteRow makes them. */
export function madeUpRow(itemId: string, state: Record<string, unknown>, at = 1): Doc {
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

/** The meta row of `itemId` (see the header for which state answers); undefined when there is none. */
export function currentMetaRow(
  itemId: string,
  stored: Doc | undefined,
  preImage: PreImage | undefined,
  forkDoc: Doc | undefined,
  identifierHash: string,
): Doc | undefined {
  if (preImage && !(stored && replacedPreImage(stored) === preImage.token)) {
    return madeUpRow(itemId, preImage.state);
  }
  if (forkDoc && isServerState(forkDoc, identifierHash)) {
    return madeUpRow(itemId, serverState(forkDoc), forkDoc._meta.lwt);
  }
  return stored;
}
