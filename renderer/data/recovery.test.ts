/**
 * Salvaging unsent changes from the outbox's raw record: every entry that is a synced
 * document is kept, in an order that writes groups and clients before memberships; any
 * other entry (encrypted, cut off, of another collection) counts as lost. Property-based
 * over outboxes mixing both (fast-check, fixed seed; a failure prints its counterexample).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stableStringify } from '../../domain/documents';
import { SYNC_COLLECTIONS } from '../../sync/protocol';
import { salvageOutbox } from './recovery';

const wireDoc = (id: string) =>
  fc.record({
    id: fc.constant(id),
    createdAt: fc.integer({ min: 1, max: 2e12 }),
    updatedAt: fc.integer({ min: 1, max: 2e12 }),
    _deleted: fc.boolean(),
    name: fc.string({ maxLength: 10 }),
  });

const goodEntry = fc
  .tuple(fc.constantFrom(...SYNC_COLLECTIONS), fc.stringMatching(/^[a-z0-9-]{1,12}$/))
  .chain(([collection, id]) =>
    wireDoc(id).map((doc) => [`${collection}/${id}`, stableStringify(doc)] as const),
  );

const badEntry = fc.oneof(
  // Encrypted, as a later outbox might keep it.
  fc.base64String({ minLength: 4 }).map((b) => ['groups/enc', `enc1:${b}`] as const),
  // Cut off mid-write.
  wireDoc('cut').map((doc) => ['clients/cut', stableStringify(doc).slice(0, -3)] as const),
  // A collection that is not synced, or a key without one.
  wireDoc('x').map((doc) => ['notes/x', stableStringify(doc)] as const),
  wireDoc('y').map((doc) => ['y', stableStringify(doc)] as const),
  // A document that is not the one its key names, or lacks its times.
  wireDoc('other').map((doc) => ['groups/not-other', stableStringify(doc)] as const),
  fc.constant(['memberships/g:c', stableStringify({ id: 'g:c', _deleted: false })] as const),
  // Not a string at all.
  fc.constant(['groups/n', 42 as unknown as string] as const),
);

const record = (entries: Record<string, unknown>) => ({
  id: 'sync-outbox',
  data: { entries },
  _deleted: '0',
});

describe('salvageOutbox', () => {
  it('keeps every readable entry, counts every other one as lost, and writes memberships last', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(goodEntry, { selector: ([key]) => key, maxLength: 12 }),
        fc.uniqueArray(badEntry, { selector: ([key]) => key, maxLength: 6 }),
        (good, bad) => {
          const salvage = salvageOutbox(record(Object.fromEntries([...good, ...bad])));
          expect(salvage.unreadable).toBe(false);
          expect(salvage.lost).toBe(bad.length);
          const kept = salvage.changes.map((c) => [`${c.collection}/${c.doc.id}`, stableStringify(c.doc)]);
          expect(new Set(kept.map(String))).toEqual(new Set(good.map(String)));
          const order = salvage.changes.map((c) => SYNC_COLLECTIONS.indexOf(c.collection));
          expect(order).toEqual([...order].sort((a, b) => a - b));
        },
      ),
      { seed: 8061, numRuns: 300 },
    );
  });

  it('finds nothing in a missing or deleted record, and says so when the record itself cannot be read', () => {
    const nothing = { changes: [], lost: 0, unreadable: false };
    expect(salvageOutbox(undefined)).toEqual(nothing);
    expect(salvageOutbox({ ...record({ 'groups/a': '{}' }), _deleted: '1' })).toEqual(nothing);
    for (const data of ['enc1:AAAA', null, { entries: 'enc1:AAAA' }, { entries: ['groups/a'] }]) {
      expect(salvageOutbox({ id: 'sync-outbox', data, _deleted: '0' }), JSON.stringify(data)).toEqual({
        changes: [],
        lost: 0,
        unreadable: true,
      });
    }
  });
});
