/**
 * A light device for load tests: it speaks the sync protocol exactly as the app does
 * (the app's own API client and change stream), but keeps its replica in maps instead of
 * RxDB, so hundreds fit in one process. It pulls when the stream says something changed
 * (one pull per collection at a time; events during a pull make one more), pushes with
 * the state it last saw as the assumed master state, and takes the server's state when
 * a push conflicts — so when everyone stops, every device must hold what the server holds.
 */
import { stableStringify } from '../../domain/documents';
import { createApiClient, type ApiClient } from '../client/api';
import { openChangeStream, type ChangeStream } from '../client/stream';
import { SYNC_COLLECTIONS, type Checkpoint, type SyncCollection } from '../protocol';

export type WireDoc = { id: string; _deleted: boolean } & Record<string, unknown>;

export type DeviceCounts = {
  pushes: number;
  pushedDocs: number;
  conflicts: number;
  rejections: number;
  pulls: number;
  pulledDocs: number;
  streamEvents: number;
  errors: string[];
};

export class ProtocolDevice {
  readonly docs = Object.fromEntries(SYNC_COLLECTIONS.map((c) => [c, new Map<string, WireDoc>()])) as Record<
    SyncCollection,
    Map<string, WireDoc>
  >;
  readonly counts: DeviceCounts = {
    pushes: 0,
    pushedDocs: 0,
    conflicts: 0,
    rejections: 0,
    pulls: 0,
    pulledDocs: 0,
    streamEvents: 0,
    errors: [],
  };
  private readonly api: ApiClient;
  private readonly checkpoints: Partial<Record<SyncCollection, Checkpoint | null>> = {};
  private readonly pulling = new Map<SyncCollection, Promise<void>>();
  private readonly again = new Set<SyncCollection>();
  private stream: ChangeStream | null = null;

  constructor(
    readonly name: string,
    private readonly serverUrl: string,
    private readonly token: string,
  ) {
    this.api = createApiClient({ serverUrl, token });
  }

  /** Opens the change stream; every (re)connect pulls everything new. */
  start(): void {
    this.stream = openChangeStream({
      serverUrl: this.serverUrl,
      token: this.token,
      backoff: () => 500,
      handlers: {
        onOpen: () => {
          for (const c of SYNC_COLLECTIONS) void this.pull(c);
        },
        onChange: (event) => {
          this.counts.streamEvents += 1;
          void this.pull(event.collection);
        },
        onError: (error) => this.counts.errors.push(`stream: ${String(error)}`),
      },
    });
  }

  stop(): void {
    this.stream?.close();
    this.stream = null;
  }

  /** Pulls `collection` until caught up; a pull asked for meanwhile runs once more after. */
  pull(collection: SyncCollection): Promise<void> {
    const running = this.pulling.get(collection);
    if (running) {
      this.again.add(collection);
      return running;
    }
    const run = (async () => {
      do {
        this.again.delete(collection);
        await this.pullPages(collection);
      } while (this.again.has(collection));
    })()
      .catch((error: unknown) => {
        this.counts.errors.push(`pull ${collection}: ${String(error)}`);
      })
      .finally(() => {
        this.pulling.delete(collection);
      });
    this.pulling.set(collection, run);
    return run;
  }

  private async pullPages(collection: SyncCollection) {
    const limit = 200;
    for (;;) {
      const page = await this.api.pull<WireDoc>(collection, this.checkpoints[collection] ?? null, limit);
      this.counts.pulls += 1;
      this.counts.pulledDocs += page.documents.length;
      for (const doc of page.documents) this.docs[collection].set(doc.id, doc);
      if (page.checkpoint) this.checkpoints[collection] = page.checkpoint;
      if (page.documents.length < limit) return;
    }
  }

  /** Pushes new states of documents, assuming the server holds what this device last saw. */
  async push(collection: SyncCollection, states: WireDoc[]): Promise<void> {
    try {
      const known = this.docs[collection];
      const result = await this.api.push<WireDoc>(
        collection,
        states.map((doc) => ({ assumedMasterState: known.get(doc.id) ?? null, newDocumentState: doc })),
      );
      this.counts.pushes += 1;
      this.counts.pushedDocs += states.length;
      this.counts.conflicts += result.conflicts.length;
      this.counts.rejections += result.rejections.length;
      const lost = new Set([...result.conflicts.map((d) => d.id), ...result.rejections.map((r) => r.id)]);
      for (const doc of states) if (!lost.has(doc.id)) known.set(doc.id, doc);
      // A conflict: the server's state wins on this device (the app would merge; the load test needs only agreement).
      for (const doc of result.conflicts) known.set(doc.id, doc);
    } catch (error) {
      this.counts.errors.push(`push ${collection}: ${String(error)}`);
    }
  }

  /** The replica as comparable text, per collection. */
  snapshot(): Record<SyncCollection, string> {
    return Object.fromEntries(
      SYNC_COLLECTIONS.map((c) => [c, stableStringify([...this.docs[c].values()].sort(byId))]),
    ) as Record<SyncCollection, string>;
  }
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
