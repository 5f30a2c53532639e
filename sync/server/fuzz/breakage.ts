/**
 * The request-level ways to break a valid request: bad authorization headers, wrong
 * content types, malformed JSON, polluting keys, broken URLs, an end before a start,
 * and sync pushes whose assumed state is stale.
 */
import fc from 'fast-check';
import type { SyncCollection } from '../../protocol';
import { encodeParam, fillPath, update, valueAt, type Draft, type FuzzContext, type Mutated } from './draft';
import type { Endpoint, SlotPath } from './endpoints';
import { EXISTING_IDS, validDocument } from './syncEndpoints';
import { jsonText, type Json } from './wire';

const garbage = fc.string({
  unit: fc.constantFrom(...'abcXYZ0123456789-._~+/=!$&*'),
  minLength: 1,
  maxLength: 300,
});

/** Authorization headers that must not get in, each with a label for the report. */
export function badAuthorizations(ctx: FuzzContext): fc.Arbitrary<[string, string | null]> {
  const valid = ctx.tokens.admin;
  return fc.oneof(
    fc.constantFrom<[string, string | null]>(
      ['none', null],
      ['empty', ''],
      ['scheme only', 'Bearer'],
      ['scheme and space', 'Bearer '],
      ['revoked session', `Bearer ${ctx.revokedSession}`],
      ['revoked API token', `Bearer ${ctx.revokedApiToken}`],
      ['basic auth', `Basic ${Buffer.from('admin@demo.test:cohort-demo').toString('base64')}`],
      ['other scheme', `Token ${valid}`],
      ['two tokens', `Bearer ${valid} ${valid}`],
      ['token plus a character', `Bearer ${valid}x`],
      ['quoted token', `Bearer "${valid}"`],
      ['no scheme', valid],
    ),
    garbage.map((g): [string, string] => ['garbage', `Bearer ${g}`]),
    garbage.map((g): [string, string] => ['unknown API token', `Bearer cohort_${g}`]),
  );
}

/** Content types the server must answer 415 (or, without a JSON parser for it, 4xx) for. */
export const WRONG_CONTENT_TYPES = [
  null,
  'text/plain',
  'text/plain; charset=utf-8',
  'text/html',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=fuzz',
  'application/xml',
  'application/octet-stream',
  'application/jsonx',
  'application/vnd.api+json',
  'application/json-patch+json',
  'application/json, text/plain',
  'image/png',
  '*/*',
  '',
] as const;

export const POLLUTING_KEYS = [
  '"__proto__":{"isAdmin":true}',
  '"__proto__":null',
  '"constructor":{"prototype":{"isAdmin":true}}',
  '"\\u005f_proto__":{}',
];

/** The body's JSON with `key` added to its first object (a new object when it has none). */
export function withKey(body: Json | undefined, key: string): string {
  const text = jsonText(body ?? {});
  const at = text.indexOf('{');
  if (at < 0) return `{${key}}`;
  const empty = text[at + 1] === '}';
  return `${text.slice(0, at + 1)}${key}${empty ? '' : ','}${text.slice(at + 1)}`;
}

/** The body's JSON, broken in one of many ways; only texts JSON.parse refuses are kept. */
export function malformedJson(draft: Draft): fc.Arbitrary<Mutated> {
  const text = jsonText(draft.body ?? {});
  const parses = (t: string) => {
    try {
      // The server's parser skips a leading byte order mark, so this one does too.
      JSON.parse(t.replace(/^\ufeff/, ''));
      return true;
    } catch {
      return false;
    }
  };
  const broken: fc.Arbitrary<[string, string]> = fc.oneof(
    fc.nat(text.length - 1).map((n): [string, string] => ['truncated', text.slice(0, n)]),
    fc
      .tuple(
        fc.nat(text.length),
        fc.constantFrom(
          ',',
          '}',
          ']',
          '"',
          ':',
          "'",
          'x',
          '\u0000',
          '\\',
          '/*c*/',
          'NaN',
          'undefined',
          '\ufeff',
        ),
      )
      .map(([at, piece]): [string, string] => ['inserted', text.slice(0, at) + piece + text.slice(at)]),
    fc.constant<[string, string]>(['single quotes', text.replaceAll('"', "'")]),
    fc.constant<[string, string]>(['trailing comma', text.replace(/([}\]])$/, ',$1')]),
    fc.constant<[string, string]>(['two values', `${text}${text}`]),
    fc.constant<[string, string]>(['control character in a string', text.replace('"', '"\u0001')]),
    fc.constant<[string, string]>(['unquoted keys', text.replace(/"(\w+)":/g, '$1:')]),
    fc.constant<[string, string]>(['bad escape', text.replace('"', '"\\x41')]),
  );
  return fc
    .tuple(broken, fc.boolean())
    .filter(([[, t]]) => !parses(t))
    .map(([[detail, t], asBytes]) => ({
      // Bytes that are not UTF-8 at all, in place of the first brace.
      draft: {
        ...draft,
        rawBody: asBytes ? Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t)]) : t,
        contentType: 'application/json',
      },
      detail: asBytes ? `${detail}, not UTF-8` : detail,
    }));
}

export function endBeforeStart(endpoint: Endpoint, draft: Draft): fc.Arbitrary<Mutated> {
  const [startAt, endAt] = endpoint.period as [SlotPath, SlotPath];
  const day = (offset: number) =>
    new Date(Date.UTC(2026, 0, 1) + offset * 86_400_000).toISOString().slice(0, 10);
  return fc
    .tuple(fc.integer({ min: 0, max: 3000 }), fc.integer({ min: 1, max: 800 }))
    .map(([start, back]) => ({
      draft: update(endpoint, update(endpoint, draft, startAt, day(start)), endAt, day(start - back)),
      detail: `${back} day(s) before`,
    }));
}

export function staleAssumedState(collection: SyncCollection, draft: Draft): fc.Arbitrary<Mutated> {
  const fresh = validDocument(collection);
  const stored = { ...fresh, id: EXISTING_IDS[collection] };
  if (collection === 'memberships')
    Object.assign(stored, { groupId: 'demo-mindfulness', clientId: 'demo-c-anna' });
  return fc
    .integer({ min: 1, max: 1e9 })
    .chain((n) =>
      fc
        .constantFrom<[string, Json]>(
          [
            'new document, assumed to exist',
            [{ assumedMasterState: { ...fresh, updatedAt: n }, newDocumentState: fresh }],
          ],
          ['stored document, assumed new', [{ assumedMasterState: null, newDocumentState: stored }]],
          [
            'stored document, made-up state',
            [{ assumedMasterState: { ...stored, createdAt: n }, newDocumentState: stored }],
          ],
        )
        .map(([detail, body]) => ({ draft: { ...draft, body }, detail })),
    );
}

export function member(draft: Draft, at: SlotPath): Json {
  return structuredClone((valueAt({ body: draft.body }, at) as Json[])[0] as Json);
}

export function withBadEncoding(endpoint: Endpoint, draft: Draft, bad: string): string {
  const names = Object.keys(draft.params);
  const name = names[0];
  if (name === undefined) return `${endpoint.path}${bad}`;
  return fillPath(endpoint.path, draft.params).replace(
    encodeParam(name, draft.params[name] as string),
    `x${bad}`,
  );
}
