/** Hooks for the clients screens: the live list with search, one client, and the writes. */
import { useMemo } from 'react';
import { createClient, updateClient, type Client, type ClientInput } from '../../domain/client';
import { newId } from '../../domain/ids';
import { buildSearchIndex } from '../../domain/search';
import { useData } from './DataProvider';
import { sortByName } from './groups';
import { useAllDocuments, useLiveQuery } from './live';

const nobody = (): Client[] => [];

/**
 * All clients matching `search` on name, email or phone, by name; live. `find` searches
 * the same pre-folded index for any other term, up to `limit` clients (nothing while the
 * clients are read).
 */
export function useClients(search: string): {
  clients: Client[] | null;
  total: number;
  find(term: string, limit?: number): Client[];
} {
  const { db } = useData();
  const all = useAllDocuments(db.clients);
  const search$ = useMemo(
    () => (all ? buildSearchIndex(sortByName(all, 'asc'), (c) => [c.name, c.email, c.phone]) : null),
    [all],
  );
  const clients = useMemo(() => (search$ ? search$(search) : null), [search$, search]);
  return { clients, total: all?.length ?? 0, find: search$ ?? nobody };
}

export function useClient(id: string): Client | null | undefined {
  const { db } = useData();
  const docs = useLiveQuery(db.clients, { selector: { id } }, id);
  if (docs === null) return undefined;
  return docs[0] ?? null;
}

export function useClientMutations() {
  const { db } = useData();
  return useMemo(
    () => ({
      async createClient(input: ClientInput): Promise<Client> {
        const client = createClient(input, newId(), Date.now());
        await db.clients.insert(client);
        return client;
      },
      async updateClient(id: string, input: ClientInput): Promise<void> {
        const doc = await db.clients.findOne(id).exec();
        if (!doc) throw new Error('This client no longer exists.');
        await doc.incrementalModify((current) => updateClient(current, input, Date.now()));
      },
    }),
    [db],
  );
}
