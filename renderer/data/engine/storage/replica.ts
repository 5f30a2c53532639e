/**
 * What the sync engine works through, for one replicated collection: the documents with a
 * change waiting and the server's state each started from; the checkpoint its pulls have
 * reached; and one way to write what the server says — `apply` — whose decisions are made
 * inside the collection's write queue, against the documents as they are at that moment,
 * so a local write that lands meanwhile is never overwritten unseen.
 *
 * The storage imports nothing of the sync engine: the engine hands `apply` its decisions.
 */
import { createRevision, now, type RxStorageChangeEvent } from 'rxdb';
import { stableStringify } from '../../../../domain/documents';
import type { CollectionHandle } from './collectionHandle';
import type { Doc } from './memoryCollection';
import type { Page } from './pageLog';
import type { ServerState } from './syncState';

/** A document as the server knows it: without the storage's `_rev`, `_meta` and `_attachments`. */
export function serverStateOf(doc: Doc): ServerState {
  const { _rev, _meta, _attachments, ...rest } = doc;
  void _rev;
  void _meta;
  void _attachments;
  return { ...rest, _deleted: doc._deleted === true };
}

/** Two server states are the same when every field and the deletion flag agree. */
export const sameState = (a: ServerState, b: ServerState) => stableStringify(a) === stableStringify(b);

/** What becomes of one document: its new state (none: as it is), and whether it still waits, from which server state. */
export type Outcome = {
  doc?: ServerState;
  /** `synced`: the document is the server's state now; otherwise it waits, starting from `server`. */
  sync: 'synced' | { server: ServerState };
};

/** A document as `apply` shows it to a decision: as stored, and its waiting change's server state. */
export type Current = {
  id: string;
  doc: ServerState | undefined;
  /** Undefined when nothing waits; null when the document was made on this device. */
  server: ServerState | null | undefined;
};

export class Replica {
  constructor(
    private readonly handle: CollectionHandle,
    private readonly primaryPath: string,
    private readonly token: string,
  ) {}

  get ready(): Promise<void> {
    return this.handle.ready;
  }

  /** How many changes wait, as it changes. */
  get waiting$() {
    return this.handle.sync.count$;
  }

  get checkpoint(): unknown {
    return this.handle.sync.checkpoint;
  }

  /** The changes waiting: each document as it is now, and the server's state it started from. */
  async waiting(): Promise<{ doc: ServerState; server: ServerState | null }[]> {
    await this.handle.ready;
    return this.handle.sync.ids().flatMap((id) => {
      const doc = this.handle.memory.docs.get(id);
      return doc ? [{ doc: serverStateOf(doc), server: this.handle.sync.serverStateOf(id) ?? null }] : [];
    });
  }

  /**
   * Decides, for each of `ids`, what becomes of it (`decide` sees it as stored at that
   * moment), and writes every outcome — with `checkpoint`, when given — in one page.
   */
  apply(ids: string[], decide: (current: Current) => Outcome | null, checkpoint?: unknown): Promise<void> {
    return this.handle.enqueue(async () => {
      const docs: Doc[] = [];
      const events: RxStorageChangeEvent<Doc>[] = [];
      const pending: [string, unknown][] = [];
      const settled: string[] = [];
      const seen = new Set<string>();
      // The page's write time, one `_meta` for all its documents (memoryCollection.ts shares it).
      const meta = { lwt: now() };
      for (const id of ids) {
        if (seen.has(id)) continue;
        seen.add(id);
        const stored = this.handle.memory.docs.get(id);
        const sync = this.handle.sync;
        const outcome = decide({
          id,
          doc: stored ? serverStateOf(stored) : undefined,
          server: sync.isWaiting(id) ? (sync.serverStateOf(id) ?? null) : undefined,
        });
        if (!outcome) continue;
        if (outcome.doc && !(stored && sameState(serverStateOf(stored), outcome.doc))) {
          const written = this.stored(id, outcome.doc, stored, meta);
          docs.push(written);
          const event = changeEvent(id, written, stored);
          if (event) events.push(event);
        }
        if (outcome.sync === 'synced') {
          if (sync.isWaiting(id)) settled.push(id);
        } else if (!sync.isWaiting(id) || !sameState(sync.serverStateOf(id) ?? {}, outcome.sync.server)) {
          pending.push([id, outcome.sync.server]);
        }
      }
      const page: Page<Doc> = {
        docs,
        ...(pending.length > 0 ? { pending } : {}),
        ...(settled.length > 0 ? { settled } : {}),
        ...(checkpoint === undefined ? {} : { checkpoint }),
      };
      await this.handle.write(page);
      // The page's last document in the order of [_meta.lwt, id]: they share one write time.
      const last = docs.reduce<Doc | undefined>(
        (max, doc) =>
          !max || (doc[this.primaryPath] as string) > (max[this.primaryPath] as string) ? doc : max,
        undefined,
      );
      if (last) {
        this.handle.emit({
          id: `${this.token}-${last._meta.lwt}-${docs.length}`,
          events,
          checkpoint: { id: last[this.primaryPath] as string, lwt: last._meta.lwt },
          context: 'cohort-sync',
        });
      }
    });
  }

  /** `state` as the storage keeps it: a new revision, the write's time (`meta`). */
  private stored(id: string, state: ServerState, previous: Doc | undefined, meta: Doc['_meta']): Doc {
    const doc = { ...state, [this.primaryPath]: id, _deleted: state._deleted === true } as Doc;
    doc._attachments = {};
    doc._meta = meta;
    doc._rev = createRevision(this.token, previous);
    return doc;
  }
}

/** The change event RxDB's storages emit for writing `next` over `previous` (none when both are deleted). */
function changeEvent(id: string, next: Doc, previous: Doc | undefined): RxStorageChangeEvent<Doc> | null {
  const wasLive = previous !== undefined && !previous._deleted;
  if (next._deleted) {
    return wasLive
      ? { operation: 'DELETE', documentId: id, documentData: next, previousDocumentData: previous }
      : null;
  }
  return wasLive
    ? { operation: 'UPDATE', documentId: id, documentData: next, previousDocumentData: previous }
    : { operation: 'INSERT', documentId: id, documentData: next, previousDocumentData: undefined };
}
