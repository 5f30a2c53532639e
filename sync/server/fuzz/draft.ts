/**
 * A fuzz request before it is written out (a draft), the changes mutations make to it
 * — a field set or removed by its path — and how it becomes the bytes on the wire.
 */
import type { Endpoint, Principal, SlotPath } from './endpoints';
import type { Location } from './values';
import { encodeSegment, jsonText, queryString, type Json, type WireRequest } from './wire';
import { protocolHeaders } from '../../protocol';

/** What the fuzz signs in with: a token per principal, and bearer values that must not work. */
export type FuzzContext = {
  tokens: Record<Principal, string>;
  revokedSession: string;
  revokedApiToken: string;
};

/** A request before it is written out. `authorization: null` sends none. */
export type Draft = {
  principal: Principal | null;
  authorization?: string | null;
  method: string;
  params: Record<string, string>;
  query: Record<string, string | string[]>;
  body?: Json;
  rawBody?: string | Buffer;
  contentType?: string | null;
  rawPath?: string;
};
export type Mutated = { draft: Draft; detail: string };

/** The endpoint's valid request, as `principal` (none: null) sends it. */
export function baseDraft(endpoint: Endpoint, principal: Principal | null): Draft {
  const { params, query, body } = structuredClone(endpoint.template);
  return { principal, method: endpoint.method, params, query, ...(body !== undefined ? { body } : {}) };
}

export function withoutBody(draft: Draft): Draft {
  const { body: _body, ...rest } = draft;
  void _body;
  return rest;
}

export const locationOf = (at: SlotPath): Location => (at[0] === 'params' ? 'path' : (at[0] as Location));
export const slotName = (at: SlotPath) => at.join('.');

export function valueAt(root: object, at: SlotPath): Json | undefined {
  let here: unknown = root;
  for (const key of at) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string | number, unknown>)[key];
  }
  return here as Json | undefined;
}

/** A copy of the draft with the value at `at` set (deleted when `value` is undefined). */
export function update(endpoint: Endpoint, draft: Draft, at: SlotPath, value: Json | undefined): Draft {
  const copy = {
    ...draft,
    params: { ...draft.params },
    query: { ...draft.query },
    body: structuredClone(draft.body),
  } as Draft & Record<string, unknown>;
  let here = copy as Record<string | number, unknown>;
  for (const key of at.slice(0, -1)) {
    if (here[key] === null || typeof here[key] !== 'object') here[key] = {};
    here = here[key] as Record<string | number, unknown>;
  }
  const last = at.at(-1) as string | number;
  if (value === undefined) Reflect.deleteProperty(here, last);
  else here[last] = value;
  if (endpoint.derive && at[0] === 'body' && at.at(-1) !== 'id' && copy.body !== undefined)
    endpoint.derive(copy.body);
  if (copy.body === undefined) delete copy.body;
  return copy;
}

/** A path parameter, percent-encoded (a wildcard keeps its slashes). */
export const encodeParam = (name: string, value: string) =>
  name === '*' ? value.split('/').map(encodeSegment).join('/') : encodeSegment(value);

export function fillPath(path: string, params: Record<string, string>): string {
  return path.replace(/\{([^}]+)\}/g, (_m, name: string) => encodeParam(name, params[name] ?? ''));
}

export function toWire(endpoint: Endpoint, draft: Draft, ctx: FuzzContext): WireRequest {
  // Every request speaks the sync protocol's version: an old one is its own test (routes/sync.test.ts).
  const headers: Record<string, string> = { ...protocolHeaders };
  const authorization =
    draft.authorization !== undefined
      ? draft.authorization
      : draft.principal
        ? `Bearer ${ctx.tokens[draft.principal]}`
        : null;
  if (authorization !== null) headers.authorization = authorization;
  const body = draft.rawBody ?? (draft.body !== undefined ? jsonText(draft.body) : undefined);
  const contentType =
    draft.contentType !== undefined ? draft.contentType : body !== undefined ? 'application/json' : null;
  if (contentType !== null) headers['content-type'] = contentType;
  const target = `/api/v1${draft.rawPath ?? fillPath(endpoint.path, draft.params)}${queryString(draft.query)}`;
  return { method: draft.method, target, headers, ...(body !== undefined ? { body } : {}) };
}
