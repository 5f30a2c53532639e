/**
 * Fuzzing every endpoint (issue 8). fast-check turns each endpoint's valid request
 * (fuzz/catalogue.ts) into surely invalid ones — wrong types, missing and extra fields,
 * huge strings and arrays, deep nesting, invalid dates, end before start, unicode and
 * control characters, malformed JSON, wrong content types, bad tokens, invalid
 * checkpoints, other collections' shapes (fuzz/mutations.ts) — and sends them over HTTP
 * to a real server on each storage, signed in as the demo accounts and API tokens.
 *
 * Proves: each is answered 4xx with `{error: {code, message}}` and no internals (a sync
 * push may instead hand every row back as a conflict, as the protocol says), never 5xx;
 * the server still answers; the stored data is byte for byte what it was. Also: the
 * catalogue has every route and each of its valid requests succeeds (so refusals come
 * from the mutations), control characters never reach the database, and odd but valid
 * unicode comes back exactly as it went in.
 *
 * COHORT_FUZZ_REQUESTS sets the requests per storage (default 600); COHORT_FUZZ_SEED replays a run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from './fuzz/catalogue';
import { valueAt } from './fuzz/draft';
import { allowedPrincipals, type Endpoint, type Slot } from './fuzz/endpoints';
import { fuzzRequests, requestWithValue, validRequest, type FuzzContext } from './fuzz/mutations';
import { describeRequest, FuzzStats, fuzzServer, judgedSender, storedData } from './fuzz/runner';
import { serverRoutes, signInForFuzz } from './fuzz/setup';
import { oddButValidText, UNPAIRED_SURROGATES } from './fuzz/unicode';
import { insideAt } from './fuzz/values';
import { send, type Json } from './fuzz/wire';
import { startTestServer, testStorages, type TestServer } from './testing';
import { protocolHeaders } from '../protocol';

const REQUESTS = Number(process.env.COHORT_FUZZ_REQUESTS ?? 600);
const SEED = Number(process.env.COHORT_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** NUL, C0 and C1 controls and DEL; a tab and a line break (but not in multi-line text); surrogate halves. */
const UNSTORABLE = ['\u0000', '\u0001', '\u001b', '\u007f', '\u0085', '\u009f', ...UNPAIRED_SURROGATES];
const LINE_BREAKS_IN_ONE_LINE = ['\t', '\n'];

/** Values of a text field holding a character no stored text may hold. */
function unstorableValues(endpoint: Endpoint, slot: Slot): Json[] {
  const singleLine = [...UNSTORABLE, ...LINE_BREAKS_IN_ONE_LINE];
  const multiLine = UNSTORABLE;
  if (slot.kind.type === 'metadata')
    return [
      ...singleLine.map((c): Json => ({ [insideAt('room', c, 1)]: 'A' })),
      ...multiLine.map((c): Json => ({ room: insideAt('value', c, 1) })),
    ];
  if (slot.kind.type !== 'text') return [];
  const current = valueAt(endpoint.template, slot.at);
  const base = typeof current === 'string' ? current : 'Some text';
  return (slot.kind.multiline ? multiLine : singleLine).map((c) => insideAt(base, c, 2));
}

describe.each(testStorages())('fuzzing every endpoint (%s storage)', (kind) => {
  let server: TestServer;
  let ctx: FuzzContext;
  let endpoints: Endpoint[];
  let stored: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    const signedIn = await signInForFuzz(server);
    ctx = signedIn.ctx;
    endpoints = catalogue(signedIn.ids);
    stored = await storedData(server.db);
  });
  afterAll(() => server.close());

  it('has a catalogue entry for every route the server has, and a route for every entry', async () => {
    const catalogued = [...new Set(endpoints.map((e) => e.route))].sort();
    expect(catalogued).toEqual(await serverRoutes(server.db));
  });

  it(
    `answers ${REQUESTS} surely invalid requests with a 4xx and {error}, and changes nothing`,
    async () => {
      const stats = new FuzzStats();
      const started = Date.now();
      try {
        await fuzzServer({
          url: server.url,
          db: server.db,
          requests: fuzzRequests(endpoints, ctx),
          seed: SEED,
          runs: REQUESTS,
          stats,
        });
      } finally {
        console.log(stats.report(`Fuzz, ${kind} storage, seed ${SEED}`, Date.now() - started));
      }
      expect(stats.total).toBeGreaterThanOrEqual(REQUESTS);
      const health = await send(server.url, { method: 'GET', target: '/api/v1/health', headers: {} });
      expect([health.status, health.text]).toEqual([200, '{"status":"ok"}']);
      expect(await storedData(server.db)).toBe(stored);
    },
    60_000 + REQUESTS * 40,
  );

  it('refuses control characters and unpaired surrogates in every text field, never with a 5xx', async () => {
    const problems: string[] = [];
    const sendJudged = await judgedSender(server.url, server.db);
    for (const endpoint of endpoints) {
      for (const slot of endpoint.slots) {
        for (const value of unstorableValues(endpoint, slot)) {
          const request = requestWithValue(endpoint, ctx, slot.at, value, 'control-character');
          const { problem } = await sendJudged(request);
          if (problem) problems.push(`${problem}: ${describeRequest(request)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(await storedData(server.db)).toBe(stored);
  });

  it('gives back odd but valid unicode exactly as it was sent, through REST and sync', async () => {
    const token = ctx.tokens.fullToken;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${server.url}/api/v1${path}`, {
        method,
        headers: { ...protocolHeaders, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, Record<string, unknown>> };
    };
    const pulledGroup = async (id: string) => {
      const answer = await call('GET', '/sync/groups/pull?limit=1000');
      return (answer.body.documents as unknown as { id: string }[]).find((d) => d.id === id);
    };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        oddButValidText(100),
        oddButValidText(500),
        oddButValidText(40),
        oddButValidText(200),
        async (name, text, key, clientName) => {
          const group = { name: name.trim(), description: text.trim(), metadata: { [key]: text } };
          const created = await call('POST', '/groups', {
            name,
            description: text,
            metadata: group.metadata,
          });
          expect(created.status).toBe(201);
          const id = String(created.body.group?.id);
          expect((await call('GET', `/groups/${id}`)).body.group).toMatchObject(group);
          expect(await pulledGroup(id)).toMatchObject(group);

          const pushed = { ...group, id: `unicode-${++n}`, createdAt: 1, updatedAt: 1, _deleted: false };
          const push = await call('POST', '/sync/groups/push', [
            { assumedMasterState: null, newDocumentState: pushed },
          ]);
          expect(push.body).toEqual({ conflicts: [], rejections: [] });
          expect(await pulledGroup(pushed.id)).toEqual(pushed);
          expect((await call('GET', `/groups/${pushed.id}`)).body.group).toMatchObject(group);

          const client = await call('POST', '/clients', { name: clientName });
          expect(client.status).toBe(201);
          const clientId = String(client.body.client?.id);
          expect((await call('GET', `/clients/${clientId}`)).body.client?.name).toBe(clientName.trim());
        },
      ),
      { seed: SEED, numRuns: 15 },
    );
  });

  it('accepts each catalogue endpoint’s valid request, so the fuzz’s refusals come from its mutations', async () => {
    // Last: these requests write, delete and sign out. A restart forgets the fuzz's failed sign-ins.
    await server.restart();
    const last = (e: Endpoint) => (e.principal ? 2 : e.method === 'DELETE' ? 1 : 0);
    const failures: string[] = [];
    for (const endpoint of [...endpoints].sort((a, b) => last(a) - last(b))) {
      // Reads by every principal allowed to make them; writes once (a second time may conflict).
      const allowed = allowedPrincipals(endpoint);
      for (const principal of endpoint.method === 'GET' ? allowed : allowed.slice(0, 1)) {
        const answer = await send(server.url, validRequest(endpoint, ctx, principal), endpoint.stream);
        const refused =
          answer.status >= 400 ||
          (endpoint.push !== undefined && answer.text !== '{"conflicts":[],"rejections":[]}') ||
          (endpoint.stream === true && !answer.contentType.startsWith('text/event-stream'));
        if (refused)
          failures.push(`${endpoint.name} as ${principal}: ${answer.status} ${answer.text.slice(0, 300)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
