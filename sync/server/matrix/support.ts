/**
 * Shared by the tenant isolation and permission matrices: a caller that records every
 * request it makes (so a matrix can prove it reached every route), sync pull/push and
 * change-stream helpers, a watcher that tells what a request wrote, wire-document
 * builders, and the routes the server registers.
 */
import { createParser } from 'eventsource-parser';
import { expect } from 'vitest';
import type { Permission } from '../../../domain/permissions';
import {
  API_PREFIX,
  protocolHeaders,
  PULL_LIMIT_MAX,
  SYNC_COLLECTIONS,
  type Checkpoint,
  type StreamEvent,
  type SyncCollection,
} from '../../protocol';
import { buildApp } from '../app';
import { createLocalChangeBus } from '../changeBus';
import type { WireDocument } from '../collections';
import type { Database } from '../storage/database';

export type Answer = { status: number; body: unknown; text: string };
export type Request = { method: string; path: string };

/** An HTTP caller of one server under /api/v1 that remembers which routes it reached. */
export type Api = {
  url: string;
  requests: Request[];
  call(token: string | null, method: string, path: string, body?: unknown): Promise<Answer>;
  stream(token: string | null): Promise<ChangeStreamRecorder>;
};

/** Sees every answer with its request: where a matrix checks what holds for all of them. */
export type Inspector = (answer: Answer, request: Request & { body: unknown }) => void;

export function apiAt(url: string, inspect: Inspector = () => undefined): Api {
  const requests: Request[] = [];
  const remember = (method: string, path: string) =>
    requests.push({ method, path: API_PREFIX + (path.split('?')[0] ?? path) });
  return {
    url,
    requests,
    async call(token, method, path, body) {
      remember(method, path);
      const headers: Record<string, string> = { ...protocolHeaders };
      if (token) headers.authorization = `Bearer ${token}`;
      if (body !== undefined) headers['content-type'] = 'application/json';
      const res = await fetch(url + API_PREFIX + path, {
        method,
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await res.text();
      const json = (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : null;
      const answer = { status: res.status, body: json as unknown, text };
      inspect(answer, { method, path, body });
      return answer;
    },
    async stream(token) {
      remember('GET', '/sync/stream');
      return openChangeStream(url, token);
    },
  };
}

/** Asserts the answer is `{error: {code, message}}` with `status`, and returns the error. */
export function expectError(
  answer: Answer,
  status: number,
  code?: string,
): { code: string; message: string } {
  expect(answer.status, answer.text).toBe(status);
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  expect(typeof error?.code, answer.text).toBe('string');
  expect(typeof error?.message, answer.text).toBe('string');
  if (code) expect(error?.code).toBe(code);
  return error as { code: string; message: string };
}

export type PushRow = { assumedMasterState: WireDocument | null; newDocumentState: WireDocument };

export function push(api: Api, token: string | null, collection: SyncCollection, rows: PushRow[]) {
  return api.call(token, 'POST', `/sync/${collection}/push`, rows);
}

export function pull(api: Api, token: string | null, collection: string, checkpoint: Checkpoint | null) {
  const query = new URLSearchParams({ limit: String(PULL_LIMIT_MAX) });
  if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
  return api.call(token, 'GET', `/sync/${collection}/pull?${query}`);
}

/** Every change of a collection after `checkpoint`, page by page. */
export async function pullAll(
  api: Api,
  token: string,
  collection: SyncCollection,
  checkpoint: Checkpoint | null = null,
): Promise<{ documents: WireDocument[]; checkpoint: Checkpoint | null }> {
  const documents: WireDocument[] = [];
  let at = checkpoint;
  for (;;) {
    const answer = await pull(api, token, collection, at);
    expect(answer.status, answer.text).toBe(200);
    const page = answer.body as { documents: WireDocument[]; checkpoint: Checkpoint | null };
    documents.push(...page.documents);
    at = page.checkpoint;
    if (page.documents.length < PULL_LIMIT_MAX) return { documents, checkpoint: at };
  }
}

export type Changes = Record<SyncCollection, WireDocument[]>;

/**
 * What was written, seen through pulls as `token`: each `changes()` answers the documents
 * written since the previous one. An empty answer means nothing of the organisation was
 * written at all, not even the same values again (every write takes a new sequence number).
 */
export function changeWatcher(api: Api, token: string) {
  const checkpoints: Record<SyncCollection, Checkpoint | null> = {
    groups: null,
    clients: null,
    memberships: null,
  };
  return {
    checkpoint: (collection: SyncCollection) => checkpoints[collection],
    async changes(): Promise<Changes> {
      const changes = { groups: [], clients: [], memberships: [] } as Changes;
      for (const collection of SYNC_COLLECTIONS) {
        const page = await pullAll(api, token, collection, checkpoints[collection]);
        changes[collection] = page.documents;
        checkpoints[collection] = page.checkpoint;
      }
      return changes;
    },
  };
}

export const NO_CHANGES: Changes = { groups: [], clients: [], memberships: [] };

/** The events of one open `GET /sync/stream`, as they arrive. */
export type ChangeStreamRecorder = {
  status: number;
  /** The error body when the server refused the stream. */
  refusal: Answer | null;
  events: StreamEvent[];
  ready: Promise<void>;
  waitFor(predicate: (events: StreamEvent[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
};

async function openChangeStream(url: string, token: string | null): Promise<ChangeStreamRecorder> {
  const controller = new AbortController();
  const res = await fetch(`${url}${API_PREFIX}/sync/stream`, {
    headers: { ...protocolHeaders, ...(token ? { authorization: `Bearer ${token}` } : {}) },
    signal: controller.signal,
  });
  const events: StreamEvent[] = [];
  if (res.status !== 200 || !res.body) {
    const text = await res.text();
    const refusal = { status: res.status, body: text ? (JSON.parse(text) as unknown) : null, text };
    return {
      status: res.status,
      refusal,
      events,
      ready: Promise.resolve(),
      waitFor: () => Promise.reject(new Error(`the stream was refused: ${res.status}`)),
      close: async () => undefined,
    };
  }
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const parser = createParser({
    onEvent(message) {
      if (message.event === 'ready') markReady();
      if (message.event === 'change') events.push(JSON.parse(message.data) as StreamEvent);
    },
  });
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  const reading = (async () => {
    for (;;) {
      const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
      if (done || value === undefined) return;
      parser.feed(value);
    }
  })();
  return {
    status: res.status,
    refusal: null,
    events,
    ready,
    async waitFor(predicate, timeoutMs = 10_000) {
      const until = Date.now() + timeoutMs;
      while (!predicate(events)) {
        if (Date.now() > until)
          throw new Error(`no such stream events within ${timeoutMs} ms: ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async close() {
      controller.abort();
      await reading;
    },
  };
}

// Wire documents, valid by the domain's rules, with the given overrides.
const AT = 1_770_000_000_000;

export function groupDoc(id: string, fields: Record<string, unknown> = {}): WireDocument {
  return {
    id,
    name: `Group ${id}`,
    description: '',
    metadata: {},
    createdAt: AT,
    updatedAt: AT,
    _deleted: false,
    ...fields,
  };
}

export function clientDoc(id: string, fields: Record<string, unknown> = {}): WireDocument {
  return {
    id,
    name: `Client ${id}`,
    email: `${id}@example.test`,
    createdAt: AT,
    updatedAt: AT,
    _deleted: false,
    ...fields,
  };
}

export function membershipDoc(
  groupId: string,
  clientId: string,
  fields: Record<string, unknown> = {},
): WireDocument {
  return {
    id: `${groupId}:${clientId}`,
    groupId,
    clientId,
    startDate: '2026-01-05',
    createdAt: AT,
    updatedAt: AT,
    _deleted: false,
    ...fields,
  };
}

const randomInt = (below: number) => Math.floor(Math.random() * below);

/** A real calendar date in the ten years from `fromYear`, unlikely to be any other document's. */
export function distinctDate(fromYear: number): string {
  const day = new Date(Date.UTC(fromYear, 0, 1) + randomInt(3650) * 86_400_000);
  return day.toISOString().slice(0, 10);
}

/** A client's optional fields, each a value no other document has: a leak of one is visible. */
export function distinctClientFields(): Record<string, unknown> {
  return {
    phone: `+31 6 ${String(randomInt(1e8)).padStart(8, '0')}`,
    birthDate: distinctDate(1940),
  };
}

/** A group's description and metadata, values no other document has. */
export function distinctGroupFields(): Record<string, unknown> {
  const mark = Math.random().toString(36).slice(2, 10);
  return { description: `About ${mark}`, metadata: { room: `Room ${mark}` } };
}

/** The same document with one field changed by a later edit. */
export function editedDoc(doc: WireDocument): WireDocument {
  const updatedAt = Number(doc.updatedAt) + 1;
  if ('startDate' in doc) return { ...doc, endDate: '2027-12-31', updatedAt };
  return { ...doc, name: `${String(doc.name)} (edited)`, updatedAt };
}

/** The document deleted by a later edit. */
export function deletedDoc(doc: WireDocument): WireDocument {
  return { ...doc, _deleted: true, updatedAt: Number(doc.updatedAt) + 1 };
}

export const idsOf = (items: { id: string }[]) => items.map((i) => i.id);

/** Ids no one has used yet in this test process. */
let counter = 0;
export function freshId(prefix: string): string {
  counter += 1;
  return `${prefix}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

/** Makes an API token as a signed-in administrator, through the REST API. */
export async function makeApiToken(
  api: Api,
  adminSession: string,
  name: string,
  permissions: readonly Permission[],
): Promise<{ token: string; id: string }> {
  const answer = await api.call(adminSession, 'POST', '/tokens', { name, permissions });
  expect(answer.status, answer.text).toBe(201);
  const body = answer.body as { token: string; apiToken: { id: string } };
  return { token: body.token, id: body.apiToken.id };
}

export type Route = { method: string; path: string };

/**
 * The routes the server registers (HEAD, which Fastify adds to every GET, left out):
 * the app is built from the same code as the server's and its route table read back.
 */
export async function registeredRoutes(db: Database): Promise<Route[]> {
  const app = await buildApp({
    db,
    bus: createLocalChangeBus(),
    config: { tokenTtlMs: 60_000, logLevel: 'silent' },
  });
  await app.ready();
  const tree = app.printRoutes({ commonPrefix: false });
  await app.close();
  const routes: Route[] = [];
  const parents: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^((?:[│ ] {3})*)[├└]── (\S+)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] ?? '').length / 4;
    const path = (parents[depth - 1] ?? '') + (match[2] ?? '');
    parents[depth] = path;
    for (const method of (match[3] ?? '').split(', ').filter(Boolean)) {
      if (method !== 'HEAD') routes.push({ method, path });
    }
  }
  return routes;
}

/** The route Fastify picks for a request: the matching one with the fewest parameters. */
export function routeOf(routes: Route[], request: Request): Route | undefined {
  const looseness = (path: string) => (path.match(/[:*]/g) ?? []).length;
  return routes
    .filter((r) => r.method === request.method && patternOf(r.path).test(request.path))
    .sort((a, b) => looseness(a.path) - looseness(b.path))[0];
}

function patternOf(path: string): RegExp {
  const source = path
    .split('/')
    .map((part) => {
      if (part.startsWith(':')) return '[^/]+';
      if (part === '*') return '.*';
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}

/** Routes no recorded request reached, as `METHOD /path`. */
export function unreached(routes: Route[], requests: Request[]): string[] {
  const reached = new Set(requests.map((r) => routeOf(routes, r)).filter(Boolean));
  return routes.filter((r) => !reached.has(r)).map((r) => `${r.method} ${r.path}`);
}

/** The OpenAPI document's operations, as routes under /api/v1 in Fastify's spelling. */
export async function openApiRoutes(api: Api): Promise<Route[]> {
  const answer = await api.call(null, 'GET', '/openapi.json');
  expect(answer.status).toBe(200);
  const paths = (answer.body as { paths: Record<string, Record<string, unknown>> }).paths;
  return Object.entries(paths).flatMap(([path, methods]) =>
    Object.keys(methods).map((method) => ({
      method: method.toUpperCase(),
      path: API_PREFIX + path.replace(/\{(\w+)\}/g, ':$1'),
    })),
  );
}
