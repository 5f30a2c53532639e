/**
 * Conflicts on this device: the collections' conflict handler (a field-level merge,
 * domain/merge.ts) and the conflict log (DESIGN.md invariant 4).
 *
 * Every value that lost a merge and every change the server refused is written to the
 * log, a local document of this device that survives restarts. The sync engine
 * (replicate.ts) asks for the merge, or, for a change the server refused, the revert.
 */
import { BehaviorSubject } from 'rxjs';
import { stableHash, stableStringify, toWireDocument } from '../../../domain/documents';
import { mergeDocuments, type LostChange, type Side, type SyncDocument } from '../../../domain/merge';
import type { Rejection, SyncCollection } from '../../../sync/protocol';

/** The part of a database the conflict log uses: its local documents (RxDB's). */
export interface LocalDocumentStore {
  getLocal(id: string): Promise<{ get(field: string): unknown } | null>;
  upsertLocal(id: string, data: Record<string, unknown>): Promise<unknown>;
}

export type ConflictEntry = {
  /** Made from what was lost, so resolving the same conflict twice logs it once. */
  id: string;
  at: number;
  collection: SyncCollection;
  docId: string;
  /**
   * `field`: one value lost a merge; `deleted`: an edit gave way to a deletion;
   * `rejected`: the server refused this device's change and the device reverted it.
   */
  kind: 'field' | 'deleted' | 'rejected';
  /** Whose change was lost: this device's, or one the server already had from another device. */
  side: Side;
  /** For `field`: the field's path (`name`, `metadata.room`). */
  field?: string;
  /** The lost value (`field`) or document (`deleted`, `rejected`). */
  lost: unknown;
  /** What stayed: the winning value (`field`) or the server's document. */
  kept: unknown;
  reason?: { code: string; message: string };
  restoredAt?: number;
};

type Stored = { entries: ConflictEntry[]; seenAt: number };

const LOG_DOC = 'sync-conflicts';
/** The newest entries kept; older ones are dropped so the log cannot grow without bound. */
export const CONFLICT_LOG_MAX = 500;

export class ConflictLog {
  readonly entries$ = new BehaviorSubject<ConflictEntry[]>([]);
  /** Entries logged since the user last opened the conflicts screen. */
  readonly unseen$ = new BehaviorSubject(0);
  private seenAt = 0;
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: LocalDocumentStore) {}

  static async open(db: LocalDocumentStore): Promise<ConflictLog> {
    const log = new ConflictLog(db);
    const stored = (await db.getLocal(LOG_DOC))?.get('data') as Stored | undefined;
    log.seenAt = stored?.seenAt ?? 0;
    log.publish(stored?.entries ?? []);
    return log;
  }

  get entries(): ConflictEntry[] {
    return this.entries$.value;
  }

  add(entries: ConflictEntry[]): Promise<unknown> {
    const known = new Set(this.entries.map((e) => e.id));
    const fresh = entries.filter((e) => !known.has(e.id));
    if (fresh.length === 0) return this.writes;
    return this.save([...fresh.reverse(), ...this.entries].slice(0, CONFLICT_LOG_MAX));
  }

  markSeen(now = Date.now()): Promise<unknown> {
    this.seenAt = now;
    return this.save(this.entries);
  }

  markRestored(id: string, now = Date.now()): Promise<unknown> {
    return this.save(this.entries.map((e) => (e.id === id ? { ...e, restoredAt: now } : e)));
  }

  clear(): Promise<unknown> {
    return this.save([]);
  }

  /**
   * A client was deleted: the entries that hold their values go with them — the client's
   * own, and those of their memberships (`<group>:<client>`).
   */
  forgetClient(clientId: string): Promise<unknown> {
    const theirs = (e: ConflictEntry) =>
      (e.collection === 'clients' && e.docId === clientId) ||
      (e.collection === 'memberships' && e.docId.endsWith(`:${clientId}`));
    if (!this.entries.some(theirs)) return this.writes;
    return this.save(this.entries.filter((e) => !theirs(e)));
  }

  private publish(entries: ConflictEntry[]) {
    this.entries$.next(entries);
    this.unseen$.next(entries.filter((e) => e.at > this.seenAt).length);
  }

  private save(entries: ConflictEntry[]): Promise<unknown> {
    this.publish(entries);
    const data: Stored = { entries, seenAt: this.seenAt };
    this.writes = this.writes.then(() => this.db.upsertLocal(LOG_DOC, { data })).catch(() => undefined);
    return this.writes;
  }
}

/**
 * How this device settles a conflict, and its conflict log. The sync engine asks `resolve`
 * whenever the server's state and a change waiting here both moved from the state the
 * change started from — at a pull, or in a push's answer — and reports the server's
 * refusals first (`noteRejections`); the log is attached once the database is open.
 */
export class SyncConflicts {
  private log: ConflictLog | null = null;
  private readonly refused = new Map<string, Rejection>();
  private readonly pending: ConflictEntry[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  attach(log: ConflictLog): void {
    this.log = log;
    void log.add(this.pending.splice(0));
  }

  get conflictLog(): ConflictLog {
    if (!this.log) throw new Error('The conflict log is attached when the database opens.');
    return this.log;
  }

  /** The server refused these rows; their conflicts are the server's state to revert to. */
  noteRejections(collection: SyncCollection, rejections: Rejection[]): void {
    for (const r of rejections) this.refused.set(`${collection}/${r.id}`, r);
  }

  /**
   * The state a document settles on: the server's `real` state when the server refused
   * this device's change (`local`), else the field-by-field merge against `assumed` (the
   * server state `local` started from). What lost is in `entries`, for the log (record()).
   */
  resolve(
    collection: SyncCollection,
    input: { assumed: SyncDocument | null; real: SyncDocument; local: SyncDocument },
  ): { merged: SyncDocument; entries: ConflictEntry[] } {
    const local = toWireDocument(input.local) as unknown as SyncDocument;
    const real = toWireDocument(input.real) as unknown as SyncDocument;
    const assumed = input.assumed ? (toWireDocument(input.assumed) as unknown as SyncDocument) : null;
    const key = `${collection}/${local.id}`;
    const rejection = this.refused.get(key);
    if (rejection) {
      this.refused.delete(key);
      const refused = entry(collection, local.id, this.now(), real.updatedAt, {
        kind: 'rejected',
        side: 'local',
        lost: local,
        kept: real,
        reason: { code: rejection.code, message: rejection.message },
      });
      return { merged: real, entries: [refused] };
    }
    const { merged, lost } = mergeDocuments({ assumed, real, local });
    // An edit of a client that was deleted is erased with the client (a deletion erases).
    const kept = collection === 'clients' ? lost.filter((l) => l.kind !== 'deleted') : lost;
    return { merged, entries: kept.map((l) => entryForLoss(collection, local.id, this.now(), l, real)) };
  }

  /** Writes entries resolve() returned to the log (kept until it is attached). */
  async record(entries: ConflictEntry[]): Promise<void> {
    if (entries.length === 0) return;
    if (this.log) await this.log.add(entries);
    else this.pending.push(...entries);
  }
}

function entryForLoss(
  collection: SyncCollection,
  docId: string,
  at: number,
  loss: LostChange,
  real: SyncDocument,
): ConflictEntry {
  if (loss.kind === 'field') {
    return entry(collection, docId, at, real.updatedAt, {
      kind: 'field',
      side: loss.side,
      field: loss.field,
      lost: loss.lost,
      kept: loss.kept,
    });
  }
  return entry(collection, docId, at, real.updatedAt, {
    kind: 'deleted',
    side: loss.side,
    lost: loss.lost,
    kept: real,
  });
}

function entry(
  collection: SyncCollection,
  docId: string,
  at: number,
  serverVersion: number,
  details: Omit<ConflictEntry, 'id' | 'at' | 'collection' | 'docId'>,
): ConflictEntry {
  // The same loss resolved twice against the same server state (RxDB may retry a
  // resolution) has the same id, and is logged once.
  const id = stableHash(stableStringify({ collection, docId, serverVersion, ...details }));
  return { id, at, collection, docId, ...details };
}
