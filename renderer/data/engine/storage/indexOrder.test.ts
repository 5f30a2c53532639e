/**
 * The field-by-field order and bounds agree with RxDB's own index strings: for random
 * documents and random query bounds, every comparison has the sign the comparison of
 * RxDB's strings has.
 */
import fc from 'fast-check';
import {
  fillWithDefaultSettings,
  getIndexableStringMonad,
  getStartIndexStringFromLowerBound,
  getStartIndexStringFromUpperBound,
  INDEX_MAX,
  INDEX_MIN,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb';
import { describe, expect, it } from 'vitest';
import { comparePadded, indexOrder } from './indexOrder';

type Row = { id: string; name?: string; score?: number; count?: number; done?: boolean };

const schema = fillWithDefaultSettings<Row>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 8 },
    name: { type: 'string', maxLength: 6 },
    score: { type: 'number', minimum: 0, maximum: 1000, multipleOf: 0.01 },
    count: { type: 'integer', minimum: -50, maximum: 100_000, multipleOf: 1 },
    done: { type: 'boolean' },
  },
  required: ['id'],
}) as RxJsonSchema<RxDocumentData<Row>>;

const INDEXES = [
  ['name', 'id'],
  ['done', 'name', 'id'],
  ['score', 'id'],
  ['count', 'done', 'id'],
  ['_meta.lwt', 'id'],
  ['_deleted', 'count', 'score', 'id'],
];

// Spaces, characters below a space and prefixes of each other: where padding decides.
const text = (max: number) =>
  fc.string({ unit: fc.constantFrom(' ', 'a', 'b', '\t', '~', 'é'), maxLength: max });
const number = fc.oneof(
  fc.double({ min: -20, max: 1020, noNaN: true }),
  fc.integer({ min: 0, max: 1000 }),
  fc.constantFrom(0, 1000, 999.995, 0.005, 12.345),
);
const doc = fc
  .record(
    {
      id: text(8),
      name: text(6),
      score: number,
      count: fc.integer({ min: -80, max: 100_100 }),
      done: fc.boolean(),
      _deleted: fc.boolean(),
      lwt: fc.double({ min: 1, max: 2e12, noNaN: true }),
    },
    { requiredKeys: ['id', '_deleted', 'lwt'] },
  )
  .map(({ lwt, ...d }) => ({ ...d, _meta: { lwt }, _rev: '1-a', _attachments: {} }));
const boundValue = fc.oneof(
  fc.constantFrom<unknown>(INDEX_MIN, INDEX_MAX, null, true, false),
  text(6),
  number,
);

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);
const compareStrings = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

describe('index order', () => {
  it('compares strings as RxDB pads them', () => {
    expect(comparePadded('ab', 'ab  ')).toBe(0);
    expect(comparePadded('ab', 'ab\t')).toBe(1);
    expect(comparePadded('ab', 'abc')).toBe(-1);
    expect(comparePadded('b', 'ab')).toBe(1);
  });

  for (const index of INDEXES) {
    it(`orders documents and bounds as RxDB's strings do: [${index.join(', ')}]`, () => {
      const order = indexOrder(schema, index);
      const string = getIndexableStringMonad(schema, index);
      const fields = (keys: unknown[]) =>
        index.map((path, i) => {
          // A bound fits its field's type, or is one of RxDB's own markers, as query plans make them.
          const type = (schema.properties as Record<string, { type?: string }>)[path]?.type;
          const key = keys[i];
          if (key === INDEX_MIN || key === INDEX_MAX || key === null) return key;
          if (type === 'string' || path === 'id') return typeof key === 'string' ? key : INDEX_MIN;
          if (type === 'boolean' || path === '_deleted') return typeof key === 'boolean' ? key : INDEX_MAX;
          return typeof key === 'number' ? key : INDEX_MIN;
        });
      fc.assert(
        fc.property(
          doc,
          doc,
          fc.array(boundValue, { minLength: index.length, maxLength: index.length }),
          (a, b, raw) => {
            expect(sign(order.compare(a, b))).toBe(compareStrings(string(a), string(b)));
            const keys = fields(raw);
            const lower = getStartIndexStringFromLowerBound(schema, index, keys);
            const upper = getStartIndexStringFromUpperBound(schema, index, keys);
            expect(sign(order.compareToBound(a, order.lowerBound(keys)))).toBe(
              compareStrings(string(a), lower),
            );
            expect(sign(order.compareToBound(a, order.upperBound(keys)))).toBe(
              compareStrings(string(a), upper),
            );
          },
        ),
        { numRuns: 3000 },
      );
    });
  }
});
