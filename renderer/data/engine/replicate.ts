/**
 * Cohort's sync engine: replicates the local collections with the server over the HTTP
 * pull/push protocol, driven live by the change stream, retried with backoff, and
 * re-synced on reconnect, on waking and on a timer. RxDB stays the reactive query layer
 * (its collections take the app's writes and run its queries); the engine works through
 * each collection's replica (storage/replica.ts): the changes waiting with the server
 * states they started from, the pull checkpoint, and writes of what the server says.
 *
 * A cycle pushes what waits — groups, then clients, then memberships, so a membership made
 * offline with a new group or client never reaches the server before them — then pulls
 * every collection that may have changed. A pulled document with a change waiting here is
 * merged field by field at once (conflicts.ts); so is one the server refuses to take as
 * pushed, or takes but answers with a state of its own. Nothing else writes: a document
 * held as the server sent it is replaced by what the server sends next.
 */
import { BehaviorSubject, skip } from 'rxjs';
import type { RxCollection } from 'rxdb';
import type { SyncDocument } from '../../../domain/merge';
import {
  PULL_LIMIT_MAX,
  SYNC_COLLECTIONS,
  type Checkpoint,
  type SyncCollection,
} from '../../../sync/protocol';
import { createApiClient } from '../../../sync/client/api';
import { backoffDelay } from '../../../sync/client/backoff';
import { describeError } from '../../../sync/client/errors';
import { syncPhase, type SyncFacts, type SyncStatus } from '../../../sync/client/status';
import { openChangeStream } from '../../../sync/client/stream';
import { watchForWake } from '../../../sync/client/wake';
import { SyncConflicts, type ConflictEntry, type LocalDocumentStore } from './conflicts';
import { withReadAhead } from './readAhead';
import type { Internals } from './storage/instance';
import { sameState, type Current, type Outcome, type Replica } from './storage/replica';
import type { ServerState } from './storage/syncState';

export type SyncOptions = {
  /** Kept for the callers that pass their database (the conflict log is attached on open). */
  db?: LocalDocumentStore;
  collections: Partial<Record<SyncCollection, RxCollection>>;
  /** Merges and the conflict log (conflicts.ts); a fresh one without a log when absent. */
  conflicts?: SyncConflicts;
  serverUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Whether the OS says the device is online (navigator.onLine in the renderer). */
  online$?: BehaviorSubject<boolean>;
  /** Unused: one tab or window holds a database at a time (the storage's lock). */
  waitForLeadership?: boolean;
  /** A full re-sync on this interval, besides the stream. */
  resyncIntervalMs?: number;
  /** Wait before retry `n` after a failure (default: exponential backoff with full jitter, 1 s to 60 s). */
  backoff?: (attempt: number) => number;
  pullBatchSize?: number;
  pushBatchSize?: number;
  /** Called once when the server says the token is no longer valid. */
  onAuthExpired?: () => void;
};

/** One collection's part of sync, paused and started on its own. */
export type CollectionReplication = {
  pause(): Promise<void>;
  start(): Promise<void>;
  reSync(): void;
};

export type SyncController = {
  status$: BehaviorSubject<SyncStatus>;
  /** Pull and push everything now. */
  syncNow(): void;
  /** Resolves when nothing is left to pull or push (never times out: do not block the UI on it). */
  awaitInSync(): Promise<void>;
  replications: Partial<Record<SyncCollection, CollectionReplication>>;
  stop(): Promise<void>;
};

const DEFAULT_RESYNC_MS = 5 * 60_000;

/** The replica of a collection on Cohort's storage (its storage instance's internals: RxStorageInstance.internals). */
export function replicaOf(collection: RxCollection): Replica {
  const replica = (collection.storageInstance.internals as Partial<Internals> | undefined)?.replica;
  if (!replica) throw new Error(`${collection.name} is not a replicated collection on Cohort's storage.`);
  return replica;
}

type Part = {
  name: SyncCollection;
  replica: Replica;
  paused: boolean;
  /** The server may hold changes this device has not pulled. */
  stale: boolean;
};

export async function startSync(options: SyncOptions): Promise<SyncController> {
  const backoff = options.backoff ?? backoffDelay;
  const api = createApiClient({ serverUrl: options.serverUrl, token: options.token, fetch: options.fetch });
  const conflicts = options.conflicts ?? new SyncConflicts();
  const online$ = options.online$ ?? new BehaviorSubject(true);
  const parts: Part[] = SYNC_COLLECTIONS.flatMap((name) => {
    const collection = options.collections[name];
    return collection ? [{ name, replica: replicaOf(collection), paused: false, stale: true }] : [];
  });
  // Not waiting for the collections' loads: the first screen would wait for 500,000
  // memberships to be read. A cycle's pushes and pulls wait for the collection they touch.

  const facts: SyncFacts = {
    online: online$.value,
    active: false,
    pending: 0,
    lastSyncedAt: null,
    error: null,
  };
  const status$ = new BehaviorSubject<SyncStatus>({ ...facts, phase: syncPhase(facts) });
  const update = (patch: Partial<SyncFacts>) => {
    Object.assign(facts, patch);
    status$.next({ ...facts, phase: syncPhase(facts) });
  };
  const pendingNow = () => parts.reduce((n, p) => n + p.replica.waiting$.value, 0);

  let stopped = false;
  let authExpired = false;
  let failures = 0;
  let running: Promise<void> | null = null;
  /** Another cycle is wanted once the running one ends. */
  let again = false;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  const idleWaiters = new Set<() => void>();

  const pullers = new Map(
    parts.map((p) => [
      p.name,
      withReadAhead((checkpoint, limit) => api.pull<SyncDocument>(p.name, checkpoint, limit)),
    ]),
  );

  /** Starts a cycle now, or after the running one. */
  function schedule() {
    if (stopped || authExpired) return;
    clearTimeout(retryTimer);
    retryTimer = undefined;
    if (running) {
      again = true;
      return;
    }
    running = cycle().finally(() => {
      running = null;
      if (again && !retryTimer) {
        again = false;
        schedule();
      } else checkIdle();
    });
  }

  /** Rounds of push and pull a cycle makes at most before it lets the next cycle go on. */
  const ROUNDS = 4;

  async function cycle(): Promise<void> {
    update({ active: true });
    try {
      for (let round = 0; round < ROUNDS && !stopped; round++) {
        again = false;
        for (const part of parts) if (!part.paused) await push(part);
        for (const part of parts) {
          if (part.paused || !part.stale) continue;
          part.stale = false;
          try {
            await pull(part);
          } catch (error) {
            part.stale = true;
            throw error;
          }
        }
        // A pull's merge may leave a change to send; a write made meanwhile asked again.
        if (!again && !parts.some((p) => !p.paused && p.replica.waiting$.value > 0)) break;
      }
      succeed();
      if (!stopped) update({ active: false, lastSyncedAt: Date.now() });
    } catch (error) {
      update({ active: false });
      fail(error);
    }
  }

  async function push(part: Part): Promise<void> {
    const waiting = await part.replica.waiting();
    const size = options.pushBatchSize ?? 100;
    for (let i = 0; i < waiting.length; i += size) {
      if (stopped || part.paused) return;
      const rows = waiting.slice(i, i + size).map((w) => ({
        assumedMasterState: w.server as SyncDocument | null,
        newDocumentState: w.doc as SyncDocument,
      }));
      const answer = await api.push<SyncDocument>(part.name, rows);
      conflicts.noteRejections(part.name, answer.rejections);
      const conflicting = new Map(answer.conflicts.map((d) => [d.id, d as ServerState]));
      const pushed = new Map(rows.map((r) => [r.newDocumentState.id, r.newDocumentState as ServerState]));
      const entries: ConflictEntry[] = [];
      await part.replica.apply([...pushed.keys()], (current) => {
        const real = conflicting.get(current.id);
        const sent = pushed.get(current.id) as ServerState;
        if (real) return settle(part.name, current, real, entries);
        // Taken: the document is the server's state now — unless it changed here since it was sent.
        if (current.doc && sameState(current.doc, sent)) return { sync: 'synced' };
        return { sync: { server: sent } };
      });
      await conflicts.record(entries);
    }
  }

  async function pull(part: Part): Promise<void> {
    const limit = options.pullBatchSize ?? PULL_LIMIT_MAX;
    const fetchPage = pullers.get(part.name);
    if (!fetchPage) return;
    for (;;) {
      if (stopped || part.paused) return;
      const from = (part.replica.checkpoint as Checkpoint | undefined) ?? null;
      const page = await fetchPage(from, limit);
      const byId = new Map(page.documents.map((d) => [d.id, d as unknown as ServerState]));
      const entries: ConflictEntry[] = [];
      await part.replica.apply(
        [...byId.keys()],
        (current) => settle(part.name, current, byId.get(current.id) as ServerState, entries),
        page.checkpoint ?? from ?? undefined,
      );
      await conflicts.record(entries);
      if (page.documents.length < limit) return;
    }
  }

  /**
   * What becomes of a document the server holds as `real`: a document without a change
   * waiting becomes it; one with a change waiting keeps it when the server has not moved
   * from where it started, else merges with it (or, refused, reverts to it).
   */
  function settle(
    name: SyncCollection,
    current: Current,
    real: ServerState,
    entries: ConflictEntry[],
  ): Outcome {
    if (current.server === undefined) return { doc: real, sync: 'synced' };
    const local = current.doc;
    if (!local) return { doc: real, sync: 'synced' };
    if (sameState(local, real)) return { sync: 'synced' };
    const assumed = current.server;
    const resolved = conflicts.resolve(name, {
      assumed: assumed as SyncDocument | null,
      real: real as SyncDocument,
      local: local as SyncDocument,
    });
    entries.push(...resolved.entries);
    const merged = resolved.merged as unknown as ServerState;
    if (sameState(merged, real)) return { doc: real, sync: 'synced' };
    return { doc: merged, sync: { server: real } };
  }

  const succeed = () => {
    if (failures > 0 || facts.error) {
      failures = 0;
      update({ error: null });
    }
  };

  const fail = (error: unknown) => {
    if (stopped) return;
    const info = describeError(error);
    if (info.kind === 'auth') {
      if (!authExpired) {
        authExpired = true;
        update({ error: info, active: false });
        stopLive();
        options.onAuthExpired?.();
      }
      return;
    }
    // The server needs a newer app: trying again soon cannot help (the periodic resync and
    // "Sync now" still try, for a server rolled back). Nothing waiting is lost meanwhile.
    if (info.kind === 'update') {
      update({ error: info });
      return;
    }
    failures += 1;
    update({ error: info });
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      schedule();
    }, backoff(failures));
  };

  function checkIdle() {
    if (running || retryTimer || again) return;
    if (facts.error || pendingNow() > 0 || parts.some((p) => p.stale && !p.paused)) return;
    for (const resolve of [...idleWaiters]) resolve();
  }

  const markStale = (names?: SyncCollection[]) => {
    for (const p of parts) if (!names || names.includes(p.name)) p.stale = true;
  };

  const changeStream = openChangeStream({
    serverUrl: options.serverUrl,
    token: options.token,
    fetch: options.fetch,
    backoff,
    handlers: {
      onOpen: () => {
        markStale();
        schedule();
      },
      onChange: (event) => {
        markStale([event.collection]);
        schedule();
      },
      // A dropped stream reconnects by itself; pulls and pushes report network trouble.
      onError: (_error, status) => {
        if (status === 401) fail(new Error('401'));
      },
    },
  });

  const subs = [
    ...parts.map((p) =>
      p.replica.waiting$.subscribe(() => {
        update({ pending: pendingNow() });
        // A local write waits: send it.
        if (p.replica.waiting$.value > 0 && !p.paused) schedule();
      }),
    ),
    // The first value is the state at start; only later switches reconnect.
    online$.pipe(skip(1)).subscribe((online) => {
      update({ online });
      if (online && !stopped && !authExpired) {
        changeStream.reconnectNow();
        markStale();
        schedule();
      }
    }),
  ];

  const timer = setInterval(() => {
    markStale();
    schedule();
  }, options.resyncIntervalMs ?? DEFAULT_RESYNC_MS);
  // A laptop that slept missed the stream's events and may hold a dead connection.
  const stopWakeWatch = watchForWake(() => {
    if (stopped || authExpired || !online$.value) return;
    changeStream.reconnectNow();
    markStale();
    schedule();
  });

  function stopLive() {
    changeStream.close();
    clearInterval(timer);
    clearTimeout(retryTimer);
    stopWakeWatch();
    for (const fetchPage of pullers.values()) fetchPage.forget();
  }

  const replications: SyncController['replications'] = Object.fromEntries(
    parts.map((part): [SyncCollection, CollectionReplication] => [
      part.name,
      {
        async pause() {
          part.paused = true;
          await running;
        },
        async start() {
          part.paused = false;
          part.stale = true;
          failures = 0;
          schedule();
        },
        reSync() {
          part.stale = true;
          schedule();
        },
      },
    ]),
  );

  update({ pending: pendingNow() });
  schedule();

  return {
    status$,
    replications,
    syncNow() {
      if (stopped || authExpired) return;
      changeStream.reconnectNow();
      markStale();
      failures = 0;
      schedule();
    },
    awaitInSync() {
      return new Promise<void>((resolve) => {
        const done = () => {
          idleWaiters.delete(done);
          resolve();
        };
        idleWaiters.add(done);
        checkIdle();
      });
    },
    async stop() {
      stopped = true;
      for (const s of subs) s.unsubscribe();
      stopLive();
      await running;
    },
  };
}
