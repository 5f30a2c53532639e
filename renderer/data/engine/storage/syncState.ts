/**
 * A replicated collection's sync state, a record of Cohort's own (not RxDB's): which
 * documents have a change that waits for the server, and for each the server's state that
 * change started from — the state a push names as the one it assumes, and a merge compares
 * both sides with. A document with no entry is held exactly as the server last sent it.
 * Also the checkpoint the collection's pulls have reached.
 *
 * It lives in the collection's own pages (collectionHandle.ts): a local change and the
 * server state it sets aside, or a pulled page and its checkpoint, reach the disk in one
 * write, or neither does.
 */
import { BehaviorSubject } from 'rxjs';

/** A document's state as the server knows it: its fields and `_deleted`, none of the storage's own. */
export type ServerState = Record<string, unknown>;

export class SyncState {
  private readonly waiting = new Map<string, ServerState | null>();
  /** The number of waiting changes, as it changes. */
  readonly count$ = new BehaviorSubject(0);
  checkpoint: unknown = undefined;

  get size(): number {
    return this.waiting.size;
  }

  /** Whether `id` has a change waiting for the server. */
  isWaiting(id: string): boolean {
    return this.waiting.has(id);
  }

  /** The server's state `id`'s waiting change started from: null for a document made here; undefined when none waits. */
  serverStateOf(id: string): ServerState | null | undefined {
    return this.waiting.get(id);
  }

  ids(): string[] {
    return [...this.waiting.keys()];
  }

  entries(): [string, ServerState | null][] {
    return [...this.waiting.entries()];
  }

  wait(id: string, server: ServerState | null): void {
    this.waiting.set(id, server);
    this.count$.next(this.waiting.size);
  }

  settle(id: string): void {
    if (this.waiting.delete(id)) this.count$.next(this.waiting.size);
  }

  clear(): void {
    this.waiting.clear();
    this.checkpoint = undefined;
    this.count$.next(0);
  }

  complete(): void {
    this.count$.complete();
  }
}
