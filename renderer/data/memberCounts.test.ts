import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMembership } from '../../domain/membership';
import { createCohortDatabase, type CohortDatabase } from './database';
import { countGroups, countsCache, SAVE_MS, watchPageCounts, type MemberCounts } from './memberCounts';

const saved = () => new Promise((resolve) => setTimeout(resolve, SAVE_MS + 200));

const open: CohortDatabase[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  for (const db of open.splice(0)) await db.close();
});

async function database(name: string, exact = false): Promise<CohortDatabase> {
  const db = await createCohortDatabase({
    name: exact ? name : `${name}-${Date.now()}`,
    indexedDb: { indexedDB, IDBKeyRange },
  });
  open.push(db);
  return db;
}

describe('member counts', () => {
  it('counts a few groups through the index: live members, and those in the group on the day', async () => {
    const db = await database('page-counts');
    const memberships = Array.from({ length: 60 }, (_, i) =>
      createMembership(
        `g${i % 6}`,
        `c${i}`,
        // Every fourth ended before the day; every fifth starts after it.
        i % 4 === 0
          ? { startDate: '2020-01-01', endDate: '2020-02-01' }
          : { startDate: i % 5 === 0 ? '2026-06-01' : '2020-01-01' },
        1,
      ),
    );
    await db.memberships.bulkInsert(memberships);
    // Deleted ones are not counted.
    await db.memberships
      .findByIds(memberships.slice(0, 9).map((m) => m.id))
      .exec()
      .then((found) => Promise.all([...found.values()].map((d) => d.remove())));
    const reads = vi.spyOn(db.memberships.storageInstance, 'query');
    const page = await countGroups(db.memberships, ['g1', 'g4', 'g-none'], '2026-01-01');
    const expected = (group: string) => {
      const live = memberships.slice(9).filter((m) => m.groupId === group);
      const active = live.filter((m) => !m.endDate && m.startDate <= '2026-01-01');
      return { all: live.length, active: active.length };
    };
    expect(page).toEqual(
      new Map([
        ['g1', expected('g1')],
        ['g4', expected('g4')],
        ['g-none', { all: 0, active: 0 }],
      ]),
    );
    // g4: c10 … c58 (c4 deleted); c16, c28, c40 and c52 ended, c10 starts in June.
    expect(page.get('g4')).toEqual({ all: 9, active: 4 });
    // One read per group, each answered with that group's memberships alone.
    expect(reads).toHaveBeenCalledTimes(3);
    const answered = await Promise.all(
      reads.mock.results.map((r) => r.value as Promise<{ documents: unknown[] }>),
    );
    expect(answered.map((a) => a.documents.length).sort()).toEqual([0, 8, 9]);
  });

  it('follows the shown groups in a real database: inserts, edits, moves and deletions', async () => {
    const db = await database('watch-counts');
    await db.memberships.bulkInsert(
      ['c1', 'c2', 'c3'].map((c) => createMembership('g1', c, { startDate: '2020-01-01' }, 1)),
    );
    const seen: MemberCounts[] = [];
    const stop = watchPageCounts(db.memberships, ['g1', 'g2'], (counts) => seen.push(counts));
    await vi.waitFor(() => expect(seen.at(-1)?.get('g1')).toEqual({ all: 3, active: 3 }));
    expect(seen.at(-1)?.get('g2')).toEqual({ all: 0, active: 0 });

    await db.memberships.insert(createMembership('g2', 'c1', { startDate: '2020-01-01' }, 2));
    const c2 = await db.memberships
      .findOne(createMembership('g1', 'c2', { startDate: '2020-01-01' }, 1).id)
      .exec();
    await c2?.incrementalPatch({ endDate: '2020-06-01', updatedAt: 3 });
    const c3 = await db.memberships
      .findOne(createMembership('g1', 'c3', { startDate: '2020-01-01' }, 1).id)
      .exec();
    await c3?.remove();
    await vi.waitFor(() => {
      const last = seen.at(-1);
      expect(last?.get('g1')).toEqual({ all: 2, active: 1 });
      expect(last?.get('g2')).toEqual({ all: 1, active: 1 });
    });

    // A group not shown is not read again for its changes.
    const reads = vi.spyOn(db.memberships.storageInstance, 'query');
    await db.memberships.insert(createMembership('g9', 'c1', { startDate: '2020-01-01' }, 4));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(reads).not.toHaveBeenCalled();

    // Once stopped, nothing more is read or handed over.
    stop();
    const handed = seen.length;
    await db.memberships.insert(createMembership('g1', 'c4', { startDate: '2020-01-01' }, 5));
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(seen).toHaveLength(handed);
    expect(reads).not.toHaveBeenCalled();
  });

  it('keeps the counts read for the next start, forgetting a group whose memberships change', async () => {
    const name = `kept-counts-${Date.now()}`;
    const db = await database(name, true);
    await db.memberships.bulkInsert([
      ...['c1', 'c2', 'c3'].map((c) => createMembership('g1', c, { startDate: '2020-01-01' }, 1)),
      createMembership('g2', 'c1', { startDate: '2020-01-01', endDate: '2020-02-01' }, 1),
      createMembership('g3', 'c1', { startDate: '2020-01-01' }, 1),
    ]);
    const seen: MemberCounts[] = [];
    const stop = watchPageCounts(
      db.memberships,
      ['g1', 'g2', 'g3'],
      (c) => seen.push(c),
      countsCache(db.memberships),
    );
    await vi.waitFor(() => expect(seen.at(-1)?.get('g1')).toEqual({ all: 3, active: 3 }));
    stop();
    // A change to one of g3's memberships after the read: g3's kept count is forgotten.
    const g3 = await db.memberships
      .findOne(createMembership('g3', 'c1', { startDate: '2020-01-01' }, 1).id)
      .exec();
    await g3?.incrementalPatch({ endDate: '2020-03-01', updatedAt: 2 });
    await saved();
    await db.close();
    open.splice(open.indexOf(db), 1);

    const again = await database(name, true);
    const cache = countsCache(again.memberships);
    await cache.ready;
    expect(cache.get(['g1', 'g2', 'g3', 'g4'])).toEqual(
      new Map([
        ['g1', { all: 3, active: 3 }],
        ['g2', { all: 1, active: 0 }],
      ]),
    );
    // A change after the start forgets too, and the next read keeps the new count.
    await again.memberships.insert(createMembership('g1', 'c9', { startDate: '2020-01-01' }, 3));
    expect(cache.get(['g1']).size).toBe(0);
    const shown: MemberCounts[] = [];
    const stopAgain = watchPageCounts(again.memberships, ['g1', 'g2'], (c) => shown.push(c), cache);
    await vi.waitFor(() => expect(shown.at(-1)?.get('g1')).toEqual({ all: 4, active: 4 }));
    stopAgain();
    expect(cache.get(['g1', 'g2'])).toEqual(
      new Map([
        ['g1', { all: 4, active: 4 }],
        ['g2', { all: 1, active: 0 }],
      ]),
    );
  });

  it('hands over the kept counts before the memberships are read back, and reads only the groups it lacks', async () => {
    const name = `early-counts-${Date.now()}`;
    const db = await database(name, true);
    await db.memberships.bulkInsert([
      ...['c1', 'c2'].map((c) => createMembership('g1', c, { startDate: '2020-01-01' }, 1)),
      createMembership('g2', 'c1', { startDate: '2020-01-01' }, 1),
    ]);
    const first: MemberCounts[] = [];
    const stop = watchPageCounts(db.memberships, ['g1'], (c) => first.push(c), countsCache(db.memberships));
    await vi.waitFor(() => expect(first).toHaveLength(1));
    stop();
    await saved();
    await db.close();
    open.splice(open.indexOf(db), 1);

    const again = await database(name, true);
    // The storage's reads of the memberships are held back: only the kept counts can answer.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const query = again.memberships.storageInstance.query.bind(again.memberships.storageInstance);
    const reads = vi.spyOn(again.memberships.storageInstance, 'query').mockImplementation(async (q) => {
      await held;
      return query(q);
    });
    // Every group shown is kept: the counts come from the cache, and nothing is read.
    const kept: MemberCounts[] = [];
    const stopKept = watchPageCounts(
      again.memberships,
      ['g1'],
      (c) => kept.push(c),
      countsCache(again.memberships),
    );
    await vi.waitFor(() => expect(kept).toHaveLength(1));
    expect(kept[0]?.get('g1')).toEqual({ all: 2, active: 2 });
    stopKept();
    expect(reads).not.toHaveBeenCalled();

    // g2 is not kept: g1's count comes at once, then the read of the page answers for both.
    const shown: MemberCounts[] = [];
    const stopAgain = watchPageCounts(
      again.memberships,
      ['g1', 'g2'],
      (c) => shown.push(c),
      countsCache(again.memberships),
    );
    await vi.waitFor(() => expect(shown).toHaveLength(1));
    expect(shown[0]).toEqual(new Map([['g1', { all: 2, active: 2 }]]));
    release();
    await vi.waitFor(() => expect(shown).toHaveLength(2));
    expect(shown[1]).toEqual(
      new Map([
        ['g1', { all: 2, active: 2 }],
        ['g2', { all: 1, active: 1 }],
      ]),
    );
    stopAgain();
  });

  it('does not show counts kept on another day: "active today" was of that day', async () => {
    const name = `old-counts-${Date.now()}`;
    const db = await database(name, true);
    const cache = countsCache(db.memberships);
    await cache.ready;
    cache.put(new Map([['g1', { all: 5, active: 4 }]]), '2020-01-01');
    expect(cache.get(['g1']).size).toBe(0);
    await saved();
    await db.close();
    open.splice(open.indexOf(db), 1);
    const again = await database(name, true);
    const reopened = countsCache(again.memberships);
    await reopened.ready;
    expect(reopened.get(['g1']).size).toBe(0);
  });
});
