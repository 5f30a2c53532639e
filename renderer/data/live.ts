/** Subscribes a component to an RxDB query's results, as plain documents (read-only). */
import { useEffect, useState } from 'react';
import type { MangoQuery, RxCollection } from 'rxdb';

/**
 * `key` stands for the query: callers pass a string of everything it depends on. Until
 * the query for the current key has answered, the result is null (loading).
 */
export function useLiveQuery<T>(collection: RxCollection<T>, query: MangoQuery<T>, key: string): T[] | null {
  const [state, setState] = useState<{ collection: RxCollection<T>; key: string; docs: T[] } | null>(null);
  useEffect(() => {
    // Signing out removes the database while the screens are still mounted: a removed
    // database has no collections left to query.
    if (!isOpen(collection)) return;
    const sub = collection
      .find(query)
      // The stored documents themselves (RxDB keeps them immutable), meta fields and all:
      // toJSON() without them copies each document and deletes four fields from the copy,
      // which for 100,000 clients held about 55 MB of copies in slow-mode objects.
      .$.subscribe((results) => setState({ collection, key, docs: results.map((d) => d.toJSON(true) as T) }));
    return () => sub.unsubscribe();
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `key` stands for `query`
  }, [collection, key]);
  return state && state.key === key && state.collection === collection ? state.docs : null;
}

/** Whether `collection` can still be queried (RxDB drops a removed database's collections). */
export function isOpen(collection: RxCollection | undefined): collection is RxCollection {
  return collection !== undefined && !collection.closed;
}
