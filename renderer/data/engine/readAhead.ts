/**
 * Read-ahead for pulls: while the device writes a full page, the next page is already on
 * its way, so the server's time and the round trip hide behind the local write. Only a
 * full page starts a read-ahead (a short page means the device has caught up), and only
 * one page is held. A page read ahead is used only for the very checkpoint it continues
 * from; anything changed since it was fetched has a later place in the server's order
 * and arrives in a later page, so nothing is missed. A failed read-ahead is forgotten and
 * the page is fetched again.
 */
import { stableStringify } from '../../../domain/documents';
import type { Checkpoint } from '../../../sync/protocol';

export type PullPage<T> = { documents: T[]; checkpoint: Checkpoint | null };
export type FetchPage<T> = (checkpoint: Checkpoint | null | undefined, limit: number) => Promise<PullPage<T>>;

export function withReadAhead<T>(fetchPage: FetchPage<T>): FetchPage<T> & { forget(): void } {
  let ahead: { key: string; page: Promise<PullPage<T>> } | null = null;
  const keyOf = (checkpoint: Checkpoint | null | undefined, limit: number) =>
    `${limit}:${stableStringify(checkpoint ?? null)}`;

  const pull = async (checkpoint: Checkpoint | null | undefined, limit: number) => {
    const key = keyOf(checkpoint, limit);
    const held = ahead?.key === key ? ahead.page : null;
    ahead = null;
    const page = (held && (await held.catch(() => null))) ?? (await fetchPage(checkpoint, limit));
    if (page.documents.length >= limit && page.checkpoint) {
      const next = page.checkpoint;
      const promise = fetchPage(next, limit);
      // Not an unhandled rejection: a failure is seen (and the page fetched again) when it is needed.
      promise.catch(() => undefined);
      ahead = { key: keyOf(next, limit), page: promise };
    }
    return page;
  };
  return Object.assign(pull, {
    forget() {
      ahead = null;
    },
  });
}
