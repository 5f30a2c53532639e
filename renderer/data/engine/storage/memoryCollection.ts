/**
 * A collection's documents in memory: by id, and in each of the schema's indexes
 * (sortedIndex.ts), with RxDB's query plans run against them. No I/O: the storage
 * instance (instance.ts) persists every write before it reaches this.
 */
import {
  getQueryMatcher,
  getSortComparator,
  type PreparedQuery,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb';
import { indexOrder } from './indexOrder';
import { PrefixBuckets } from './prefixBuckets';
import { SortedIndex } from './sortedIndex';

export type Doc = RxDocumentData<Record<string, unknown>>;

/** Every document's `_attachments` (Cohort stores none): one object for all, not one each. */
const NO_ATTACHMENTS: Doc['_attachments'] = Object.freeze({});

/**
 * One string for each value that many documents repeat: a membership's `groupId`,
 * `clientId` and dates, every document's `_rev`. Parsed pages give each document its own
 * copy of a value; 500,000 memberships of 10,000 groups would keep 490,000 needless
 * copies of group ids alone (about 23 MB of heap).
 */
export class ValuePool {
  private readonly values = new Map<string, string>();

  of(value: string): string {
    const held = this.values.get(value);
    if (held !== undefined) return held;
    this.values.set(value, value);
    return value;
  }

  get size(): number {
    return this.values.size;
  }
}

/** A collection this large takes long enough to sort that other work should go first. */
const LARGE = 20_000;

export class MemoryCollection {
  readonly docs = new Map<string, Doc>();
  private readonly indexes = new Map<string, SortedIndex<Doc>>();
  /** The `_meta` of the document shared last: the documents of one page have one write time. */
  private lastMeta: Doc['_meta'] | undefined;
  /** Equality lookups on the leading fields of indexes of three fields or more ([_deleted, groupId, id]). */
  private readonly buckets = new Map<string, PrefixBuckets<Doc>>();

  constructor(
    private readonly schema: RxJsonSchema<Doc>,
    readonly primaryPath: string,
    /** Fields whose values many documents repeat (cohortStorage's `sharedValues`): kept once in `pool`. */
    private readonly shared: readonly string[] = [],
    private readonly pool = new ValuePool(),
  ) {
    const all = () => this.docs.values();
    for (const index of schema.indexes ?? []) {
      const fields = typeof index === 'string' ? [index] : [...index];
      const order = indexOrder(schema, fields);
      this.indexes.set(fields.join(','), new SortedIndex(order, all));
      if (fields.length >= 3) this.buckets.set(fields.join(','), new PrefixBuckets(order, all));
    }
  }

  private idOf(doc: Doc): string {
    return doc[this.primaryPath] as string;
  }

  /** The index over exactly `fields`, if the schema has it. */
  index(fields: readonly string[]): SortedIndex<Doc> | undefined {
    return this.indexes.get(fields.join(','));
  }

  /**
   * Stores `written` (new documents and new versions of stored ones) and forgets `purged`
   * ids, keeping every index in step.
   */
  write(written: readonly Doc[], purged: readonly string[] = []): void {
    const removed: Doc[] = [];
    for (const doc of written) {
      const before = this.docs.get(this.idOf(doc));
      if (before) removed.push(before);
    }
    for (const id of purged) {
      const before = this.docs.get(id);
      if (before) removed.push(before);
    }
    for (const doc of written) this.share(doc);
    for (const index of this.indexes.values()) index.update(removed, written);
    for (const buckets of this.buckets.values()) buckets.update(removed, written);
    for (const id of purged) this.docs.delete(id);
    for (const doc of written) this.docs.set(this.idOf(doc), doc);
  }

  /**
   * Replaces `doc`'s repeated values with the pool's (the same characters: nothing a reader
   * could see changes). A frozen document (RxDB's dev mode freezes what it writes) is kept as it is.
   */
  private share(doc: Doc): void {
    if (Object.isFrozen(doc)) return;
    if (typeof doc._rev === 'string') doc._rev = this.pool.of(doc._rev);
    if (doc._attachments !== NO_ATTACHMENTS && Object.keys(doc._attachments ?? {}).length === 0)
      doc._attachments = NO_ATTACHMENTS;
    // One `_meta` for a run of documents written at the same time (a pulled page, a page
    // read back): RxDB shares one among the documents of a bulk insert too, and copies it
    // before it changes a document. Frozen, so that nothing can change it for all of them.
    const meta = doc._meta;
    if (meta !== undefined && Object.keys(meta).length === 1) {
      const last = this.lastMeta;
      if (last !== undefined && last !== meta && last.lwt === meta.lwt) doc._meta = last;
      else if (last !== meta) this.lastMeta = Object.freeze(meta);
    }
    for (const field of this.shared) {
      const value = doc[field];
      if (typeof value === 'string') doc[field] = this.pool.of(value);
    }
  }

  /** RxDB's query, run on the index its plan chose (every document, when the schema has no such index). */
  query(prepared: PreparedQuery<Doc>): Doc[] {
    const { query, queryPlan: plan } = prepared;
    const skip = query.skip ?? 0;
    const limit = typeof query.limit === 'number' ? query.limit : Infinity;
    const wanted = skip + limit;
    const index = this.index(plan.index);
    const matches = index && plan.selectorSatisfiedByIndex ? null : getQueryMatcher(this.schema, query);
    const sorted = Boolean(index) && plan.sortSatisfiedByIndex;
    let rows: Doc[] = [];
    for (const doc of this.candidates(prepared)) {
      if (matches && !matches(doc)) continue;
      rows.push(doc);
      if (sorted && rows.length >= wanted) break;
    }
    if (!sorted) rows = rows.sort(getSortComparator(this.schema, query));
    return skip > 0 || rows.length > wanted ? rows.slice(skip, wanted) : rows;
  }

  count(prepared: PreparedQuery<Doc>): number {
    const { queryPlan: plan } = prepared;
    const index = this.index(plan.index);
    if (index && plan.selectorSatisfiedByIndex) {
      const found = this.lookup(index, prepared);
      if (found) return found.length;
      const [low, high] = this.range(index, prepared);
      return Math.max(0, high - low + 1);
    }
    const matches = getQueryMatcher(this.schema, prepared.query);
    let n = 0;
    for (const doc of this.candidates(prepared)) if (matches(doc)) n += 1;
    return n;
  }

  /** Documents after `checkpoint` in the order of their last write, at most `limit`. */
  changedSince(limit: number, checkpoint?: { id: string; lwt: number }): Doc[] {
    const index = this.index(['_meta.lwt', this.primaryPath]);
    if (!index) throw new Error("The schema lacks RxDB's [_meta.lwt, primary key] index.");
    const start = checkpoint
      ? index.lowerPosition(index.order.lowerBound([checkpoint.lwt, checkpoint.id]), false)
      : 0;
    const out: Doc[] = [];
    for (let i = start; i < index.length && out.length < limit; i++) out.push(index.at(i) as Doc);
    return out;
  }

  /** The documents a query plan's index range holds, in index order; every document without an index. */
  private *candidates(prepared: PreparedQuery<Doc>): Generator<Doc> {
    const index = this.index(prepared.queryPlan.index);
    if (!index) {
      yield* this.docs.values();
      return;
    }
    const found = this.lookup(index, prepared);
    if (found) {
      yield* found;
      return;
    }
    const [low, high] = this.range(index, prepared);
    for (let i = low; i <= high; i++) yield index.at(i) as Doc;
  }

  /**
   * Whether running `prepared` first sorts an index of many documents (a second for
   * 500,000): the storage then lets the page paint before it starts (instance.ts).
   */
  sortsFirst(prepared: PreparedQuery<Doc>): boolean {
    const index = this.index(prepared.queryPlan.index);
    if (!index || index.isBuilt || this.docs.size < LARGE) return false;
    const plan = prepared.queryPlan;
    const buckets = this.buckets.get(index.order.fields.join(','));
    const lower = index.order.lowerBound(plan.startKeys);
    const upper = index.order.upperBound(plan.endKeys);
    return !(
      buckets &&
      plan.inclusiveStart &&
      plan.inclusiveEnd &&
      index.order.prefixKeyOfRange(lower, upper)
    );
  }

  /** The plan's range from the equality buckets, while its index is not sorted yet; null if they cannot answer. */
  private lookup(index: SortedIndex<Doc>, prepared: PreparedQuery<Doc>): Doc[] | null {
    const buckets = this.buckets.get(index.order.fields.join(','));
    if (!buckets || index.isBuilt) return null;
    const plan = prepared.queryPlan;
    return buckets.lookup(
      index.order.lowerBound(plan.startKeys),
      index.order.upperBound(plan.endKeys),
      plan.inclusiveStart,
      plan.inclusiveEnd,
    );
  }

  private range(index: SortedIndex<Doc>, prepared: PreparedQuery<Doc>): [number, number] {
    const plan = prepared.queryPlan;
    return [
      index.lowerPosition(index.order.lowerBound(plan.startKeys), plan.inclusiveStart),
      index.upperPosition(index.order.upperBound(plan.endKeys), plan.inclusiveEnd),
    ];
  }
}
