/**
 * Counts local changes the server has not yet taken ("N changes waiting"). Every local
 * write records the document's state; a push that the server accepted, or answered
 * with its own state, settles it. Kept in a local document, so the count survives a
 * restart while offline.
 */
import { BehaviorSubject } from 'rxjs';
import type { RxCollection } from 'rxdb';

/** The part of a database the outbox uses: its local documents. */
export interface LocalDocumentStore {
  getLocal(id: string): Promise<{ get(field: string): unknown } | null>;
  upsertLocal(id: string, data: Record<string, unknown>): Promise<unknown>;
}
import { stableStringify, toWireDocument } from '../../domain/documents';
import { tombstoneOf } from '../../domain/tombstone';

/** The local document holding the entries. */
export const OUTBOX_DOC = 'sync-outbox';
/** An entry's key, as whenSettled is asked for it: `collection/id`. */
export const outboxKey = (collection: string, id: string) => `${collection}/${id}`;
type Entries = Record<string, string>;

export class Outbox {
  private entries = new Map<string, string>();
  private writes: Promise<unknown> = Promise.resolve();
  readonly count$ = new BehaviorSubject(0);

  /** Checks run after every change of the entries, by those waiting for some to settle. */
  private readonly waiters = new Set<() => void>();
  private released = false;

  private constructor(private readonly db: LocalDocumentStore) {}

  /**
   * Resolves once none of `keys` (`collection/id`) waits for the server any more, or
   * when the outbox is released (sync stopped).
   */
  whenSettled(keys: string[]): Promise<void> {
    const settled = () => this.released || !keys.some((key) => this.entries.has(key));
    if (settled()) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (!settled()) return;
        this.waiters.delete(check);
        resolve();
      };
      this.waiters.add(check);
    });
  }

  /** Whether a local change of `collection/id` waits for the server. */
  isWaiting(collection: string, id: string): boolean {
    return this.entries.has(outboxKey(collection, id));
  }

  /** The ids of `collection`'s documents with a change waiting. */
  waitingIds(collection: string): string[] {
    const prefix = outboxKey(collection, '');
    return [...this.entries.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => key.slice(prefix.length));
  }

  /** Lets everyone waiting in whenSettled go (sync is stopping). */
  release(): void {
    this.released = true;
    for (const check of [...this.waiters]) check();
  }

  static async open(db: LocalDocumentStore): Promise<Outbox> {
    const outbox = new Outbox(db);
    const stored = await db.getLocal(OUTBOX_DOC);
    outbox.entries = new Map(Object.entries((stored?.get('entries') as Entries | undefined) ?? {}));
    outbox.count$.next(outbox.entries.size);
    return outbox;
  }

  /** Records local writes to `collection` (RxDB hooks run for local writes, not replicated ones). */
  track(name: string, collection: RxCollection): void {
    const record = (data: object) => this.mark(name, data);
    collection.postInsert((data) => record(data), false);
    collection.postSave((data) => record(data), false);
    collection.postRemove((data) => record({ ...data, _deleted: true }), false);
  }

  mark(collection: string, doc: object): Promise<unknown> {
    // A deletion is recorded as what is stored and pushed: a tombstone, its content erased.
    const written = toWireDocument(doc as { id: string });
    const wire = written._deleted ? tombstoneOf(written) : written;
    this.entries.set(outboxKey(collection, wire.id), stableStringify(wire));
    return this.persist();
  }

  /**
   * The server took `pushed` (or answered with its own state for `conflicted` ids).
   * An entry is settled only when no later local write replaced the pushed state.
   */
  settle(collection: string, pushed: object[], conflicted: Set<string>): Promise<unknown> {
    let changed = false;
    for (const doc of pushed) {
      const sent = toWireDocument(doc as { id: string });
      const wire = sent._deleted ? tombstoneOf(sent) : sent;
      const key = outboxKey(collection, wire.id);
      const recorded = this.entries.get(key);
      if (recorded === undefined) continue;
      if (conflicted.has(wire.id) || recorded === stableStringify(wire)) {
        this.entries.delete(key);
        changed = true;
      }
    }
    return changed ? this.persist() : Promise.resolve();
  }

  private persist(): Promise<unknown> {
    this.count$.next(this.entries.size);
    for (const check of [...this.waiters]) check();
    const snapshot = { entries: Object.fromEntries(this.entries) };
    this.writes = this.writes.then(() => this.db.upsertLocal(OUTBOX_DOC, snapshot)).catch(() => undefined);
    return this.writes;
  }
}
