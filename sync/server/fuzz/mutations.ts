/**
 * fast-check arbitraries that turn a catalogue endpoint's VALID request into a surely
 * INVALID one. Each mutation has a name, so the report counts requests per kind; which
 * mutations apply to an endpoint is decided here, from its fields (values.ts knows what
 * breaks each kind of field) and its shape (breakage.ts breaks whole requests).
 */
import fc from 'fast-check';
import { SYNC_COLLECTIONS } from '../../protocol';
import {
  badAuthorizations,
  endBeforeStart,
  malformedJson,
  member,
  POLLUTING_KEYS,
  staleAssumedState,
  withBadEncoding,
  withKey,
  WRONG_CONTENT_TYPES,
} from './breakage';
import {
  baseDraft,
  locationOf,
  slotName,
  toWire,
  update,
  valueAt,
  withoutBody,
  type Draft,
  type FuzzContext,
  type Mutated,
} from './draft';
import {
  allowedPrincipals,
  forbiddenPrincipals,
  type Endpoint,
  type Principal,
  type SlotPath,
} from './endpoints';
import { validDocument } from './syncEndpoints';
import { invalidValues, SLOT_MUTATIONS } from './values';
import { Deep, jsonText, type Json, type WireRequest } from './wire';

export type { FuzzContext } from './draft';

const REQUEST_MUTATIONS = [
  'missing-field',
  'extra-field',
  'bad-auth',
  'forbidden',
  'wrong-method',
  'malformed-url',
  'oversized-url',
  'malformed-json',
  'wrong-content-type',
  'prototype-pollution',
  'unknown-collection',
  'end-before-start',
  'duplicate-entries',
  'other-collection-shape',
  'stale-assumed-state',
] as const;
export const MUTATIONS = [...SLOT_MUTATIONS, ...REQUEST_MUTATIONS] as const;
export type Mutation = (typeof MUTATIONS)[number];

export type FuzzRequest = {
  endpoint: string;
  mutation: Mutation;
  /** Which field, or which variant of the mutation. */
  detail: string;
  wire: WireRequest;
  /** Push: how many rows were sent (refused rows may come back in a 200), or null. */
  rows: number | null;
};

const BODY_METHODS = new Set(['POST', 'PATCH', 'DELETE', 'PUT']);

/** Every endpoint's mutations, weighted by endpoint: the arbitrary the fuzz draws from. */
export function fuzzRequests(endpoints: Endpoint[], ctx: FuzzContext): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    ...endpoints.map((endpoint) => {
      const kinds = mutationsOf(endpoint, endpoints, ctx);
      const names = [...kinds.keys()];
      return {
        weight: endpoint.weight ?? 3,
        arbitrary: fc
          .constantFrom(...names)
          .chain((mutation) =>
            (kinds.get(mutation) as fc.Arbitrary<Mutated>).map(({ draft, detail }) =>
              toRequest(endpoint, mutation, detail, draft, ctx),
            ),
          ),
      };
    }),
  );
}

/** The endpoint's valid request as sent by `principal` (the catalogue check sends these unmutated). */
export function validRequest(endpoint: Endpoint, ctx: FuzzContext, principal?: Principal): WireRequest {
  const who = principal ?? allowedPrincipals(endpoint)[0] ?? null;
  return toWire(endpoint, baseDraft(endpoint, endpoint.access.kind === 'public' ? null : who), ctx);
}

/** The endpoint's valid request with the field at `at` set to `value` (for sweeps over every field). */
export function requestWithValue(
  endpoint: Endpoint,
  ctx: FuzzContext,
  at: SlotPath,
  value: Json,
  mutation: Mutation,
): FuzzRequest {
  const principal = endpoint.access.kind === 'public' ? null : (allowedPrincipals(endpoint)[0] ?? null);
  const draft = update(endpoint, baseDraft(endpoint, principal), at, value);
  return toRequest(endpoint, mutation, slotName(at), draft, ctx);
}

/** The applicable mutations of one endpoint, each an arbitrary of mutated drafts. */
function mutationsOf(
  endpoint: Endpoint,
  all: Endpoint[],
  ctx: FuzzContext,
): Map<Mutation, fc.Arbitrary<Mutated>> {
  const out = new Map<Mutation, fc.Arbitrary<Mutated>>();
  const principals = allowedPrincipals(endpoint);
  const start = fc
    .constantFrom<Principal | null>(...(endpoint.access.kind === 'public' ? [null] : principals))
    .map((p) => baseDraft(endpoint, p));
  const add = (mutation: Mutation, make: (draft: Draft) => fc.Arbitrary<Mutated> | null) => {
    const probe = make(baseDraft(endpoint, null));
    if (probe)
      out.set(
        mutation,
        start.chain((draft) => make(draft) as fc.Arbitrary<Mutated>),
      );
  };

  for (const mutation of SLOT_MUTATIONS) add(mutation, (draft) => slotMutation(endpoint, mutation, draft));
  add('missing-field', (draft) => {
    const required = endpoint.slots.filter((s) => s.required && s.at[0] === 'body');
    if (required.length === 0) return null;
    return fc.constantFrom(...required).map((slot) => ({
      draft: slot.at.length === 1 ? withoutBody(draft) : update(endpoint, draft, slot.at, undefined),
      detail: slotName(slot.at),
    }));
  });
  add('extra-field', (draft) => extraField(endpoint, draft));
  if (endpoint.access.kind !== 'public') {
    add('bad-auth', (draft) =>
      badAuthorizations(ctx).map(([detail, authorization]) => ({
        draft: { ...draft, authorization },
        detail,
      })),
    );
  }
  const forbidden = forbiddenPrincipals(endpoint);
  if (forbidden.length > 0)
    add('forbidden', (draft) =>
      fc.constantFrom(...forbidden).map((p) => ({ draft: { ...draft, principal: p }, detail: p })),
    );
  add('wrong-method', (draft) => {
    const served = new Set(all.filter((e) => e.path === endpoint.path).map((e) => e.method));
    const others = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].filter(
      (m) => !served.has(m as Endpoint['method']),
    );
    return fc.constantFrom(...others).map((method) => ({
      draft: BODY_METHODS.has(method) ? { ...draft, method } : { ...withoutBody(draft), method },
      detail: method,
    }));
  });
  add('malformed-url', (draft) =>
    fc.constantFrom('%', '%zz', '%E0%A4%A', '%C0%AF', '%ED%A0%80', '%FF', '%%', '%u0041').map((bad) => ({
      draft: { ...draft, rawPath: withBadEncoding(endpoint, draft, bad) },
      detail: bad,
    })),
  );
  add('oversized-url', (draft) =>
    fc.integer({ min: 17_000, max: 40_000 }).map((n) => ({
      draft: { ...draft, query: { ...draft.query, pad: 'x'.repeat(n) } },
      detail: 'query over 16 KB',
    })),
  );
  if (BODY_METHODS.has(endpoint.method)) {
    add('malformed-json', (draft) => malformedJson(draft));
    add('wrong-content-type', (draft) =>
      fc.constantFrom(...WRONG_CONTENT_TYPES).map((contentType) => ({
        draft: { ...draft, rawBody: jsonText(draft.body ?? {}), contentType },
        detail: contentType ?? 'none',
      })),
    );
    add('prototype-pollution', (draft) =>
      fc
        .constantFrom(...POLLUTING_KEYS)
        .map((key) => ({ draft: { ...draft, rawBody: withKey(draft.body, key) }, detail: key })),
    );
    if (!endpoint.slots.some((s) => s.at.length === 1 && s.at[0] === 'body')) {
      // No body expected: one nested far too deep must still be refused (never read and acted on).
      add('deep-nesting', (draft) =>
        fc.integer({ min: 33, max: 100_000 }).map((depth) => ({
          draft: { ...draft, rawBody: new Deep(depth, 'array').text() },
          detail: 'body',
        })),
      );
    }
  }
  if (endpoint.pull || endpoint.push) {
    add('unknown-collection', (draft) =>
      fc
        .constantFrom(
          'widgets',
          'Groups',
          'group',
          'users',
          'sessions',
          'api_tokens',
          '__proto__',
          'constructor',
          'groups\u0000',
          'gr oups',
          '..',
        )
        .map((collection) => ({
          draft: { ...draft, params: { ...draft.params, collection } },
          detail: collection,
        })),
    );
  }
  if (endpoint.period) add('end-before-start', (draft) => endBeforeStart(endpoint, draft));
  if (endpoint.distinct) {
    const at = endpoint.distinct;
    add('duplicate-entries', (draft) =>
      fc.constant({
        draft: update(endpoint, draft, at, [member(draft, at), member(draft, at)]),
        detail: slotName(at),
      }),
    );
  }
  if (endpoint.push) {
    const collection = endpoint.push;
    add('other-collection-shape', (draft) =>
      fc.constantFrom(...SYNC_COLLECTIONS.filter((c) => c !== collection)).map((other) => ({
        draft: { ...draft, body: [{ assumedMasterState: null, newDocumentState: validDocument(other) }] },
        detail: other,
      })),
    );
    add('stale-assumed-state', (draft) => staleAssumedState(collection, draft));
  }
  return out;
}

function slotMutation(
  endpoint: Endpoint,
  mutation: (typeof SLOT_MUTATIONS)[number],
  draft: Draft,
): fc.Arbitrary<Mutated> | null {
  const options = endpoint.slots.flatMap((slot) => {
    const values = invalidValues(
      slot.kind,
      mutation,
      locationOf(slot.at),
      valueAt(endpoint.template, slot.at),
    );
    return values
      ? [
          values.map((value) => ({
            draft: update(endpoint, draft, slot.at, value),
            detail: slotName(slot.at),
          })),
        ]
      : [];
  });
  return options.length > 0 ? fc.oneof(...options) : null;
}

const EXTRA_KEYS = [
  'extra',
  'organizationId',
  'organization_id',
  'role',
  'isAdmin',
  'id',
  'createdAt',
  'deleted',
  '_rev',
  'seq',
  'Name',
  'name ',
  'ｎａｍｅ',
  'na\u200bme',
  'constructor',
  'toString',
  'hasOwnProperty',
];

function extraField(endpoint: Endpoint, draft: Draft): fc.Arbitrary<Mutated> | null {
  const options = (endpoint.strict ?? []).map((where) => {
    const prefix = where === 'query' ? ['query'] : where;
    const known = new Set(
      endpoint.slots
        .filter((s) => s.at.length === prefix.length + 1 && prefix.every((p, i) => s.at[i] === p))
        .map((s) => String(s.at.at(-1))),
    );
    const keys = EXTRA_KEYS.filter((k) => !known.has(k));
    return fc
      .tuple(fc.constantFrom(...keys), fc.constantFrom<Json>('x', 1, true, null, {}, []))
      .map(([key, value]) => ({
        draft: update(endpoint, draft, [...prefix, key], where === 'query' ? String(value) : value),
        detail: `${slotName(prefix)}.${key}`,
      }));
  });
  return options.length > 0 ? fc.oneof(...options) : null;
}

function toRequest(
  endpoint: Endpoint,
  mutation: Mutation,
  detail: string,
  draft: Draft,
  ctx: FuzzContext,
): FuzzRequest {
  const rows =
    endpoint.push && Array.isArray(draft.body) && draft.rawBody === undefined ? draft.body.length : null;
  return { endpoint: endpoint.name, mutation, detail, wire: toWire(endpoint, draft, ctx), rows };
}
