/**
 * Replicates the local collections with the server: one RxDB replication per
 * collection over the HTTP pull/push endpoints, driven live by the change stream,
 * retried with backoff, and re-synced on reconnect and on a timer.
 */
import { BehaviorSubject, skip, Subject } from 'rxjs';
import { getAssumedMasterState, type RxCollection } from 'rxdb';
import { replicateRxCollection, type RxReplicationState } from 'rxdb/plugins/replication';
import { PULL_LIMIT_MAX, type Checkpoint, type SyncCollection } from '../protocol';
import { createApiClient, isAuthError, NetworkError } from './api';
import { backoffDelay } from './backoff';
import type { SyncConflicts } from './conflicts';
import { Outbox, outboxKey, type LocalDocumentStore } from './outbox';
import { bulkPullHandler } from './bulkPull';
import { linkReplicationState } from './replicationLinks';
import { withReadAhead } from './readAhead';
import { syncPhase, type SyncErrorInfo, type SyncFacts, type SyncStatus } from './status';
import { openChangeStream } from './stream';
import { watchForWake } from './wake';

export type SyncOptions = {
  db: LocalDocumentStore;
  collections: Partial<Record<SyncCollection, RxCollection>>;
  /** The collections' conflict handlers: told which pushed rows the server refused. */
  conflicts?: SyncConflicts;
  serverUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Whether the OS says the device is online (navigator.onLine in the renderer). */
  online$?: BehaviorSubject<boolean>;
  /** Wait for leadership among browser tabs before replicating (see database.ts). */
  waitForLeadership?: boolean;
  /** A full re-sync on this interval, besides the stream. */
  resyncIntervalMs?: number;
  /** Wait before retry `n` after a failure (default: exponential backoff with full jitter, 1 s to 60 s). */
  backoff?: (attempt: number) => number;
  pullBatchSize?: number;
  pushBatchSize?: number;
  /** Write pulled pages through the bulk path (bulkPull.ts) instead of RxDB's downstream alone; default true. */
  bulkPull?: boolean;
  /** Called once when the server says the token is no longer valid. */
  onAuthExpired?: () => void;
};

export type SyncController = {
  status$: BehaviorSubject<SyncStatus>;
  /** Pull and push everything now. */
  syncNow(): void;
  /** Resolves when every collection has nothing left to pull or push (never times out: do not block the UI on it). */
  awaitInSync(): Promise<void>;
  replications: Partial<Record<SyncCollection, RxReplicationState<SyncedDoc, Checkpoint>>>;
  stop(): Promise<void>;
};

/** What replication needs to know of a document: its id. */
type SyncedDoc = { id: string };

const DEFAULT_RESYNC_MS = 5 * 60_000;

export async function startSync(options: SyncOptions): Promise<SyncController> {
  const backoff = options.backoff ?? backoffDelay;
  const api = createApiClient({ serverUrl: options.serverUrl, token: options.token, fetch: options.fetch });
  const outbox = await Outbox.open(options.db);
  const online$ = options.online$ ?? new BehaviorSubject(true);
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
  let stopped = false;
  let authExpired = false;
  let failures = 0;

  const fail = (error: unknown) => {
    if (stopped) return;
    const info = describeError(error);
    if (info.kind === 'auth' && !authExpired) {
      authExpired = true;
      update({ error: info, active: false });
      void stopReplications();
      options.onAuthExpired?.();
      return;
    }
    failures += 1;
    const delay = backoff(failures);
    for (const r of replicationList()) r.retryTime = delay;
    update({ error: info });
  };
  const succeed = () => {
    if (failures > 0 || facts.error) {
      failures = 0;
      for (const r of replicationList()) r.retryTime = backoff(0);
      update({ error: null });
    }
  };

  /** Runs a pull or push: success clears the error state, a failure sets it and backs off. */
  const reported = async <T>(work: () => Promise<T>): Promise<T> => {
    try {
      const result = await work();
      succeed();
      return result;
    } catch (error) {
      fail(error);
      throw error;
    }
  };

  const streams: Partial<Record<SyncCollection, Subject<'RESYNC'>>> = {};
  const replications: SyncController['replications'] = {};
  const replicationList = () => Object.values(replications);
  const forgetReadAheads: (() => void)[] = [];
  const starts: Promise<void>[] = [];

  for (const [name, collection] of Object.entries(options.collections) as [SyncCollection, RxCollection][]) {
    outbox.track(name, collection);
    const stream$ = new Subject<'RESYNC'>();
    streams[name] = stream$;
    const readAhead = withReadAhead((checkpoint, limit) => api.pull<SyncedDoc>(name, checkpoint, limit));
    forgetReadAheads.push(readAhead.forget);
    const pullPage =
      options.bulkPull === false
        ? readAhead
        : bulkPullHandler({
            fetchPage: readAhead,
            state: () => replications[name]?.internalReplicationState,
            waiting: (id) => outbox.isWaiting(name, id),
          });
    const replicationIdentifier = `cohort-${name}-${options.serverUrl}`;
    const replication = replicateRxCollection<SyncedDoc, Checkpoint>({
      replicationIdentifier,
      collection,
      live: true,
      retryTime: backoff(0),
      waitForLeadership: options.waitForLeadership ?? false,
      // Started below, once the storage knows where its replication state is.
      autoStart: false,
      pull: {
        batchSize: options.pullBatchSize ?? PULL_LIMIT_MAX,
        stream$: stream$.asObservable(),
        handler: (checkpoint, batchSize) =>
          reported(async () => {
            const result = await pullPage(checkpoint, batchSize);
            return { documents: result.documents, checkpoint: result.checkpoint ?? checkpoint };
          }),
      },
      push: {
        batchSize: options.pushBatchSize ?? 100,
        handler: (rows) =>
          reported(async () => {
            // A membership goes after its group and client: each collection pushes on its
            // own, and a membership made offline with a new group would otherwise reach the
            // server first, be refused and be undone.
            if (name === 'memberships') {
              await outbox.whenSettled(parentsOf(rows.map((r) => r.newDocumentState)));
              if (stopped) throw new Error('Sync stopped.');
            }
            const result = await api.push<SyncedDoc>(
              name,
              rows.map((r) => ({
                assumedMasterState: r.assumedMasterState ?? null,
                newDocumentState: r.newDocumentState,
              })),
            );
            options.conflicts?.noteRejections(name, result.rejections);
            const conflicted = new Set(result.conflicts.map((d) => d.id));
            await outbox.settle(
              name,
              rows.map((r) => r.newDocumentState),
              conflicted,
            );
            return result.conflicts;
          }),
      },
    });
    // Handler failures are reported by `reported` with the error itself (RxDB passes them
    // on flattened to plain objects); what remains are RxDB's own, such as a failed write.
    replication.error$.subscribe((error) => {
      if (!isHandlerFailure(error)) fail(error);
    });
    replications[name] = replication;
    starts.push(startLinked(replication, collection, replicationIdentifier));
  }
  await Promise.all(starts);

  const changeStream = openChangeStream({
    serverUrl: options.serverUrl,
    token: options.token,
    fetch: options.fetch,
    backoff,
    handlers: {
      onOpen: () => {
        for (const s of Object.values(streams)) s.next('RESYNC');
      },
      onChange: (event) => streams[event.collection]?.next('RESYNC'),
      // A dropped stream reconnects by itself; pulls and pushes report network trouble.
      onError: (_error, status) => {
        if (status === 401) fail(new Error('401'));
      },
    },
  });
  const subs = [
    outbox.count$.subscribe((pending) => update({ pending })),
    // The first value is the state at start; only later switches reconnect.
    online$.pipe(skip(1)).subscribe((online) => {
      update({ online });
      if (online && !stopped && !authExpired) {
        changeStream.reconnectNow();
        for (const r of replicationList()) r.reSync();
      }
    }),
  ];
  /**
   * Settles the changes of `name` whose state the replication already holds as the
   * server's. RxDB pushes a local write only when it differs from that state, so such a
   * change is never pushed and would wait for ever. Seen in the chaos test: a write that
   * re-saves the state it found (an edit that finds the document deleted, identically,
   * by another device a moment before). Possible too: a write stored between a bulk
   * pull's look at the outbox and its own write of the same state.
   */
  const settleKnown = async (name: SyncCollection) => {
    const state = replications[name]?.internalReplicationState;
    const ids = outbox.waitingIds(name);
    if (!state || ids.length === 0 || stopped || state.events.canceled.getValue()) return;
    const known = await getAssumedMasterState(state, ids);
    await outbox.settle(
      name,
      Object.values(known).map((k) => k.docData),
      new Set(),
    );
  };
  /**
   * Collections whose replication has run and finished a cycle since sync started. Until
   * all have, the device is not synced: a collection whose replication has not started
   * yet is idle, and the others finishing first must not read as "synced".
   */
  const started = new Set<SyncCollection>();
  const cycled = new Set<SyncCollection>();
  for (const [name, r] of Object.entries(replications) as [
    SyncCollection,
    RxReplicationState<SyncedDoc, Checkpoint>,
  ][]) {
    subs.push(
      r.active$.subscribe((busy) => {
        if (busy) started.add(name);
        else if (started.has(name)) cycled.add(name);
        // Once the collection is idle, nothing pushes what is left: check it.
        if (!busy) settleKnown(name).catch(() => undefined);
        const active = replicationList().some((x) => isActive(x)) || cycled.size < replicationList().length;
        // A cycle that just ended without an error is a completed sync.
        if (facts.active && !active && !facts.error) update({ active, lastSyncedAt: Date.now() });
        else if (facts.active !== active) update({ active });
      }),
    );
  }

  const timer = setInterval(() => {
    for (const r of replicationList()) r.reSync();
  }, options.resyncIntervalMs ?? DEFAULT_RESYNC_MS);
  // A laptop that slept missed the stream's events and may hold a dead connection.
  const stopWakeWatch = watchForWake(() => {
    if (stopped || authExpired || !online$.value) return;
    changeStream.reconnectNow();
    for (const r of replicationList()) r.reSync();
  });

  async function stopReplications() {
    changeStream.close();
    clearInterval(timer);
    stopWakeWatch();
    for (const forget of forgetReadAheads) forget();
    outbox.release();
    await Promise.all(replicationList().map((r) => r.cancel()));
  }

  return {
    status$,
    replications,
    syncNow() {
      if (stopped || authExpired) return;
      changeStream.reconnectNow();
      for (const r of replicationList()) r.reSync();
    },
    async awaitInSync() {
      await Promise.all(replicationList().map((r) => r.awaitInSync()));
    },
    async stop() {
      stopped = true;
      for (const s of subs) s.unsubscribe();
      await stopReplications();
    },
  };
}

/**
 * Tells the local storage which collection holds `replication`'s state and how RxDB marks
 * documents written from the server (replicationLinks.ts), then starts it. RxDB names the
 * replication's meta collection (metaInfoPromise) and marks documents with the hash of
 * 'rxdbreplication' + the identifier (rxdb/plugins/replication: `identifier`).
 */
async function startLinked(
  replication: RxReplicationState<SyncedDoc, Checkpoint>,
  collection: RxCollection,
  replicationIdentifier: string,
): Promise<void> {
  const meta = await replication.metaInfoPromise;
  linkReplicationState(collection.database.name, {
    forkCollection: collection.name,
    metaCollection: meta.collectionName,
    identifierHash: await collection.database.hashFunction(`rxdbreplication${replicationIdentifier}`),
  });
  // Failures are reported on error$ (subscribed above), as with autoStart.
  void replication.start().catch(() => undefined);
}

/** The outbox keys of the groups and clients that memberships being created or changed refer to. */
function parentsOf(memberships: SyncedDoc[]): string[] {
  return memberships.flatMap((doc) => {
    const m = doc as SyncedDoc & { groupId?: string; clientId?: string; _deleted?: boolean };
    return m._deleted
      ? []
      : [outboxKey('groups', String(m.groupId)), outboxKey('clients', String(m.clientId))];
  });
}

function isActive(r: RxReplicationState<SyncedDoc, Checkpoint>): boolean {
  return r.subjects.active.getValue();
}

/** RxDB's wrapper of an error thrown by a pull or push handler (RC_PULL, RC_PUSH with `errors`). */
function isHandlerFailure(error: unknown): boolean {
  const params = (error as { parameters?: { errors?: unknown[] } }).parameters;
  return Array.isArray(params?.errors);
}

/**
 * An error followed by every error it wraps: Dexie's `inner`, RxDB's `parameters.error`
 * and `parameters.errors`, a Dexie BulkError's `failures`, and `cause`.
 */
export function errorChain(error: unknown): unknown[] {
  const found = new Set<unknown>();
  const queue = [error];
  // Bounded: a wrapper pointing back at itself, or a huge bulk failure, ends the walk.
  while (queue.length > 0 && found.size < 100) {
    const next = queue.shift();
    if (next === null || next === undefined || found.has(next)) continue;
    found.add(next);
    if (typeof next !== 'object') continue;
    const e = next as {
      inner?: unknown;
      cause?: unknown;
      failures?: unknown;
      parameters?: { error?: unknown; errors?: unknown };
    };
    queue.push(e.inner, e.cause, e.parameters?.error);
    for (const list of [e.failures, e.parameters?.errors]) {
      if (Array.isArray(list)) queue.push(...(list as unknown[]));
      else if (list && typeof list === 'object') queue.push(...Object.values(list));
    }
  }
  return [...found];
}

/** The disk or the origin's storage quota is full: a QuotaExceededError, however wrapped. */
export function isQuotaError(error: unknown): boolean {
  return errorChain(error).some((e) => {
    const name = e && typeof e === 'object' ? (e as { name?: unknown }).name : undefined;
    // Firefox's older name for the same condition.
    return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED';
  });
}

export function describeError(error: unknown): SyncErrorInfo {
  if (isQuotaError(error)) {
    return { kind: 'storage', message: "This device's storage is full: changes cannot be stored." };
  }
  if (isAuthError(error) || (error instanceof Error && error.message === '401')) {
    return { kind: 'auth', message: 'Your sign-in has expired. Sign in again to resume sync.' };
  }
  if (error instanceof NetworkError || error instanceof TypeError) {
    return { kind: 'network', message: 'The server cannot be reached.' };
  }
  return { kind: 'server', message: error instanceof Error ? error.message : String(error) };
}
