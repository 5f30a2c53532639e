/**
 * What memory keeps of a collection's documents: repeated values once (the pool), and
 * every document still found, counted and changed as written.
 */
import { fillWithDefaultSettings, normalizeMangoQuery, prepareQuery, type RxJsonSchema } from 'rxdb';
import { describe, expect, it } from 'vitest';
import { MemoryCollection, ValuePool, type Doc } from './memoryCollection';

type Row = { id: string; groupId: string; startDate?: string; note?: string };

const schema = fillWithDefaultSettings<Row>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    groupId: { type: 'string', maxLength: 40 },
    startDate: { type: 'string', maxLength: 10 },
    note: { type: 'string' },
  },
  required: ['id', 'groupId'],
  indexes: ['groupId'],
}) as unknown as RxJsonSchema<Doc>;

/** A document as a parsed page gives it: every value a string of its own. */
function parsed(id: string, groupId: string, startDate: string, rev = 1): Doc {
  return JSON.parse(
    JSON.stringify({
      id,
      groupId,
      startDate,
      note: `note of ${id}`,
      _deleted: false,
      _rev: `${rev}-token`,
      _meta: { lwt: rev },
      _attachments: {},
    }),
  ) as Doc;
}

const query = (selector: Record<string, unknown>) =>
  prepareQuery<Doc>(schema, normalizeMangoQuery<Doc>(schema, { selector }));

describe('memory collection', () => {
  it('keeps each repeated value once, and one empty _attachments for all documents', () => {
    const pool = new ValuePool();
    const memory = new MemoryCollection(schema, 'id', ['groupId', 'startDate'], pool);
    const docs = Array.from({ length: 300 }, (_, i) =>
      parsed(`m${i}`, `g${i % 3}`, `2026-01-0${1 + (i % 2)}`),
    );
    memory.write(docs);
    // Three group ids, two dates, one revision: the notes and ids are not pooled.
    expect(pool.size).toBe(3 + 2 + 1);
    const held = [...memory.docs.values()];
    expect(new Set(held.map((d) => d._attachments)).size).toBe(1);
    // Written at one time (one page): one frozen _meta for all of them.
    expect(new Set(held.map((d) => d._meta)).size).toBe(1);
    expect(Object.isFrozen(held[0]?._meta)).toBe(true);
    expect(held[0]?._attachments).toEqual({});
    // Values read back unchanged, and found through the index.
    expect(memory.docs.get('m7')).toMatchObject({
      groupId: 'g1',
      startDate: '2026-01-02',
      note: 'note of m7',
    });
    expect(memory.count(query({ groupId: 'g2' }))).toBe(100);
    // A new version of a document: the pool holds its new revision, the index follows.
    memory.write([parsed('m7', 'g2', '2026-01-02', 2)]);
    expect(pool.size).toBe(3 + 2 + 2);
    // Written later: a _meta of its own, with its own time.
    expect(memory.docs.get('m7')?._meta).toEqual({ lwt: 2 });
    expect(memory.docs.get('m8')?._meta).toEqual({ lwt: 1 });
    expect(memory.count(query({ groupId: 'g1' }))).toBe(99);
    expect(memory.count(query({ groupId: 'g2' }))).toBe(101);
  });

  it('leaves a frozen document as it is (RxDB freezes what it writes in dev mode)', () => {
    const pool = new ValuePool();
    const memory = new MemoryCollection(schema, 'id', ['groupId'], pool);
    const frozen = Object.freeze(parsed('f1', 'g1', '2026-01-01'));
    memory.write([frozen]);
    expect(memory.docs.get('f1')).toBe(frozen);
    expect(pool.size).toBe(0);
  });
});
