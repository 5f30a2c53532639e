/**
 * The REST API over real HTTP, on the embedded storage and PostgreSQL: every endpoint
 * and every error code, tenants and permissions, tokens, the rate limit, the request
 * log, and — at the end — every response recorded here checked against openapi.json.
 */
import { Writable } from 'node:stream';
import Ajv2020 from 'ajv/dist/2020';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../domain/permissions';
import { createApiToken } from '../auth/apiTokens';
import { startTestServer, testStorages, type TestServer } from '../testing';
import { protocolHeaders } from '../../protocol';

type Answer = { status: number; body: Record<string, unknown>; headers: Headers };
type Recorded = { method: string; path: string; status: number; body: unknown };
const recorded: Recorded[] = [];

function client(server: TestServer) {
  return async function call(
    token: string | null,
    method: string,
    path: string,
    body?: unknown,
    init: { contentType?: string; raw?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined || init.raw !== undefined)
      headers['content-type'] = init.contentType ?? 'application/json';
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers,
      body: init.raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });
    const text = await res.text();
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    recorded.push({ method, path: path.split('?')[0] ?? path, status: res.status, body: parsed });
    return { status: res.status, body: parsed, headers: res.headers };
  };
}

const errorOf = (a: Answer) => (a.body.error ?? {}) as { code?: string; message?: string; details?: unknown };

describe.each(testStorages())('REST API (%s storage)', (kind) => {
  let server: TestServer;
  let call: ReturnType<typeof client>;
  let admin: string; // a signed-in administrator (session)
  let full: string; // API token with every permission
  let reader: string; // API token that may only read
  let noDelete: string; // API token without client_groups.delete
  let other: string; // API token of the other organisation

  beforeAll(async () => {
    server = await startTestServer(kind);
    call = client(server);
    admin = (await server.login('admin@demo.test')).token;
    const make = async (name: string, permissions: string[]) => {
      const answer = await call(admin, 'POST', '/tokens', { name, permissions });
      expect(answer.status).toBe(201);
      return String(answer.body.token);
    };
    full = await make('Billing', [...PERMISSIONS]);
    reader = await make('Reporting', ['client_groups.read', 'clients.read']);
    noDelete = await make(
      'Web shop',
      PERMISSIONS.filter((p) => p !== 'client_groups.delete'),
    );
    other = (
      await createApiToken(server.db, 'org-other', { name: 'Other', permissions: ['client_groups.read'] })
    ).token;
  });
  afterAll(() => server.close());

  async function newGroup(name: string, extra: Record<string, unknown> = {}) {
    const answer = await call(full, 'POST', '/groups', { name, ...extra });
    expect(answer.status).toBe(201);
    return answer.body.group as { id: string; name: string };
  }
  async function newClient(name: string, extra: Record<string, unknown> = {}) {
    const answer = await call(full, 'POST', '/clients', { name, ...extra });
    expect(answer.status).toBe(201);
    return answer.body.client as { id: string; name: string };
  }

  describe('groups', () => {
    it('POST /groups creates a group (201) with the domain rules applied', async () => {
      const answer = await call(full, 'POST', '/groups', {
        name: '  Pilates API  ',
        metadata: { room: 'B' },
      });
      expect(answer.status).toBe(201);
      expect(answer.body.group).toMatchObject({
        name: 'Pilates API',
        description: '',
        metadata: { room: 'B' },
        memberCount: 0,
        activeMemberCount: 0,
      });
    });

    it('POST /groups: 400 for unknown fields, wrong types and bad JSON; 415 for text; 422 for broken rules', async () => {
      const unknown = await call(full, 'POST', '/groups', { name: 'X', colour: 'red' });
      expect(unknown.status).toBe(400);
      expect(errorOf(unknown).code).toBe('invalid_request');
      expect((await call(full, 'POST', '/groups', { name: 42 })).status).toBe(400);
      expect((await call(full, 'POST', '/groups', undefined, { raw: '{"name": ' })).status).toBe(400);
      const text = await call(full, 'POST', '/groups', undefined, {
        raw: 'name=X',
        contentType: 'text/plain',
      });
      expect(text.status).toBe(415);
      expect(errorOf(text).code).toBe('unsupported_media_type');
      const long = await call(full, 'POST', '/groups', { name: 'x'.repeat(101) });
      expect(long.status).toBe(422);
      expect(errorOf(long)).toMatchObject({
        code: 'validation_failed',
        message: 'name: The name is too long.',
      });
      expect((await call(full, 'POST', '/groups', { name: '   ' })).status).toBe(422);
    });

    it('413 for a body over 1 MB; 401 without a valid token; 403 without the permission', async () => {
      const huge = await call(full, 'POST', '/groups', { name: 'Big', description: 'x'.repeat(1_100_000) });
      expect(huge.status).toBe(413);
      expect(errorOf(huge).code).toBe('payload_too_large');
      const anonymous = await call(null, 'GET', '/groups');
      expect(anonymous.status).toBe(401);
      expect((await call('cohort_not-a-real-token', 'GET', '/groups')).status).toBe(401);
      const refused = await call(reader, 'POST', '/groups', { name: 'Nope' });
      expect(refused.status).toBe(403);
      expect(errorOf(refused).message).toContain('client_groups.create');
    });

    it('GET /groups searches, sorts both ways and by creation, pages with a count, and filters by client', async () => {
      const tag = `s${Date.now()}`;
      const a = await newGroup(`Åbo ${tag}`, { description: 'first' });
      const b = await newGroup(`Zumba ${tag}`);
      const c = await newGroup(`Mindful ${tag}`, { description: 'calm ÅBO' });
      const found = await call(full, 'GET', `/groups?q=abo&limit=100`);
      const ids = (found.body.groups as { id: string }[]).map((g) => g.id);
      expect(ids).toEqual(expect.arrayContaining([a.id, c.id]));
      expect(ids).not.toContain(b.id);
      const names = async (sort: string) =>
        ((await call(full, 'GET', `/groups?q=${tag}&sort=${sort}`)).body.groups as { id: string }[]).map(
          (g) => g.id,
        );
      expect(await names('name')).toEqual([a.id, c.id, b.id]);
      expect(await names('-name')).toEqual([b.id, c.id, a.id]);
      expect(await names('createdAt')).toEqual([a.id, b.id, c.id]);
      expect(await names('-createdAt')).toEqual([c.id, b.id, a.id]);
      const page = await call(full, 'GET', `/groups?q=${tag}&limit=2&offset=2`);
      expect(page.body).toMatchObject({ count: 3, limit: 2, offset: 2 });
      expect((page.body.groups as unknown[]).length).toBe(1);

      const person = await newClient(`Filter ${tag}`);
      await call(full, 'POST', `/groups/${b.id}/members/batch`, {
        members: [{ clientId: person.id, startDate: '2020-01-01' }],
      });
      const mine = await call(full, 'GET', `/groups?clientId=${person.id}`);
      expect(mine.body.groups as { id: string; memberCount: number; activeMemberCount: number }[]).toEqual([
        expect.objectContaining({ id: b.id, memberCount: 1, activeMemberCount: 1 }),
      ]);
      for (const bad of ['sort=size', 'limit=0', 'limit=101', 'offset=-1', 'colour=red']) {
        const answer = await call(full, 'GET', `/groups?${bad}`);
        expect(answer.status, bad).toBe(400);
      }
    });

    it('GET /groups/{id}: 200, 404 for unknown ids and for the other organisation’s, 400 for a malformed id', async () => {
      const g = await newGroup('Fetch me');
      expect((await call(reader, 'GET', `/groups/${g.id}`)).body.group).toMatchObject({
        id: g.id,
        name: 'Fetch me',
      });
      expect((await call(full, 'GET', '/groups/no-such-group')).status).toBe(404);
      // The other organisation guesses this organisation's id: not found, not forbidden.
      const guess = await call(other, 'GET', `/groups/${g.id}`);
      expect(guess.status).toBe(404);
      expect(JSON.stringify(guess.body)).not.toContain('Fetch me');
      expect((await call(other, 'GET', '/groups')).body.groups).not.toContainEqual(
        expect.objectContaining({ id: g.id }),
      );
      expect((await call(full, 'GET', '/groups/bad%20id!')).status).toBe(400);
    });

    it('PATCH /groups/{id} changes what is sent; 422 for broken rules; 404 when missing', async () => {
      const g = await newGroup('Before', { description: 'kept', metadata: { a: '1' } });
      const patched = await call(full, 'PATCH', `/groups/${g.id}`, { name: 'After', metadata: { b: '2' } });
      expect(patched.status).toBe(200);
      expect(patched.body.group).toMatchObject({ name: 'After', description: 'kept', metadata: { b: '2' } });
      expect((await call(full, 'PATCH', `/groups/${g.id}`, { name: '' })).status).toBe(422);
      expect((await call(full, 'PATCH', `/groups/${g.id}`, { size: 3 })).status).toBe(400);
      expect((await call(full, 'PATCH', '/groups/missing', { name: 'X' })).status).toBe(404);
      expect((await call(reader, 'PATCH', `/groups/${g.id}`, { name: 'X' })).status).toBe(403);
    });

    it('DELETE /groups/{id} deletes it with its memberships, never the clients; 403 without delete; 404 after', async () => {
      const g = await newGroup('Short-lived');
      const person = await newClient('Stays');
      await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [{ clientId: person.id, startDate: '2026-01-01' }],
      });
      expect((await call(noDelete, 'DELETE', `/groups/${g.id}`)).status).toBe(403);
      const gone = await call(full, 'DELETE', `/groups/${g.id}`);
      expect(gone.status).toBe(200);
      expect(gone.body).toEqual({ id: g.id, object: 'group', deleted: true });
      expect((await call(full, 'GET', `/groups/${g.id}`)).status).toBe(404);
      expect((await call(full, 'DELETE', `/groups/${g.id}`)).status).toBe(404);
      const stays = await call(full, 'GET', `/clients/${person.id}`);
      expect(stays.status).toBe(200);
      expect((stays.body.client as { groups: unknown[] }).groups).toEqual([]);
    });
  });

  describe('members', () => {
    it('POST …/members/batch adds all or nothing; 409 names current members; 422 unknown clients and bad periods', async () => {
      const g = await newGroup('Batch');
      const [x, y, z] = [await newClient('Xena'), await newClient('Yusuf'), await newClient('Zoë')];
      const added = await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [
          { clientId: x.id, startDate: '2020-01-01' },
          { clientId: y.id, startDate: '2020-01-01', endDate: '2020-12-31' },
        ],
      });
      expect(added.status).toBe(200);
      expect(added.body.group).toMatchObject({ memberCount: 2, activeMemberCount: 1 });

      const again = await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [
          { clientId: z.id, startDate: '2026-01-01' },
          { clientId: x.id, startDate: '2026-01-01' },
        ],
      });
      expect(again.status).toBe(409);
      expect(errorOf(again)).toMatchObject({ code: 'already_member', details: { clientIds: [x.id] } });
      const unknown = await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [
          { clientId: z.id, startDate: '2026-01-01' },
          { clientId: 'nobody', startDate: '2026-01-01' },
        ],
      });
      expect(unknown.status).toBe(422);
      expect(errorOf(unknown)).toMatchObject({ code: 'unknown_clients', details: { clientIds: ['nobody'] } });
      const backwards = await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [{ clientId: z.id, startDate: '2026-05-01', endDate: '2026-04-01' }],
      });
      expect(backwards.status).toBe(422);
      const notADate = await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [{ clientId: z.id, startDate: '2026-02-30' }],
      });
      expect(notADate.status).toBe(422);
      expect(errorOf(notADate).message).toContain('Not a real calendar date');
      const twice = await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [
          { clientId: z.id, startDate: '2026-01-01' },
          { clientId: z.id, startDate: '2026-02-01' },
        ],
      });
      expect(twice.status).toBe(400);
      // None of the refused batches added Zoë.
      expect((await call(full, 'GET', `/groups/${g.id}`)).body.group).toMatchObject({ memberCount: 2 });
      expect(
        (
          await call(full, 'POST', '/groups/missing/members/batch', {
            members: [{ clientId: z.id, startDate: '2026-01-01' }],
          })
        ).status,
      ).toBe(404);
      expect(
        (
          await call(reader, 'POST', `/groups/${g.id}/members/batch`, {
            members: [{ clientId: z.id, startDate: '2026-01-01' }],
          })
        ).status,
      ).toBe(403);
    });

    it('GET …/members pages by name and filters on a day; 404 for an unknown group', async () => {
      const g = await newGroup('Listing');
      const names = ['Bea', 'Ada', 'Cas'];
      const people = [];
      for (const name of names)
        people.push(await newClient(name, { email: `${name.toLowerCase()}@example.test` }));
      await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: people.map((p, i) => ({
          clientId: p.id,
          startDate: `2026-0${i + 1}-01`,
          ...(i === 0 ? { endDate: '2026-01-31' } : {}),
        })),
      });
      const all = await call(reader, 'GET', `/groups/${g.id}/members?limit=2`);
      expect(all.body).toMatchObject({ count: 3, limit: 2, offset: 0 });
      expect((all.body.members as { client: { name: string } }[]).map((m) => m.client.name)).toEqual([
        'Ada',
        'Bea',
      ]);
      expect((all.body.members as unknown[])[1]).toEqual({
        client: { id: people[0]?.id, name: 'Bea', email: 'bea@example.test' },
        startDate: '2026-01-01',
        endDate: '2026-01-31',
      });
      const inMarch = await call(reader, 'GET', `/groups/${g.id}/members?activeOn=2026-03-15`);
      expect((inMarch.body.members as { client: { name: string } }[]).map((m) => m.client.name)).toEqual([
        'Ada',
        'Cas',
      ]);
      expect((await call(reader, 'GET', `/groups/${g.id}/members?activeOn=2026-13-01`)).status).toBe(400);
      expect((await call(reader, 'GET', '/groups/missing/members')).status).toBe(404);
    });

    it('DELETE …/members/batch removes members and skips non-members; the clients stay', async () => {
      const g = await newGroup('Removing');
      const [p, q] = [await newClient('Petra'), await newClient('Quinn')];
      await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [{ clientId: p.id, startDate: '2026-01-01' }],
      });
      const removed = await call(full, 'DELETE', `/groups/${g.id}/members/batch`, {
        clientIds: [p.id, q.id, 'nobody'],
      });
      expect(removed.status).toBe(200);
      expect(removed.body.group).toMatchObject({ memberCount: 0 });
      expect((await call(full, 'GET', `/clients/${p.id}`)).status).toBe(200);
      expect((await call(full, 'DELETE', `/groups/${g.id}/members/batch`, { clientIds: [] })).status).toBe(
        422,
      );
      expect(
        (await call(reader, 'DELETE', `/groups/${g.id}/members/batch`, { clientIds: [p.id] })).status,
      ).toBe(403);
    });

    it('PATCH …/members/{clientId} changes the period; null ends nothing; 422 end before start; 404 not a member', async () => {
      const g = await newGroup('Periods');
      const m = await newClient('Mira');
      await call(full, 'POST', `/groups/${g.id}/members/batch`, {
        members: [{ clientId: m.id, startDate: '2026-01-01' }],
      });
      const ended = await call(full, 'PATCH', `/groups/${g.id}/members/${m.id}`, { endDate: '2026-06-30' });
      expect(ended.status).toBe(200);
      expect(ended.body.member).toMatchObject({
        startDate: '2026-01-01',
        endDate: '2026-06-30',
        client: { id: m.id },
      });
      const open = await call(full, 'PATCH', `/groups/${g.id}/members/${m.id}`, { endDate: null });
      expect(open.body.member).toMatchObject({ endDate: null });
      expect(
        (
          await call(full, 'PATCH', `/groups/${g.id}/members/${m.id}`, {
            startDate: '2026-01-01',
            endDate: '2025-01-01',
          })
        ).status,
      ).toBe(422);
      const stranger = await newClient('Not in it');
      expect(
        (await call(full, 'PATCH', `/groups/${g.id}/members/${stranger.id}`, { endDate: '2026-06-30' }))
          .status,
      ).toBe(404);
    });
  });

  describe('clients', () => {
    it('POST /clients (201, 422 for a bad email), GET /clients with search and pages', async () => {
      const tag = `c${Date.now()}`;
      const made = await call(full, 'POST', '/clients', {
        name: `Ana ${tag}`,
        email: `ana.${tag}@example.test`,
        phone: '+40 21 000',
      });
      expect(made.status).toBe(201);
      expect(made.body.client).toMatchObject({ name: `Ana ${tag}`, phone: '+40 21 000', birthDate: null });
      await newClient(`Bogdan ${tag}`);
      expect((await call(full, 'POST', '/clients', { name: 'Bad', email: 'not-an-email' })).status).toBe(422);
      expect((await call(full, 'POST', '/clients', { name: 'Bad', birthDate: '2001-02-29' })).status).toBe(
        422,
      );
      const listed = await call(reader, 'GET', `/clients?q=${tag}&limit=1`);
      expect(listed.body).toMatchObject({ count: 2, limit: 1, offset: 0 });
      expect((listed.body.clients as { name: string }[])[0]?.name).toBe(`Ana ${tag}`);
      expect((await call(reader, 'GET', `/clients?q=ana.${tag}`)).body.count).toBe(1);
      expect((await call(reader, 'POST', '/clients', { name: 'Nope' })).status).toBe(403);
    });

    it('GET /clients/{id} lists every group with periods; PATCH clears with null; DELETE removes the memberships', async () => {
      const person = await newClient('Dana', { email: 'dana@example.test' });
      const [g1, g2] = [await newGroup('Alpha circle'), await newGroup('Beta circle')];
      for (const g of [g1, g2]) {
        await call(full, 'POST', `/groups/${g.id}/members/batch`, {
          members: [{ clientId: person.id, startDate: '2026-02-01' }],
        });
      }
      const detail = await call(reader, 'GET', `/clients/${person.id}`);
      expect((detail.body.client as { groups: unknown[] }).groups).toEqual([
        { id: g1.id, name: 'Alpha circle', startDate: '2026-02-01', endDate: null },
        { id: g2.id, name: 'Beta circle', startDate: '2026-02-01', endDate: null },
      ]);
      const cleared = await call(full, 'PATCH', `/clients/${person.id}`, {
        email: null,
        phone: '+31 20 123',
      });
      expect(cleared.body.client).toMatchObject({ name: 'Dana', email: null, phone: '+31 20 123' });
      expect((await call(full, 'PATCH', `/clients/${person.id}`, { email: 'nope' })).status).toBe(422);
      expect((await call(full, 'PATCH', '/clients/missing', { name: 'X' })).status).toBe(404);
      const gone = await call(full, 'DELETE', `/clients/${person.id}`);
      expect(gone.body).toEqual({ id: person.id, object: 'client', deleted: true });
      expect((await call(full, 'GET', `/clients/${person.id}`)).status).toBe(404);
      expect((await call(full, 'GET', `/groups/${g1.id}`)).body.group).toMatchObject({ memberCount: 0 });
      expect((await call(full, 'DELETE', `/clients/${person.id}`)).status).toBe(404);
    });
  });

  describe('API tokens', () => {
    it('are made by administrators only, listed without secrets, marked when used, and stop at once when revoked', async () => {
      const practitioner = (await server.login('practitioner@demo.test')).token;
      expect(
        (await call(practitioner, 'POST', '/tokens', { name: 'X', permissions: ['clients.read'] })).status,
      ).toBe(403);
      expect((await call(full, 'GET', '/tokens')).status).toBe(403);
      expect((await call(admin, 'POST', '/tokens', { name: 'X', permissions: ['clients.fly'] })).status).toBe(
        422,
      );
      expect((await call(admin, 'POST', '/tokens', { name: '', permissions: ['clients.read'] })).status).toBe(
        422,
      );

      const made = await call(admin, 'POST', '/tokens', { name: 'CRM', permissions: ['clients.read'] });
      const secret = String(made.body.token);
      const id = (made.body.apiToken as { id: string }).id;
      expect(secret).toMatch(/^cohort_/);
      const listed = await call(admin, 'GET', '/tokens');
      expect(JSON.stringify(listed.body)).not.toContain(secret);
      expect(
        (await server.db.query('SELECT token_hash FROM api_tokens WHERE id = $1', [id]))[0],
      ).not.toMatchObject({
        token_hash: secret,
      });
      expect((await call(secret, 'GET', '/clients')).status).toBe(200);
      expect((await call(secret, 'GET', '/groups')).status).toBe(403);
      const used = (
        (await call(admin, 'GET', '/tokens')).body.tokens as { id: string; lastUsedAt: number | null }[]
      ).find((t) => t.id === id);
      expect(used?.lastUsedAt).toBeGreaterThan(0);
      // A stream opened with the token ends the moment the token is revoked.
      const stream = await fetch(`${server.url}/api/v1/sync/stream`, {
        headers: { ...protocolHeaders, authorization: `Bearer ${secret}` },
      });
      const reader = stream.body?.getReader();
      await reader?.read();
      const streamEnded = (async () => {
        for (;;) if ((await reader?.read())?.done !== false) return Date.now();
      })();
      const revokedAt = Date.now();
      expect((await call(admin, 'DELETE', `/tokens/${id}`)).body).toEqual({
        id,
        object: 'api_token',
        deleted: true,
      });
      expect((await streamEnded) - revokedAt).toBeLessThan(2000);
      expect((await call(secret, 'GET', '/clients')).status).toBe(401);
      expect((await call(admin, 'DELETE', `/tokens/${id}`)).status).toBe(404);
      expect((await call(admin, 'DELETE', '/tokens/not-a-token')).status).toBe(400);
    });
  });
});

describe('REST API limits and logs', () => {
  it('answers 429 with Retry-After once a token has used its requests for the minute; other tokens go on', async () => {
    const server = await startTestServer('embedded', { rateLimitPerMinute: 5 });
    try {
      const call = client(server);
      const { token: one } = await createApiToken(server.db, 'org-demo', {
        name: 'One',
        permissions: ['clients.read'],
      });
      const { token: two } = await createApiToken(server.db, 'org-demo', {
        name: 'Two',
        permissions: ['clients.read'],
      });
      for (let i = 0; i < 5; i++) expect((await call(one, 'GET', '/clients')).status).toBe(200);
      const limited = await call(one, 'GET', '/clients');
      expect(limited.status).toBe(429);
      expect(errorOf(limited).code).toBe('rate_limited');
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await call(two, 'GET', '/clients')).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('logs requests without tokens or passwords', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const server = await startTestServer('embedded', { logStream: stream });
    try {
      const call = client(server);
      const { token } = await createApiToken(server.db, 'org-demo', {
        name: 'Logged',
        permissions: ['clients.read'],
      });
      await call(token, 'GET', '/clients?q=secretive');
      const login = await call(null, 'POST', '/auth/login', {
        email: 'admin@demo.test',
        password: 'cohort-demo',
      });
      const session = String(login.body.token);
      await call(session, 'GET', '/groups');
      const log = lines.join('');
      expect(log).toContain('/api/v1/clients?q=secretive');
      expect(log).not.toContain(token);
      expect(log).not.toContain(session);
      expect(log).not.toContain('cohort-demo');
    } finally {
      await server.close();
    }
  });
});

describe('openapi.json', () => {
  it('is OpenAPI 3.1 and every response recorded above validates against it', async () => {
    const server = await startTestServer('embedded');
    let document: {
      openapi: string;
      paths: Record<
        string,
        Record<
          string,
          { responses: Record<string, { content?: { 'application/json'?: { schema: object } } }> }
        >
      >;
    };
    try {
      const res = await fetch(`${server.url}/api/v1/openapi.json`);
      document = (await res.json()) as typeof document;
      const docs = await fetch(`${server.url}/api/v1/docs/`);
      expect(docs.status).toBe(200);
      expect(await docs.text()).toContain('Swagger UI');
    } finally {
      await server.close();
    }
    expect(document.openapi).toBe('3.1.0');
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    const routes = Object.entries(document.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        method: method.toUpperCase(),
        pattern: new RegExp(`^${template.replace(/\{\w+\}/g, '[^/]+')}$`),
        template,
        op,
      })),
    );
    const seen = new Set<string>();
    let checked = 0;
    for (const r of recorded) {
      const route = routes.find((x) => x.method === r.method && x.pattern.test(r.path));
      if (!route) continue; // not a REST API route (sign-in)
      const response = route.op.responses[String(r.status)];
      expect(
        response,
        `${r.method} ${route.template} answered ${r.status}, which openapi.json does not list`,
      ).toBeDefined();
      const schema = response?.content?.['application/json']?.schema;
      if (!schema) continue;
      const validate = ajv.compile(schema);
      expect(
        validate(r.body),
        `${r.method} ${route.template} ${r.status}: ${ajv.errorsText(validate.errors)}`,
      ).toBe(true);
      seen.add(`${r.method} ${route.template}`);
      checked += 1;
    }
    // Every operation was called at least once above.
    expect([...seen].sort()).toEqual(routes.map((x) => `${x.method} ${x.template}`).sort());
    expect(checked).toBeGreaterThan(100);
  });
});
