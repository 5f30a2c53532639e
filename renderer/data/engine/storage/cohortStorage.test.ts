/**
 * The storage answers as RxDB's own memory storage does: the same random writes (inserts,
 * edits that move documents within indexes, deletions, stale writes that must conflict)
 * go to both, and every write's answer and events, and random queries, counts, reads by
 * id and change pages are compared. Then the same through a real reopen from IndexedDB.
 */
import fc from 'fast-check';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import {
  fillWithDefaultSettings,
  getChangedDocumentsSince,
  normalizeMangoQuery,
  prepareQuery,
  type BulkWriteRow,
  type EventBulk,
  type MangoQuery,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstance,
} from 'rxdb';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import { describe, expect, it } from 'vitest';
import { getCohortStorage } from './cohortStorage';
import { openRows } from './storageTesting';

type Row = { id: string; groupId: string; name: string; rank: number };
type Doc = RxDocumentData<Row>;
type Instance = RxStorageInstance<Row, unknown, unknown>;

const schema = fillWithDefaultSettings<Row>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 20 },
    groupId: { type: 'string', maxLength: 10 },
    name: { type: 'string', maxLength: 20 },
    rank: { type: 'integer', minimum: 0, maximum: 1000, multipleOf: 1 },
  },
  required: ['id', 'groupId', 'name', 'rank'],
  indexes: ['groupId', 'name', ['rank', 'name']],
}) as RxJsonSchema<Doc>;

const env = { indexedDB, IDBKeyRange };
let databases = 0;

const open = (storage: RxStorage<unknown, unknown>, databaseName: string): Promise<Instance> =>
  openRows<Row>(storage, databaseName, schema);

type Op =
  | { kind: 'insert'; n: number; groupId: string; name: string; rank: number }
  | { kind: 'edit'; pick: number; groupId: string; name: string; rank: number; stale: boolean }
  | { kind: 'delete'; pick: number };

const word = fc.constantFrom('ada', 'bob', 'cy', 'ada ', 'Zed', 'émile', 'bo', '');
const group = fc.constantFrom('g1', 'g2', 'g3', 'g10');
const ops = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('insert' as const),
      n: fc.integer({ min: 1, max: 90 }),
      groupId: group,
      name: word,
      rank: fc.integer({ min: 0, max: 20 }),
    }),
    fc.record({
      kind: fc.constant('edit' as const),
      pick: fc.nat(),
      groupId: group,
      name: word,
      rank: fc.integer({ min: 0, max: 20 }),
      stale: fc.boolean(),
    }),
    fc.record({ kind: fc.constant('delete' as const), pick: fc.nat() }),
  ),
  { minLength: 1, maxLength: 25 },
);

const queries: MangoQuery<Row>[] = [
  { selector: {} },
  { selector: { groupId: 'g1' } },
  { selector: { groupId: { $gt: 'g1' } }, sort: [{ name: 'desc' }] },
  { selector: { groupId: { $in: ['g2', 'g10'] } }, limit: 7, skip: 2 },
  { selector: { name: { $gte: 'ada', $lt: 'bo' } } },
  { selector: { rank: { $gt: 3, $lte: 12 } }, sort: [{ rank: 'asc' }, { name: 'asc' }] },
  { selector: { name: { $regex: '^a' } }, sort: [{ rank: 'desc' }] },
  { selector: { groupId: 'g3', rank: { $lt: 10 } }, limit: 3 },
  { selector: {}, sort: [{ name: 'asc' }], skip: 5, limit: 10 },
];

/** Equality on an index's leading fields alone: answered from its buckets (prefixBuckets.ts), the index never sorted. */
const lookups = [
  // As RxDB asks: live documents only.
  { selector: { groupId: 'g1', _deleted: false } },
  { selector: { groupId: 'g10', _deleted: false }, limit: 4 },
  { selector: { groupId: 'g2', _deleted: false }, skip: 1 },
  { selector: { groupId: 'g3', _deleted: false, name: { $regex: '^a' } } },
  { selector: { groupId: 'g3', _deleted: true } },
] as unknown as MangoQuery<Row>[];

/** Applies `op` to both instances; the answers must agree. */
async function apply(op: Op, step: number, instances: Instance[], known: Map<string, Doc>) {
  const ids = [...known.keys()];
  let rows: BulkWriteRow<Row>[] = [];
  const lwt = 1_000 + step;
  if (op.kind === 'insert') {
    rows = Array.from({ length: op.n }, (_, i) => ({
      document: {
        id: `r${step}-${i}`,
        groupId: op.groupId,
        name: `${op.name}${i % 3}`,
        rank: (op.rank + i) % 21,
        _deleted: false,
        _rev: '1-a',
        _meta: { lwt: lwt + i / 100 },
        _attachments: {},
      },
    }));
  } else if (ids.length > 0) {
    const picked = Array.from(
      { length: 1 + (op.pick % 70) },
      (_, i) => ids[(op.pick + i * 7) % ids.length] as string,
    );
    rows = [...new Set(picked)].map((id, i) => {
      const previous = known.get(id) as Doc;
      const height = Number(previous._rev.split('-')[0]);
      const base = { ...previous, _rev: `${height + 1}-b`, _meta: { lwt: lwt + i / 100 } };
      const document =
        op.kind === 'delete'
          ? { ...base, _deleted: true }
          : { ...base, groupId: op.groupId, name: op.name, rank: op.rank };
      // A stale write names an earlier state: it must come back as a conflict.
      const stalePrevious = op.kind === 'edit' && op.stale ? { ...previous, _rev: '0-stale' } : previous;
      return { previous: stalePrevious, document };
    });
  }
  if (rows.length === 0) return;
  const answers = await Promise.all(instances.map((instance) => instance.bulkWrite(rows, `step-${step}`)));
  const [ours, theirs] = answers.map((a) => a.error.map((e) => [e.documentId, e.status]));
  expect(ours).toEqual(theirs);
  const refused = new Set(answers[0]?.error.map((e) => e.documentId));
  for (const row of rows) if (!refused.has(row.document.id)) known.set(row.document.id, row.document);
}

async function compareReads(instances: Instance[], mangos = queries) {
  for (const mango of mangos) {
    const prepared = prepareQuery(schema, normalizeMangoQuery(schema, mango));
    const [ours, theirs] = await Promise.all(
      instances.map(async (i) => (await i.query(prepared)).documents.map((d) => d.id)),
    );
    expect(ours, JSON.stringify(mango)).toEqual(theirs);
    const [a, b] = await Promise.all(instances.map(async (i) => (await i.count(prepared)).count));
    expect(a, JSON.stringify(mango)).toBe(b);
  }
  const [ourIds, theirIds] = await Promise.all(
    instances.map(async (i) => {
      const pages: string[] = [];
      let checkpoint: { id: string; lwt: number } | undefined;
      for (;;) {
        const page = await getChangedDocumentsSince(i, 13, checkpoint);
        if (page.documents.length === 0) break;
        pages.push(...page.documents.map((d) => `${d.id}@${d._meta.lwt}`));
        checkpoint = page.checkpoint as { id: string; lwt: number };
      }
      return pages;
    }),
  );
  expect(ourIds).toEqual(theirIds);
}

describe('the Cohort storage', () => {
  for (const [label, mangos] of [
    ['queries of every kind', queries],
    ['lookups by group alone', lookups],
  ] as const) {
    it(`answers writes, ${label}, counts and change pages as RxDB's memory storage does, also after a reopen`, async () => {
      await fc.assert(
        fc.asyncProperty(ops, async (program) => {
          const name = `equivalence-${databases++}`;
          const ours = getCohortStorage({ indexedDb: env }) as RxStorage<unknown, unknown>;
          const instances = [await open(ours, name), await open(getRxStorageMemory(), name)];
          const events: string[][] = [[], []];
          instances.forEach((instance, i) =>
            instance
              .changeStream()
              .subscribe((bulk: EventBulk<{ documentId: string; operation: string }, unknown>) =>
                events[i]?.push(...bulk.events.map((e) => `${e.operation} ${e.documentId}`)),
              ),
          );
          const known = new Map<string, Doc>();
          // Read after every write: the indexes are built on first use and kept up to date from then on.
          for (const [step, op] of program.entries()) {
            await apply(op, step, instances, known);
            await compareReads(instances, mangos);
          }
          expect(events[0]).toEqual(events[1]);
          // From disk: a fresh storage object reads the log back.
          await instances[0]?.close();
          instances[0] = await open(
            getCohortStorage({ indexedDb: env }) as RxStorage<unknown, unknown>,
            name,
          );
          await compareReads(instances, mangos);
          await Promise.all(instances.map((i) => i.close()));
        }),
        { numRuns: 40 },
      );
    });
  }
});
