/**
 * One index of a collection held in memory: its documents in the index's order
 * (indexOrder.ts), found by binary search. Built on first use from the collection's
 * documents, then kept up to date write by write; a large write is merged in one pass
 * instead of one array splice per document.
 */
import type { BoundKey, IndexOrder } from './indexOrder';

/** From this many documents in one write, the index is rebuilt by a merge instead of a splice each. */
const MERGE_FROM = 64;

export class SortedIndex<D extends object> {
  /** Null until first used. */
  private docs: D[] | null = null;

  constructor(
    readonly order: IndexOrder,
    /** The collection's documents, to build from. */
    private readonly source: () => Iterable<D>,
  ) {}

  private built(): D[] {
    this.docs ??= [...this.source()].sort(this.order.compare);
    return this.docs;
  }

  /** Whether the index has been sorted (it is, from its first use on). */
  get isBuilt(): boolean {
    return this.docs !== null;
  }

  get length(): number {
    return this.built().length;
  }

  at(position: number): D | undefined {
    return this.built()[position];
  }

  /** The first position at or after `bound` (`inclusive`), or after it. */
  lowerPosition(bound: BoundKey, inclusive: boolean): number {
    return firstWhere(this.built(), 0, (doc) => {
      const c = this.order.compareToBound(doc, bound);
      return c > 0 || (c === 0 && inclusive);
    });
  }

  /** The last position at or before `bound` (`inclusive`), or before it; -1 when there is none. */
  upperPosition(bound: BoundKey, inclusive: boolean): number {
    const after = firstWhere(this.built(), 0, (doc) => {
      const c = this.order.compareToBound(doc, bound);
      return c > 0 || (c === 0 && !inclusive);
    });
    return after - 1;
  }

  /**
   * Applies a write: `removed` (documents as the index holds them) leave it, `added` enter
   * it. A document replaced by a new version is in both.
   */
  update(removed: readonly D[], added: readonly D[]): void {
    const docs = this.docs;
    if (!docs) return;
    if (removed.length + added.length < MERGE_FROM) {
      for (const doc of removed) this.removeOne(docs, doc);
      for (const doc of added) docs.splice(this.position(docs, doc), 0, doc);
      return;
    }
    const gone = new Set(removed);
    const kept = gone.size > 0 ? docs.filter((doc) => !gone.has(doc)) : docs;
    this.docs = this.merge(kept, [...added].sort(this.order.compare));
  }

  /** Where `doc` belongs: the first position from `from` on whose document does not sort before it. */
  private position(docs: readonly D[], doc: D, from = 0): number {
    return firstWhere(docs, from, (held) => this.order.compare(held, doc) >= 0);
  }

  private removeOne(docs: D[], doc: D): void {
    const at = this.position(docs, doc);
    if (docs[at] === doc || (at < docs.length && this.order.compare(docs[at] as D, doc) === 0)) {
      docs.splice(at, 1);
      return;
    }
    throw new Error('A document to remove is not in the index.');
  }

  /** `sorted` merged into `docs`: each run of `docs` between two new documents copied as it is. */
  private merge(docs: readonly D[], sorted: readonly D[]): D[] {
    const out = new Array<D>(docs.length + sorted.length);
    let from = 0;
    let o = 0;
    for (const doc of sorted) {
      const to = this.position(docs, doc, from);
      for (let i = from; i < to; i++) out[o++] = docs[i] as D;
      out[o++] = doc;
      from = to;
    }
    for (let i = from; i < docs.length; i++) out[o++] = docs[i] as D;
    return out;
  }
}

/** The first position from `from` on where `reached` holds (it holds from some position to the end): a binary search. */
function firstWhere<D>(docs: readonly D[], from: number, reached: (doc: D) => boolean): number {
  let low = from;
  let high = docs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (reached(docs[mid] as D)) high = mid;
    else low = mid + 1;
  }
  return low;
}
