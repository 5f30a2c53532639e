import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createGroup } from '../../domain/group';
import { createMembership, type Membership } from '../../domain/membership';
import { createCohortDatabase, type CohortDatabase } from './database';
import {
  countGroups,
  MemberTally,
  subscribeMemberCounts,
  watchMemberCounts,
  type MemberCounts,
} from './memberCounts';

const open: CohortDatabase[] = [];
afterEach(async () => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  for (const db of open.splice(0)) await db.close();
});

const stored = (m: Membership, lwt: number, deleted = false) => ({ ...m, _deleted: deleted, _meta: { lwt } });

describe('member counts', () => {
  it('a tally keeps the newest state of each membership, deletions included', () => {
    const tally = new MemberTally();
    const a = createMembership('g1', 'c1', { startDate: '2020-01-01' }, 1);
    const ended = createMembership('g1', 'c2', { startDate: '2020-01-01', endDate: '2020-02-01' }, 1);
    const moved = createMembership('g2', 'c3', { startDate: '2020-01-01' }, 1);
    tally.apply(stored(a, 10));
    tally.apply(stored(ended, 10));
    tally.apply(stored(moved, 10));
    expect(tally.counts('2026-01-01')).toEqual(
      new Map([
        ['g1', { all: 2, active: 1 }],
        ['g2', { all: 1, active: 1 }],
      ]),
    );
    tally.apply(stored(moved, 20, true));
    // An older state read late (the first read racing a change) does not bring it back.
    tally.apply(stored(moved, 15));
    expect(tally.counts('2026-01-01').get('g2')).toBeUndefined();
  });

  it('follows a real database: the first read, then inserts, edits and deletions', async () => {
    const db = await createCohortDatabase({
      name: `counts-${Date.now()}`,
      indexedDb: { indexedDB, IDBKeyRange },
    });
    open.push(db);
    await db.groups.bulkInsert(
      ['g1', 'g2'].map((id) => createGroup({ name: id, description: '', metadata: {} }, id, 1)),
    );
    await db.memberships.bulkInsert(
      ['c1', 'c2', 'c3'].map((c) => createMembership('g1', c, { startDate: '2020-01-01' }, 1)),
    );
    const seen: MemberCounts[] = [];
    const stop = watchMemberCounts(db.memberships, (counts) => seen.push(counts));
    await vi.waitFor(() => expect(seen.at(-1)?.get('g1')).toEqual({ all: 3, active: 3 }));

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
    stop.stop();
  });

  it('screens share one tally, which outlives the last of them for a while', async () => {
    const db = await createCohortDatabase({
      name: `shared-counts-${Date.now()}`,
      indexedDb: { indexedDB, IDBKeyRange },
    });
    open.push(db);
    await db.memberships.bulkInsert(
      ['c1', 'c2'].map((c) => createMembership('g1', c, { startDate: '2020-01-01' }, 1)),
    );
    const reads = vi.spyOn(db.memberships.storageInstance, 'query');
    const first: MemberCounts[] = [];
    const leave = subscribeMemberCounts(db.memberships, (counts) => first.push(counts));
    const closeHooks = db.memberships.onClose.length;
    const removeHooks = db.memberships.onRemove.length;
    await vi.waitFor(() => expect(first.at(-1)?.get('g1')).toEqual({ all: 2, active: 2 }));
    leave();

    // Back to the overview: the counts come at once, from the same tally, without a read.
    // (IndexedDB's own scheduling, setImmediate, stays real: the storage still writes.)
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
    const second: MemberCounts[] = [];
    const leaveAgain = subscribeMemberCounts(db.memberships, (counts) => second.push(counts));
    expect(second.at(-1)?.get('g1')).toEqual({ all: 2, active: 2 });
    expect(reads).toHaveBeenCalledTimes(1);
    await db.memberships.insert(createMembership('g1', 'c3', { startDate: '2020-01-01' }, 2));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(second.at(-1)?.get('g1')).toEqual({ all: 3, active: 3 });
    leaveAgain();

    // Five minutes without a screen: the tally is dropped, and the next screen reads again.
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    vi.useRealTimers();
    const third: MemberCounts[] = [];
    const leaveLast = subscribeMemberCounts(db.memberships, (counts) => third.push(counts));
    await vi.waitFor(() => expect(third.at(-1)?.get('g1')).toEqual({ all: 3, active: 3 }));
    expect(reads).toHaveBeenCalledTimes(2);
    // The dropped tally left no hook behind: one for the live tally on each list.
    expect(db.memberships.onClose).toHaveLength(closeHooks);
    expect(db.memberships.onRemove).toHaveLength(removeHooks);
    leaveLast();
  });

  it('counts a few groups through the index, as the tally counts them', async () => {
    const db = await createCohortDatabase({
      name: `page-counts-${Date.now()}`,
      indexedDb: { indexedDB, IDBKeyRange },
    });
    open.push(db);
    const memberships = Array.from({ length: 60 }, (_, i) =>
      createMembership(
        `g${i % 6}`,
        `c${i}`,
        { startDate: '2020-01-01', endDate: i % 4 ? undefined : '2020-02-01' },
        1,
      ),
    );
    await db.memberships.bulkInsert(memberships);
    // Deleted ones are not counted.
    await db.memberships
      .findByIds(memberships.slice(0, 9).map((m) => m.id))
      .exec()
      .then((found) => Promise.all([...found.values()].map((d) => d.remove())));
    const tally = new Promise<MemberCounts>((resolve) => {
      const watch = watchMemberCounts(db.memberships, (counts) => {
        watch.stop();
        resolve(counts);
      });
    });
    const everything = await tally;
    const reads = vi.spyOn(db.memberships.storageInstance, 'query');
    const page = await countGroups(db.memberships, ['g1', 'g4', 'g-none'], '2026-01-01');
    expect(page).toEqual(
      new Map([
        ['g1', everything.get('g1')],
        ['g4', everything.get('g4')],
        ['g-none', { all: 0, active: 0 }],
      ]),
    );
    expect(page.get('g4')).toEqual({ all: 9, active: 5 });
    // One read per group, each answered with that group's memberships alone.
    expect(reads).toHaveBeenCalledTimes(3);
    const answered = await Promise.all(
      reads.mock.results.map((r) => r.value as Promise<{ documents: unknown[] }>),
    );
    expect(answered.map((a) => a.documents.length).sort()).toEqual([0, 8, 9]);
  });
});
