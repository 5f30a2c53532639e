/**
 * Test support for crash tests: writers that push bursts of groups, clients and
 * memberships through the sync push endpoint and remember exactly what the server
 * acknowledged (and the one push still unanswered when the burst stopped), a follower
 * that pulls from its checkpoints meanwhile, as a device does, and a full pull (the
 * benchmark's too) that
 * checks the pull sequence while it reads.
 */
import { stableStringify } from '../../domain/documents';
import type { SyncDocument } from '../../domain/merge';
import { membershipId } from '../../domain/membership';
import { tombstoneOf } from '../../domain/tombstone';
import {
  protocolHeaders,
  SYNC_COLLECTIONS,
  type Checkpoint,
  type PushResponse,
  type SyncCollection,
} from '../protocol';

export type State = Record<SyncCollection, Map<string, SyncDocument>>;
export type Push = {
  collection: SyncCollection;
  rows: { assumedMasterState: SyncDocument | null; newDocumentState: SyncDocument }[];
};

export function emptyState(): State {
  return { groups: new Map(), clients: new Map(), memberships: new Map() };
}

/** `state` as the server holds it once `push` is applied: its rows, and the memberships its deletions take along. */
export function applyPush(state: State, push: Push): State {
  const next: State = {
    groups: new Map(state.groups),
    clients: new Map(state.clients),
    memberships: new Map(state.memberships),
  };
  for (const { newDocumentState: doc } of push.rows) {
    // A deletion erases the content: the server keeps a tombstone.
    next[push.collection].set(doc.id, doc._deleted ? tombstoneOf(doc) : doc);
    if (!doc._deleted || push.collection === 'memberships') continue;
    const field = push.collection === 'groups' ? 'groupId' : 'clientId';
    for (const m of next.memberships.values()) {
      // The server's cascade: deleted and erased, its times unchanged.
      if (!m._deleted && m[field] === doc.id) next.memberships.set(m.id, tombstoneOf(m));
    }
  }
  return next;
}

/** The documents of `state` whose id starts with `prefix`. */
export function documentsOf(state: State, prefix: string): State {
  const subset = emptyState();
  for (const collection of SYNC_COLLECTIONS) {
    for (const [id, doc] of state[collection]) if (id.startsWith(prefix)) subset[collection].set(id, doc);
  }
  return subset;
}

/** How `actual` differs from `expected`, document by document (empty when they are the same). */
export function differences(expected: State, actual: State): string[] {
  const out: string[] = [];
  for (const collection of SYNC_COLLECTIONS) {
    const ids = new Set([...expected[collection].keys(), ...actual[collection].keys()]);
    for (const id of ids) {
      const want = expected[collection].get(id);
      const got = actual[collection].get(id);
      if (stableStringify(want) !== stableStringify(got)) {
        out.push(
          `${collection}/${id}: expected ${want ? stableStringify(want) : 'absent'}, server ${got ? stableStringify(got) : 'absent'}`,
        );
      }
    }
  }
  return out;
}

export function countDocuments(state: State): number {
  return SYNC_COLLECTIONS.reduce((n, c) => n + state[c].size, 0);
}

async function pullPage(
  url: string,
  token: string,
  collection: SyncCollection,
  checkpoint: Checkpoint | null,
  limit: number,
): Promise<{ documents: SyncDocument[]; checkpoint: Checkpoint | null }> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
  const res = await fetch(`${url}/api/v1/sync/${collection}/pull?${query.toString()}`, {
    headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
  });
  if (res.status !== 200) throw new Error(`pull ${collection}: ${res.status} ${await res.text()}`);
  return (await res.json()) as { documents: SyncDocument[]; checkpoint: Checkpoint | null };
}

/**
 * Everything the server holds for the token's organisation (tombstones too), read in
 * pages from no checkpoint. Throws when a document comes twice or a page's checkpoint
 * does not move forward: a full pull returns each document once.
 */
export async function pullEverything(url: string, token: string, pageSize = 100): Promise<State> {
  const state = emptyState();
  for (const collection of SYNC_COLLECTIONS) {
    let checkpoint: Checkpoint | null = null;
    for (;;) {
      const page = await pullPage(url, token, collection, checkpoint, pageSize);
      for (const doc of page.documents) {
        if (state[collection].has(doc.id))
          throw new Error(`a full pull returned ${collection}/${doc.id} twice`);
        state[collection].set(doc.id, doc);
      }
      if (page.documents.length > 0 && (page.checkpoint?.seq ?? 0) <= (checkpoint?.seq ?? 0)) {
        throw new Error(
          `${collection}: checkpoint ${stableStringify(page.checkpoint)} after ${stableStringify(checkpoint)}`,
        );
      }
      checkpoint = page.checkpoint;
      if (page.documents.length < pageSize) break;
    }
  }
  return state;
}

/** Pulls from its own checkpoints, as a device does, and keeps the latest state of every document it saw. */
export class Follower {
  readonly seen = emptyState();
  private readonly checkpoints: Record<SyncCollection, Checkpoint | null> = {
    groups: null,
    clients: null,
    memberships: null,
  };
  pulls = 0;

  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  /** Pulls every collection until it has nothing new. Throws when the server does not answer. */
  async catchUp(): Promise<void> {
    for (const collection of SYNC_COLLECTIONS) {
      for (;;) {
        const page = await pullPage(this.url, this.token, collection, this.checkpoints[collection], 100);
        this.pulls += 1;
        for (const doc of page.documents) this.seen[collection].set(doc.id, doc);
        this.checkpoints[collection] = page.checkpoint;
        if (page.documents.length < 100) break;
      }
    }
  }

  /** Keeps catching up until `stopped()` or until the server stops answering. */
  async follow(stopped: () => boolean): Promise<void> {
    while (!stopped()) {
      const ok = await this.catchUp().then(
        () => true,
        () => false,
      );
      if (!ok) return;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}

const START_DATES = ['2026-01-05', '2026-02-10', '2026-03-15'];
const END_DATES = ['2026-06-30', '2026-09-30', '2026-12-31'];

/**
 * A writer that owns the documents whose ids start with its name, and pushes batches of
 * creations, edits and deletions of them one push at a time (as one device does),
 * memberships only between its groups and clients the server has acknowledged.
 */
export class BurstWriter {
  /** The writer's documents as the server last acknowledged them (tombstones included). */
  acked = emptyState();
  /** The push sent and not answered when the burst stopped: whether it was applied is unknown. */
  inFlight: Push | null = null;
  answered = 0;
  /** Answers other than a clean 200 (a conflict, a rejection, an error status): each is a finding. */
  readonly surprises: string[] = [];
  private made = 0;

  constructor(
    readonly name: string,
    private readonly url: string,
    private readonly token: string,
    private readonly random: () => number,
  ) {}

  /** Pushes until `stopped()`, or until a push gets no answer (the server died under it). */
  async burst(stopped: () => boolean): Promise<void> {
    while (!stopped() && this.surprises.length === 0) {
      const answered = await this.pushOnce();
      if (!answered) {
        if (!stopped()) this.surprises.push(`${this.name}: a push got no answer while the server was up`);
        return;
      }
    }
  }

  /** Starts again from what the server holds, e.g. after a restart. */
  resume(serverState: State): void {
    this.acked = documentsOf(serverState, `${this.name}-`);
    this.inFlight = null;
  }

  /** One push; false when it got no answer (then it stays in `inFlight`). */
  async pushOnce(): Promise<boolean> {
    const push = this.nextPush();
    this.inFlight = push;
    let res: Response;
    try {
      res = await fetch(`${this.url}/api/v1/sync/${push.collection}/push`, {
        method: 'POST',
        headers: {
          ...protocolHeaders,
          authorization: `Bearer ${this.token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(push.rows),
      });
    } catch {
      return false;
    }
    const text = await res.text().catch(() => null);
    if (text === null) return false;
    this.inFlight = null;
    if (res.status !== 200) {
      this.surprises.push(`${this.name}: push ${push.collection} answered ${res.status}: ${text}`);
      return true;
    }
    const answer = JSON.parse(text) as PushResponse<SyncDocument>;
    if (answer.conflicts.length > 0 || answer.rejections.length > 0) {
      this.surprises.push(
        `${this.name}: push ${this.answered + 1} (${push.collection} ${push.rows.map((r) => r.newDocumentState.id).join(', ')}) answered with ${text}`,
      );
    }
    this.answered += 1;
    this.acked = applyPush(this.acked, push);
    return true;
  }

  private nextPush(): Push {
    const r = this.random();
    const collection: SyncCollection = r < 0.3 ? 'groups' : r < 0.6 ? 'clients' : 'memberships';
    const size = 1 + Math.floor(this.random() * 4);
    const rows: Push['rows'] = [];
    const touched = new Set<string>();
    for (let i = 0; i < size; i++) {
      const doc =
        collection === 'memberships' ? this.nextMembership(touched) : this.nextRecord(collection, touched);
      if (!doc) continue;
      touched.add(doc.id);
      rows.push(this.rowFor(collection, doc));
    }
    if (rows.length > 0) return { collection, rows };
    // No membership possible yet (no live group or client): a group instead.
    return { collection: 'groups', rows: [this.rowFor('groups', this.nextRecord('groups', new Set()))] };
  }

  /** A push row: the new state, assuming the state the server last acknowledged. */
  private rowFor(collection: SyncCollection, doc: SyncDocument): Push['rows'][number] {
    return { assumedMasterState: this.acked[collection].get(doc.id) ?? null, newDocumentState: doc };
  }

  private live(collection: SyncCollection, touched: Set<string>): SyncDocument[] {
    return [...this.acked[collection].values()].filter((d) => !d._deleted && !touched.has(d.id));
  }

  private pick<T>(items: T[]): T | undefined {
    return items[Math.floor(this.random() * items.length)];
  }

  /** A new group or client, an edit of one, or (less often) its deletion. */
  private nextRecord(collection: 'groups' | 'clients', touched: Set<string>): SyncDocument {
    const n = ++this.made;
    const now = Date.now();
    const existing = this.pick(this.live(collection, touched));
    const r = this.random();
    if (!existing || r < 0.45) {
      const id = `${this.name}-${collection === 'groups' ? 'g' : 'c'}${n}`;
      return { id, ...recordFields(collection, id, n), createdAt: now, updatedAt: now, _deleted: false };
    }
    const updatedAt = Math.max(now, existing.updatedAt + 1);
    if (r < 0.85) {
      const { id, createdAt } = existing;
      return { id, ...recordFields(collection, id, n), createdAt, updatedAt, _deleted: false };
    }
    return { ...existing, updatedAt, _deleted: true };
  }

  /** A membership of a live group and client (new, or again after a removal), an edit of its end date, or its removal. */
  private nextMembership(touched: Set<string>): SyncDocument | null {
    const group = this.pick(this.live('groups', new Set()));
    const client = this.pick(this.live('clients', new Set()));
    if (!group || !client) return null;
    const id = membershipId(group.id, client.id);
    if (touched.has(id)) return null;
    const now = Date.now();
    const current = this.acked.memberships.get(id);
    if (!current || current._deleted) {
      const startDate = this.pick(START_DATES) ?? '2026-01-05';
      return {
        id,
        groupId: group.id,
        clientId: client.id,
        startDate,
        createdAt: now,
        updatedAt: now,
        _deleted: false,
      };
    }
    const updatedAt = Math.max(now, current.updatedAt + 1);
    if (this.random() < 0.7) return { ...current, endDate: this.pick(END_DATES), updatedAt };
    return { ...current, updatedAt, _deleted: true };
  }
}

function recordFields(collection: 'groups' | 'clients', id: string, n: number): Record<string, unknown> {
  if (collection === 'groups') {
    return { name: `Group ${id} v${n}`, description: `Edit ${n}`, metadata: { edit: String(n) } };
  }
  // Every other edit leaves out the optional email: an absent field must come back absent.
  return n % 2 === 0
    ? { name: `Client ${id} v${n}`, email: `${id}.${n}@example.test` }
    : { name: `Client ${id} v${n}` };
}
