/**
 * What is surely invalid for each kind of field: given a field's kind, where it travels
 * (path, query, body) and a mutation kind, an arbitrary of values the server must
 * refuse there — or null when that mutation cannot make this field invalid (an empty
 * email is allowed, a control character in a search term is harmless).
 */
import fc from 'fast-check';
import { PERMISSIONS } from '../../../domain/permissions';
import { CONTROL_CHARACTERS, LINE_BREAKS, ODD_UNICODE, UNPAIRED_SURROGATES } from './unicode';
import { Deep, type Json } from './wire';

export type Location = 'path' | 'query' | 'body';

export type FieldKind =
  | { type: 'object'; nullable?: boolean }
  | { type: 'array'; min: number; max: number; item: () => Json }
  | { type: 'id'; unknown?: readonly string[] }
  | { type: 'tokenId'; unknown?: readonly string[] }
  | { type: 'date'; nullable?: boolean }
  | {
      type: 'text';
      max: number;
      nonEmpty?: boolean;
      multiline?: boolean;
      nullable?: boolean;
      format?: 'email' | 'phone';
      unknown?: readonly string[];
    }
  | { type: 'metadata' }
  | { type: 'permissions' }
  | { type: 'integer'; min: number; max: number }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'search'; max: number }
  | { type: 'checkpoint' }
  | { type: 'timestamp'; nullable?: boolean }
  | { type: 'boolean' };

export const SLOT_MUTATIONS = [
  'wrong-type',
  'empty-value',
  'huge-string',
  'huge-array',
  'deep-nesting',
  'unicode-edge',
  'control-character',
  'invalid-format',
  'invalid-date',
  'out-of-range',
  'invalid-checkpoint',
  'unknown-record',
] as const;
export type SlotMutation = (typeof SLOT_MUTATIONS)[number];

const STRING_TYPES = new Set(['id', 'tokenId', 'date', 'text', 'enum', 'search', 'checkpoint']);
const ASCII_TYPES = new Set(['id', 'tokenId', 'date', 'enum', 'integer', 'checkpoint', 'permissions']);
/** ES whitespace that String.prototype.trim removes. */
const BLANKS = fc.constantFrom(' ', '   ', '\t', '\n \n', '\u00a0', '\u2003', '\u3000', '\ufeff', '\u2028');
const ID_CHARS = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_');

/** `value` with `piece` inserted after its `at`-th unit (modulo), never at either edge. */
export function insideAt(value: string, piece: string, at: number): string {
  if (value.length < 2) return `${value || 'a'}${piece}${value || 'a'}`;
  const i = 1 + (at % (value.length - 1));
  return value.slice(0, i) + piece + value.slice(i);
}
/** `value` with one of `pieces` inserted strictly inside it (never at an edge a trim would drop). */
const insertedInto = (value: string, pieces: readonly string[]) =>
  fc.tuple(fc.constantFrom(...pieces), fc.nat()).map(([piece, at]) => insideAt(value, piece, at));

/** `n` UTF-16 units of non-blank text (mixed scripts, so nothing trims it shorter). */
const textOfLength = (n: number) =>
  fc.constantFrom('x', 'é', '文', 'Ab', 'e\u0301').map((piece) => piece.repeat(n).slice(0, n));

/** Mostly a little over `max`; sometimes far over, up to past the body limits. */
const lengthOver = (max: number, where: Location) =>
  fc.oneof(
    { weight: 12, arbitrary: fc.integer({ min: max + 1, max: max + 300 }) },
    { weight: where === 'body' ? 2 : 0, arbitrary: fc.integer({ min: 20_000, max: 200_000 }) },
    { weight: where === 'body' ? 1 : 0, arbitrary: fc.constant(1_100_000) },
  );

/** Any JSON value of another type than the field's. */
function otherTypes(kind: FieldKind): fc.Arbitrary<Json> {
  const strings = fc.oneof(
    fc.string({ maxLength: 12 }),
    fc.constantFrom('1700000000000', 'true', 'null', '{}'),
  );
  const numbers = fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }));
  const objects = fc.dictionary(fc.string({ maxLength: 6 }), fc.integer(), { maxKeys: 3 });
  const arrays = fc.array(fc.oneof(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 3 });
  const nullable = 'nullable' in kind && kind.nullable;
  const others: fc.Arbitrary<Json>[] = [fc.boolean(), objects, arrays];
  if (!nullable) others.push(fc.constant(null));
  if (kind.type === 'boolean') return fc.oneof(strings, numbers, objects, arrays, fc.constant(null));
  if (kind.type === 'timestamp' || kind.type === 'integer') others.push(strings);
  else if (STRING_TYPES.has(kind.type)) others.push(numbers);
  else others.push(strings, numbers);
  if (kind.type === 'object' || kind.type === 'metadata') others.splice(others.indexOf(objects), 1);
  if (kind.type === 'array' || kind.type === 'permissions') others.splice(others.indexOf(arrays), 1);
  return fc.oneof(...others);
}

const VALID_DATE = '2026-05-04';
const INVALID_DATES = [
  '2026-02-30',
  '2026-02-29',
  '2025-02-29',
  '2100-02-29',
  '2026-04-31',
  '2026-06-31',
  '2026-09-31',
  '2026-11-31',
  '2026-13-01',
  '2026-00-10',
  '2026-01-00',
  '2026-01-32',
  '1899-12-31',
  '3000-01-01',
  '0000-00-00',
  '9999-12-31',
];
/** A well-formed YYYY-MM-DD whose day is past its month's end. */
const dayPastMonthEnd = fc
  .tuple(fc.integer({ min: 1900, max: 2999 }), fc.integer({ min: 1, max: 12 }), fc.nat(60))
  .map(([year, month, over]) => {
    const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const pad = (n: number) => String(n).padStart(2, '0');
    return `${year}-${pad(month)}-${pad(Math.min(99, last + 1 + over))}`;
  });

const FORMATS: Partial<Record<FieldKind['type'] | 'email' | 'phone', readonly string[]>> = {
  id: [
    'a b',
    'a.b',
    'a:b',
    'a/b',
    'a+b',
    "x' OR '1'='1",
    'a;b',
    '<b>',
    'a\\b',
    '~',
    'a%b',
    'a?b',
    'a#b',
    'a,b',
  ],
  tokenId: [
    'tok_123',
    'tok_0123456789ABCDEF',
    'TOK_0123456789abcdef',
    'tok-0123456789abcdef',
    'tok_0123456789abcdeg',
  ],
  date: [
    '2026-2-3',
    '2026/02/03',
    '03-02-2026',
    '2026-02-03T00:00:00Z',
    '20260203',
    '2026-02',
    ' 2026-02-03',
    '+2026-02-03',
    'tomorrow',
  ],
  integer: ['abc', '10px', '1,000', '1_0', 'NaN', '--1', '1-', 'ten', '٢', '[]'],
  email: ['plainaddress', 'a@b', '@b.cd', 'a b@c.de', 'a@b c.de', 'a@@b.cd', 'a@b.'],
  phone: ['call me', '12', 'phone: 123', '+31 6 ☎ 1234', '1234#5', 'x1234567'],
  permissions: ['superuser', 'clients.*', 'CLIENTS.READ', 'client_groups', ''],
};

const INVALID_CHECKPOINTS = fc.oneof(
  fc.constantFrom(
    'nope',
    'undefined',
    '{}',
    '[]',
    '[0]',
    '0',
    '"seq"',
    'true',
    '{"seq":',
    '{"seq":null}',
    '{"seq":"1"}',
  ),
  fc.constantFrom(
    '{"seq":-1}',
    '{"seq":1.5}',
    '{"seq":1e400}',
    '{"seq":9007199254740993}',
    '{"Seq":1}',
    "{'seq':1}",
  ),
  fc.integer({ min: 1, max: 1e9 }).map((n) => `{"seq":${n},"extra":${n}}`),
  fc.integer({ min: 1, max: 1e9 }).map((n) => `{"seq":-${n}}`),
);

/**
 * Values that surely break `kind` at `where` by way of `mutation`, some made from the
 * field's valid value `current`; null when there are none.
 */
export function invalidValues(
  kind: FieldKind,
  mutation: SlotMutation,
  where: Location,
  current: Json | undefined,
): fc.Arbitrary<Json> | null {
  const valid = current === undefined || typeof current === 'object' ? exampleOf(kind) : current;
  switch (mutation) {
    case 'wrong-type':
      // In a query every value is a string: the one other type is a repeated key (an array).
      if (where === 'query') return fc.constant([String(valid), String(valid)]);
      return where === 'body' ? otherTypes(kind) : null;
    case 'empty-value':
      if (where === 'path') return null;
      if (kind.type === 'text') return kind.nonEmpty ? fc.oneof(fc.constant(''), BLANKS) : null;
      if (kind.type === 'integer') return kind.min >= 1 ? fc.constant('') : null;
      // An empty date clears a nullable one (PATCH /clients/{id}): only a required date refuses it.
      if (kind.type === 'id' || kind.type === 'enum' || (kind.type === 'date' && !kind.nullable))
        return fc.constant('');
      if (kind.type === 'permissions') return fc.constant([]);
      if (kind.type === 'array') return kind.min > 0 ? fc.constant([]) : null;
      if (kind.type === 'metadata') return fc.constant({ '': 'value' });
      return null;
    case 'huge-string':
      return hugeString(kind, where);
    case 'huge-array':
      return hugeArray(kind, where);
    case 'deep-nesting':
      return where === 'body'
        ? fc
            .tuple(
              fc.oneof(
                { weight: 9, arbitrary: fc.integer({ min: 33, max: 3000 }) },
                { weight: 1, arbitrary: fc.integer({ min: 20_000, max: 300_000 }) },
              ),
              fc.constantFrom('array' as const, 'object' as const),
            )
            .map(([depth, shape]) => new Deep(depth, shape))
        : null;
    case 'unicode-edge':
      if (ASCII_TYPES.has(kind.type)) {
        if (kind.type === 'permissions') return insertedInto('clients.read', ODD_UNICODE).map((p) => [p]);
        return insertedInto(String(valid), ODD_UNICODE);
      }
      // In free text odd characters are fine; what is never text is half a surrogate pair.
      return kind.type === 'text' ? insertedInto(String(valid), UNPAIRED_SURROGATES) : null;
    case 'control-character':
      if (kind.type === 'text')
        return insertedInto(String(valid), [...CONTROL_CHARACTERS, ...(kind.multiline ? [] : LINE_BREAKS)]);
      if (kind.type === 'metadata')
        return insertedInto('room', CONTROL_CHARACTERS).chain((bad) =>
          fc.constantFrom({ [bad]: 'value' }, { room: bad }),
        );
      return ASCII_TYPES.has(kind.type) && kind.type !== 'permissions'
        ? insertedInto(String(valid), CONTROL_CHARACTERS)
        : null;
    case 'invalid-format': {
      const key = kind.type === 'text' ? kind.format : kind.type;
      const list = key ? FORMATS[key] : undefined;
      if (kind.type === 'enum')
        return fc
          .oneof(
            fc.constantFrom('Name', 'name ', '+name', 'updatedAt', '-', 'NAME'),
            fc.string({ minLength: 1 }),
          )
          .filter((v) => !kind.values.includes(v));
      if (!list) return null;
      return kind.type === 'permissions'
        ? fc.constantFrom(...list).map((p) => ['clients.read', p])
        : fc.constantFrom(...list);
    }
    case 'invalid-date':
      return kind.type === 'date' ? fc.oneof(fc.constantFrom(...INVALID_DATES), dayPastMonthEnd) : null;
    case 'out-of-range':
      if (kind.type === 'integer')
        return fc.oneof(
          fc.integer({ min: 1, max: 1e6 }).map((n) => String(kind.min - n)),
          fc.integer({ min: 1, max: 1e6 }).map((n) => String(kind.max + n)),
          fc.constantFrom('1.5', '0.25', '1e400', '9007199254740993'),
        );
      if (kind.type === 'timestamp')
        return fc.oneof(
          fc.integer({ min: -1e12, max: -1 }),
          fc.constantFrom(1.5, 8.64e15 + 1, 1e300, Number.MAX_VALUE),
        );
      return null;
    case 'invalid-checkpoint':
      return kind.type === 'checkpoint' ? INVALID_CHECKPOINTS : null;
    case 'unknown-record': {
      const unknown = 'unknown' in kind ? kind.unknown : undefined;
      if (!unknown) return null;
      const made =
        kind.type === 'tokenId'
          ? fc.stringMatching(/^[0-9a-f]{16}$/).map((hex) => `tok_${hex}`)
          : fc.stringMatching(/^[a-z0-9]{6,12}$/).map((s) => `nx-${s}`);
      return fc.oneof(fc.constantFrom(...unknown), kind.type === 'text' ? fc.constantFrom(...unknown) : made);
    }
  }
}

function hugeString(kind: FieldKind, where: Location): fc.Arbitrary<Json> | null {
  switch (kind.type) {
    case 'id':
      return fc
        .integer({ min: 41, max: where === 'path' ? 300 : 3000 })
        .chain((n) => fc.string({ unit: ID_CHARS, minLength: n, maxLength: n }));
    case 'tokenId':
      return fc.integer({ min: 17, max: 200 }).map((n) => `tok_${'a'.repeat(n)}`);
    case 'date':
      return fc.integer({ min: 1, max: 2000 }).map((n) => VALID_DATE + '1'.repeat(n));
    case 'enum':
      return fc.integer({ min: 1, max: 3000 }).map((n) => `${kind.values[0]}${'x'.repeat(n)}`);
    case 'search':
      // Percent-encoded, up to nine bytes a character: keep the URL under Node's 16 KB.
      return fc.integer({ min: kind.max + 1, max: 1500 }).chain(textOfLength);
    case 'checkpoint':
      return fc.integer({ min: 200, max: 1000 }).map((n) => `{"seq":0${' '.repeat(n)}}`);
    case 'integer':
      return fc.integer({ min: 17, max: 400 }).map((n) => '1'.repeat(n));
    case 'metadata':
      return fc.oneof(
        fc.integer({ min: 41, max: 300 }).map((n) => ({ ['k'.repeat(n)]: 'value' })),
        lengthOver(500, where).map((n) => ({ room: 'v'.repeat(n) })),
      );
    case 'text':
      if (kind.format === 'email')
        return lengthOver(kind.max, where).map((n) => `${'a'.repeat(n)}@example.org`);
      if (kind.format === 'phone') return lengthOver(kind.max, where).map((n) => '1'.repeat(n));
      return lengthOver(kind.max, where).chain(textOfLength);
    default:
      return null;
  }
}

function hugeArray(kind: FieldKind, where: Location): fc.Arbitrary<Json> | null {
  if (where === 'path') return null;
  if (where === 'query')
    return fc.integer({ min: 100, max: 400 }).map((n) => Array<string>(n).fill(String(exampleOf(kind))));
  switch (kind.type) {
    case 'permissions':
      return fc.array(fc.constantFrom(...PERMISSIONS), { minLength: PERMISSIONS.length + 1, maxLength: 60 });
    case 'array':
      return fc
        .integer({ min: kind.max + 1, max: kind.max + 400 })
        .map((n) => Array.from({ length: n }, kind.item));
    case 'metadata':
      return fc
        .integer({ min: 51, max: 150 })
        .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`key${i}`, 'v'])));
    default:
      // Any other field: a long array where one value belongs.
      return fc.integer({ min: 1000, max: 50_000 }).map((n) => Array.from({ length: n }, (_, i) => i));
  }
}

/** A valid value of the kind, for mutations that change a valid value. */
function exampleOf(kind: FieldKind): Json {
  switch (kind.type) {
    case 'id':
      return 'demo-mindfulness';
    case 'tokenId':
      return 'tok_0123456789abcdef';
    case 'date':
      return VALID_DATE;
    case 'text':
      return kind.format === 'email'
        ? 'fuzz@example.org'
        : kind.format === 'phone'
          ? '+31 20 123 4567'
          : 'Fuzz value';
    case 'enum':
      return kind.values[0] ?? 'x';
    case 'integer':
      return String(Math.max(kind.min, 1));
    case 'checkpoint':
      return '{"seq":0}';
    case 'search':
      return 'fuzz';
    default:
      return null;
  }
}
