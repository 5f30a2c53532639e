/**
 * The order of documents in an RxDB index, without RxDB's index strings.
 *
 * RxDB's storages sort by one string per document and index: each field padded to a fixed
 * width (strings with spaces to their maxLength, numbers as fixed-width digits within the
 * schema's bounds, booleans '0'/'1'), concatenated. Because every part has a fixed width,
 * comparing the parts field by field under the same rules gives the same order and the
 * same query bounds — without a string per document and index, which for 500,000
 * memberships would be hundreds of megabytes. indexOrder.test.ts checks the order and
 * the bounds against RxDB's own strings.
 */
import {
  getSchemaByObjectPath,
  getStringLengthOfIndexNumber,
  INDEX_MAX,
  INDEX_MIN,
  objectPathMonad,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb';

/** Below and above every value of a field (RxDB's '\x00…' and '\uffff…' / '999…' bound parts). */
const LOWEST = Symbol('lowest');
const HIGHEST = Symbol('highest');
type Part = string | number | typeof LOWEST | typeof HIGHEST;

type Field = {
  value(doc: object): string | number;
  /** Two documents by this field (the hot path of sorting: no bound markers to look for). */
  compareDocs(a: object, b: object): number;
  /** A query bound's value as a part: RxDB's getStartIndexStringFrom{Lower,Upper}Bound, field by field. */
  bound(bound: unknown, upper: boolean): Part;
  compare(a: Part, b: Part): number;
};

/** A field's value getter: a plain property read for a top-level field. */
function getter(path: string): (doc: object) => unknown {
  if (!path.includes('.')) return (doc) => (doc as Record<string, unknown>)[path];
  return objectPathMonad(path) as (doc: object) => unknown;
}

/** A query plan's start or end keys, turned into parts once per query. */
export type BoundKey = readonly Part[];

export type IndexOrder = {
  readonly fields: readonly string[];
  /** Negative, zero or positive as `a` sorts before, with or after `b` (zero only for the same key). */
  compare(a: object, b: object): number;
  /** `doc` against a bound: negative when the document sorts before it. */
  compareToBound(doc: object, bound: BoundKey): number;
  lowerBound(keys: readonly unknown[]): BoundKey;
  upperBound(keys: readonly unknown[]): BoundKey;
  /** A key of `doc`'s values of every field but the last (equal keys: equal in the index). */
  prefixKey(doc: object): string;
  /**
   * When the range from `lower` to `upper` (both inclusive) is every document whose
   * leading fields hold given values, whatever its last field: those values as a
   * prefixKey; null for any other range.
   */
  prefixKeyOfRange(lower: BoundKey, upper: BoundKey): string | null;
};

/** A part as a key: strings without the trailing spaces RxDB's padding makes meaningless. */
const keyPart = (part: string | number) => (typeof part === 'string' ? part.replace(/ +$/, '') : part);

/**
 * Strings as RxDB compares them padded with spaces: as JavaScript compares them, except
 * that a string equals itself followed by spaces, and sorts after itself followed by a
 * character below a space.
 */
export function comparePadded(a: string, b: string): number {
  if (a === b) return 0;
  const shorter = a.length < b.length ? a : b;
  const longer = shorter === a ? b : a;
  if (a.length === b.length || !longer.startsWith(shorter)) return a < b ? -1 : 1;
  for (let i = shorter.length; i < longer.length; i++) {
    const c = longer.charCodeAt(i);
    if (c !== 32) return c > 32 === (longer === a) ? 1 : -1;
  }
  return 0;
}

function compareParts(a: Part, b: Part, values: (x: never, y: never) => number): number {
  if (a === b) return 0;
  if (a === LOWEST || b === HIGHEST) return -1;
  if (a === HIGHEST || b === LOWEST) return 1;
  return values(a as never, b as never);
}

const compareNumbers = (a: number, b: number) => (a < b ? -1 : a > b ? 1 : 0);

function stringField(path: string): Field {
  const get = getter(path);
  return {
    value: (doc) => (get(doc) as string | undefined) || '',
    compareDocs(a, b) {
      const x = (get(a) as string | undefined) || '';
      const y = (get(b) as string | undefined) || '';
      return x === y ? 0 : comparePadded(x, y);
    },
    bound(bound, upper) {
      if (typeof bound === 'string' && bound !== INDEX_MAX) return bound;
      if (!upper) return bound === INDEX_MAX ? HIGHEST : LOWEST;
      return bound === INDEX_MIN ? LOWEST : HIGHEST;
    },
    compare: (a, b) => compareParts(a, b, comparePadded),
  };
}

function booleanField(path: string): Field {
  const get = getter(path);
  return {
    value: (doc) => (get(doc) ? 1 : 0),
    compareDocs: (a, b) => (get(a) ? 1 : 0) - (get(b) ? 1 : 0),
    bound(bound, upper) {
      if (bound === INDEX_MIN) return 0;
      if (bound === INDEX_MAX) return 1;
      if (bound === null) return upper ? 1 : 0;
      return bound ? 1 : 0;
    },
    compare: (a, b) => compareParts(a, b, compareNumbers),
  };
}

function numberField(path: string, schemaPart: Parameters<typeof getStringLengthOfIndexNumber>[0]): Field {
  const get = getter(path);
  const { minimum, maximum, roundedMinimum, multiplier } = getStringLengthOfIndexNumber(schemaPart);
  // RxDB's fixed-width digits, read as one integer: the whole part, then the decimals.
  const key = (input: unknown) => {
    let v = typeof input === 'number' ? input : 0;
    if (v < minimum) v = minimum;
    if (v > maximum) v = maximum;
    const floored = Math.floor(v);
    const shifted = Math.min(Math.round((v - floored) * multiplier), multiplier - 1);
    return (floored - roundedMinimum) * multiplier + shifted;
  };
  return {
    value: (doc) => key(get(doc)),
    compareDocs: (a, b) => compareNumbers(key(get(a)), key(get(b))),
    bound(bound, upper) {
      if (bound === INDEX_MIN || (bound === null && !upper)) return 0;
      if (bound === INDEX_MAX || bound === null) return upper ? HIGHEST : key(maximum);
      return key(bound);
    },
    compare: (a, b) => compareParts(a, b, compareNumbers),
  };
}

/** The order of `index` (field paths, the primary key last) in documents of `schema`. */
export function indexOrder<T>(schema: RxJsonSchema<RxDocumentData<T>>, index: readonly string[]): IndexOrder {
  const fields = index.map((path): Field => {
    const part = getSchemaByObjectPath(schema, path) as { type?: unknown } | undefined;
    if (!part) throw new Error(`Index field ${path} is not in the schema.`);
    if (part.type === 'string') return stringField(path);
    if (part.type === 'boolean') return booleanField(path);
    if (part.type === 'number' || part.type === 'integer') return numberField(path, part as never);
    throw new Error(`Index field ${path} has type ${String(part.type)}, which no index can hold.`);
  });
  const n = fields.length;
  return {
    fields: index,
    compare: compareDocs(fields.map((f) => f.compareDocs)),

    compareToBound(doc, bound) {
      for (let i = 0; i < n; i++) {
        const f = fields[i] as Field;
        const c = f.compare(f.value(doc), bound[i] as Part);
        if (c !== 0) return c;
      }
      return 0;
    },
    lowerBound: (keys) => fields.map((f, i) => f.bound(keys[i], false)),
    upperBound: (keys) => fields.map((f, i) => f.bound(keys[i], true)),
    prefixKey: (doc) => JSON.stringify(fields.slice(0, -1).map((f) => keyPart(f.value(doc)))),
    prefixKeyOfRange(lower, upper) {
      if (lower[n - 1] !== LOWEST || upper[n - 1] !== HIGHEST) return null;
      const parts: (string | number)[] = [];
      for (let i = 0; i < n - 1; i++) {
        const part = lower[i];
        if (typeof part === 'symbol' || part === undefined) return null;
        if ((fields[i] as Field).compare(part, upper[i] as Part) !== 0) return null;
        parts.push(keyPart(part));
      }
      return JSON.stringify(parts);
    },
  };
}

/** Documents compared field by field; unrolled for the usual two or three fields (sorting calls it millions of times). */
function compareDocs(by: ((a: object, b: object) => number)[]): (a: object, b: object) => number {
  const [f0, f1, f2] = by;
  if (by.length === 2 && f0 && f1) return (a, b) => f0(a, b) || f1(a, b);
  if (by.length === 3 && f0 && f1 && f2) return (a, b) => f0(a, b) || f1(a, b) || f2(a, b);
  return (a, b) => {
    for (const f of by) {
      const c = f(a, b);
      if (c !== 0) return c;
    }
    return 0;
  };
}
