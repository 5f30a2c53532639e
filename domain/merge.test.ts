import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeDocuments, type LostChange, type SyncDocument } from './merge';

const base: SyncDocument = {
  id: 'g1',
  createdAt: 1000,
  updatedAt: 1000,
  _deleted: false,
  name: 'Tuesday group',
  description: 'Evenings',
  metadata: { room: 'A', floor: '1' },
};
const edit = (doc: SyncDocument, at: number, patch: Record<string, unknown>): SyncDocument => ({
  ...doc,
  ...patch,
  updatedAt: at,
});

describe('mergeDocuments', () => {
  it('keeps the server state when only the server changed', () => {
    const real = edit(base, 2000, { name: 'Server name' });
    const result = mergeDocuments({ assumed: base, real, local: base });
    expect(result.merged).toEqual(real);
    expect(result.lost).toEqual([]);
  });

  it('keeps this device’s change when only it changed', () => {
    const local = edit(base, 2000, { name: 'Local name' });
    const result = mergeDocuments({ assumed: base, real: base, local });
    expect(result.merged).toMatchObject({ name: 'Local name', updatedAt: 2000 });
    expect(result.lost).toEqual([]);
  });

  it('combines changes to different fields, losing nothing', () => {
    const real = edit(base, 2000, { name: 'Server name' });
    const local = edit(base, 1500, { description: 'Mornings' });
    const result = mergeDocuments({ assumed: base, real, local });
    expect(result.merged).toMatchObject({ name: 'Server name', description: 'Mornings', updatedAt: 2000 });
    expect(result.lost).toEqual([]);
  });

  it('gives a field both changed to the later write and returns the losing value', () => {
    const real = edit(base, 2000, { name: 'Server name' });
    const local = edit(base, 3000, { name: 'Local name' });
    const localWins = mergeDocuments({ assumed: base, real, local });
    expect(localWins.merged.name).toBe('Local name');
    expect(localWins.lost).toEqual([
      { kind: 'field', side: 'remote', field: 'name', lost: 'Server name', kept: 'Local name' },
    ]);

    const earlier = edit(base, 1500, { name: 'Local name' });
    const serverWins = mergeDocuments({ assumed: base, real, local: earlier });
    expect(serverWins.merged).toEqual(real);
    expect(serverWins.lost).toEqual([
      { kind: 'field', side: 'local', field: 'name', lost: 'Local name', kept: 'Server name' },
    ]);
  });

  it('merges metadata key by key', () => {
    const real = edit(base, 2000, { metadata: { room: 'B', floor: '1' } });
    const local = edit(base, 1500, { metadata: { room: 'A', floor: '2', wing: 'east' } });
    const result = mergeDocuments({ assumed: base, real, local });
    expect(result.merged.metadata).toEqual({ room: 'B', floor: '2', wing: 'east' });
    expect(result.lost).toEqual([]);
  });

  it('lets a deletion win over an edit, and returns the discarded edit', () => {
    const deleted = { ...edit(base, 2000, {}), _deleted: true };
    const local = edit(base, 3000, { name: 'Edited offline' });
    const remoteDeleted = mergeDocuments({ assumed: base, real: deleted, local });
    expect(remoteDeleted.merged._deleted).toBe(true);
    expect(remoteDeleted.lost).toEqual([{ kind: 'deleted', side: 'local', lost: local }]);

    const remoteEdit = edit(base, 2500, { description: 'Edited elsewhere' });
    const localDeleted = mergeDocuments({ assumed: base, real: remoteEdit, local: deleted });
    expect(localDeleted.merged).toMatchObject({ _deleted: true, updatedAt: 2500 });
    expect(localDeleted.lost).toEqual([{ kind: 'deleted', side: 'remote', lost: remoteEdit }]);
  });

  it('loses nothing when a deletion meets an unchanged document', () => {
    const deleted = { ...base, updatedAt: 2000, _deleted: true };
    expect(mergeDocuments({ assumed: base, real: deleted, local: base }).lost).toEqual([]);
    expect(mergeDocuments({ assumed: base, real: base, local: deleted }).lost).toEqual([]);
  });

  it('merges two creations of the same membership id field by field', () => {
    const a: SyncDocument = {
      id: 'g1:c1',
      groupId: 'g1',
      clientId: 'c1',
      startDate: '2026-03-01',
      createdAt: 1000,
      updatedAt: 1000,
      _deleted: false,
    };
    const b = { ...a, startDate: '2026-03-02', endDate: '2026-06-30', createdAt: 1200, updatedAt: 1200 };
    const result = mergeDocuments({ assumed: null, real: a, local: b });
    expect(result.merged).toEqual({ ...b, createdAt: 1000 });
    expect(result.lost).toEqual([
      { kind: 'field', side: 'remote', field: 'startDate', lost: '2026-03-01', kept: '2026-03-02' },
    ]);
    // The same two creations meeting the other way round keep the same fields.
    expect(mergeDocuments({ assumed: null, real: b, local: a }).merged).toMatchObject({
      startDate: '2026-03-02',
      endDate: '2026-06-30',
    });
  });

  it('ignores RxDB’s storage fields', () => {
    const local = { ...base, _rev: '1-abc', _meta: { lwt: 5 }, _attachments: {} } as SyncDocument;
    expect(mergeDocuments({ assumed: base, real: base, local })).toEqual({ merged: base, lost: [] });
  });
});

describe('mergeDocuments, properties', () => {
  const names = fc.constantFrom('A', 'B', 'C');
  const doc = (id: string) =>
    fc.record({
      id: fc.constant(id),
      createdAt: fc.integer({ min: 1, max: 5 }),
      updatedAt: fc.integer({ min: 1, max: 5 }),
      _deleted: fc.boolean(),
      name: names,
      description: fc.option(names, { nil: undefined }),
      metadata: fc.dictionary(fc.constantFrom('room', 'floor'), names, { maxKeys: 2 }),
    });
  const input = fc.record({ assumed: fc.option(doc('g'), { nil: null }), real: doc('g'), local: doc('g') });

  it('is deterministic and symmetric in which side it keeps when nothing was assumed', () => {
    fc.assert(
      fc.property(input, ({ real, local }) => {
        const one = mergeDocuments({ assumed: null, real, local });
        expect(mergeDocuments({ assumed: null, real, local })).toEqual(one);
        if (!real._deleted && !local._deleted) {
          const other = mergeDocuments({ assumed: null, real: local, local: real });
          const fields = (d: SyncDocument) => ({ ...d, createdAt: 0, updatedAt: 0 });
          expect(fields(other.merged)).toEqual(fields(one.merged));
        }
      }),
      { seed: 4242, numRuns: 500 },
    );
  });

  it('returns every changed value that is not in the result', () => {
    fc.assert(
      fc.property(input, ({ assumed, real, local }) => {
        const { merged, lost } = mergeDocuments({ assumed, real, local });
        for (const [side, doc] of [
          ['local', local],
          ['remote', real],
        ] as const) {
          if (merged._deleted && !doc._deleted) {
            // An edit that gave way to a deletion is returned whole, unless it changed nothing.
            const changed = !assumed || assumed._deleted || !sameFieldsOf(assumed, doc);
            if (changed && !(merged._deleted && same(doc, merged)))
              expect(lost).toContainEqual({ kind: 'deleted', side, lost: doc });
            continue;
          }
          if (merged._deleted) continue;
          for (const path of fieldPaths(doc)) {
            const value = valueAt(doc, path);
            const changed = !assumed || !same(valueAt(assumed, path), value);
            if (!changed || same(valueAt(merged, path), value)) continue;
            expect(lost).toContainEqual<LostChange>(
              expect.objectContaining({ kind: 'field', side, field: path, lost: value }) as LostChange,
            );
          }
        }
      }),
      { seed: 4243, numRuns: 1000 },
    );
  });
});

function fieldPaths(doc: SyncDocument): string[] {
  const paths: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (['id', 'createdAt', 'updatedAt', '_deleted'].includes(key)) continue;
    if (value && typeof value === 'object') {
      for (const inner of Object.keys(value)) paths.push(`${key}.${inner}`);
    } else if (value !== undefined) paths.push(key);
  }
  return paths;
}

function valueAt(doc: SyncDocument, path: string): unknown {
  const [head = '', inner] = path.split('.');
  const value = doc[head];
  return inner === undefined ? value : (value as Record<string, unknown> | undefined)?.[inner];
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function sameFieldsOf(a: SyncDocument, b: SyncDocument): boolean {
  return (
    fieldPaths(a).length === fieldPaths(b).length &&
    fieldPaths(a).every((p) => same(valueAt(a, p), valueAt(b, p)))
  );
}
