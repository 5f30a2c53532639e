/** Subscribes components to a collection's documents, as plain documents (read-only). */
import { useEffect, useState } from 'react';
import {
  normalizeMangoQuery,
  prepareQuery,
  type MangoQuery,
  type MangoQuerySelector,
  type RxCollection,
} from 'rxdb';

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

/**
 * Every live document of `collection`, as the storage holds it (read-only), and again
 * after each burst of changes; null until first read. For the lists of a whole
 * collection (100,000 clients): an RxDB query would make an RxDocument of each, and RxDB's
 * document cache keeps for each one a map of its revisions, a weak reference and a
 * finalization token — about 340 bytes a document, 38 MB for the clients and groups of
 * "network", for lists that only read. The storage answers RxDB's own query interface
 * (collection.storageInstance), and the collection's change stream says when to read again.
 */
export function useAllDocuments<T>(collection: RxCollection<T>): T[] | null {
  const [state, setState] = useState<{ collection: RxCollection<T>; docs: T[] } | null>(null);
  useEffect(() => {
    if (!isOpen(collection)) return;
    return watchAllDocuments(collection, (docs) => setState({ collection, docs }));
  }, [collection]);
  return state?.collection === collection ? state.docs : null;
}

/** Calls `onDocs` with every live document of `collection`, at once and after each burst of changes. Returns the stop. */
export function watchAllDocuments<T>(collection: RxCollection<T>, onDocs: (docs: T[]) => void): () => void {
  const schema = collection.schema.jsonSchema;
  const query = prepareQuery(
    schema,
    normalizeMangoQuery(schema, { selector: { _deleted: { $eq: false } } as MangoQuerySelector<T> }),
  );
  let current = true;
  let reading = false;
  let again = false;
  const read = () => {
    if (reading) {
      again = true;
      return;
    }
    reading = true;
    collection.storageInstance
      .query(query)
      .then(
        ({ documents }) => current && onDocs(documents as T[]),
        (error: unknown) =>
          current && isOpen(collection) && console.error('Cohort: a list could not be read', error),
      )
      .finally(() => {
        reading = false;
        if (again && current) {
          again = false;
          read();
        }
      });
  };
  // Listen first, then read; changes that come while a read runs are read once after it.
  const sub = collection.$.subscribe(() => read());
  read();
  return () => {
    current = false;
    sub.unsubscribe();
  };
}
