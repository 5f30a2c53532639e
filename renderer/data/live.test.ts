import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createClient, type Client } from '../../domain/client';
import { createCohortDatabase, type CohortDatabase } from './database';
import { watchAllDocuments } from './live';

const open: CohortDatabase[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const db of open.splice(0)) await db.close();
});

const names = (docs: Client[] | undefined) => (docs ?? []).map((c) => c.name).sort();

describe('a whole collection, live, as stored', () => {
  it('follows inserts, edits and deletions, reading once after a burst, and stops', async () => {
    const db = await createCohortDatabase({
      name: `all-docs-${Date.now()}`,
      indexedDb: { indexedDB, IDBKeyRange },
    });
    open.push(db);
    await db.clients.bulkInsert(['Ana', 'Bram'].map((name, i) => createClient({ name }, `c${i}`, 1)));
    const seen: Client[][] = [];
    const stop = watchAllDocuments(db.clients, (docs) => seen.push(docs));
    await vi.waitFor(() => expect(names(seen.at(-1))).toEqual(['Ana', 'Bram']));

    const reads = vi.spyOn(db.clients.storageInstance, 'query');
    // A burst of 50 inserts is read at most a few times, not once each.
    await db.clients.bulkInsert(
      Array.from({ length: 50 }, (_, i) => createClient({ name: `New ${i}` }, `n${i}`, 2)),
    );
    await vi.waitFor(() => expect(seen.at(-1)).toHaveLength(52));
    expect(reads.mock.calls.length).toBeLessThanOrEqual(2);

    const bram = await db.clients.findOne('c1').exec();
    await bram?.incrementalPatch({ name: 'Bram Bos', updatedAt: 3 });
    await (await db.clients.findOne('c0').exec())?.remove();
    await vi.waitFor(() => {
      const last = seen.at(-1) ?? [];
      expect(last).toHaveLength(51);
      expect(last.find((c) => c.id === 'c1')?.name).toBe('Bram Bos');
      expect(last.some((c) => c.id === 'c0')).toBe(false);
    });
    // The documents are the stored ones, meta fields and all: nothing was copied for the list.
    const [stored] = await db.clients.storageInstance.findDocumentsById(['c1'], false);
    expect(seen.at(-1)?.find((c) => c.id === 'c1')).toBe(stored);

    stop();
    const handed = seen.length;
    await db.clients.insert(createClient({ name: 'After' }, 'after', 4));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toHaveLength(handed);
  });
});
