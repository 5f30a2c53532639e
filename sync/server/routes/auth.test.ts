import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, testStorages, type TestServer } from '../testing';
import { protocolHeaders } from '../../protocol';

/** The fields these tests read from any answer. */
type Body = {
  token: string;
  user: { email: string; role: string };
  organization: { id: string; name: string };
  permissions: string[];
  error: { code: string; message: string };
};
const body = async (res: Response) => (await res.json()) as Body;

describe.each(testStorages())('auth over HTTP (%s storage)', (storage) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(storage);
  });
  afterAll(() => server.close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(server.url + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers health', async () => {
    const res = await fetch(`${server.url}/api/v1/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('signs in with the right password and returns the user, organisation and permissions', async () => {
    const res = await post('/api/v1/auth/login', {
      email: 'Practitioner@demo.test',
      password: 'cohort-demo',
    });
    expect(res.status).toBe(200);
    const json = await body(res);
    expect(json.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(json.user).toMatchObject({ email: 'practitioner@demo.test', role: 'practitioner' });
    expect(json.organization).toEqual({ id: 'org-demo', name: 'Demo practice' });
    expect(json.permissions).toContain('client_groups.create');
    expect(json.permissions).not.toContain('client_groups.delete');
    const me = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${json.token}` } });
    expect(me.status).toBe(200);
    expect((await body(me)).user.email).toBe('practitioner@demo.test');
  });

  it('refuses a wrong password and an unknown email alike, without saying which', async () => {
    const wrong = await post('/api/v1/auth/login', { email: 'admin@demo.test', password: 'nope' });
    const unknown = await post('/api/v1/auth/login', { email: 'nobody@demo.test', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(await body(wrong)).toEqual(await body(unknown));
  });

  it('answers 400 with {error} for a malformed login body, and 415 for a non-JSON one', async () => {
    const missing = await post('/api/v1/auth/login', { email: 'admin@demo.test' });
    expect(missing.status).toBe(400);
    expect((await body(missing)).error.code).toBe('bad_request');
    const extra = await post('/api/v1/auth/login', {
      email: 'a',
      password: 'b',
      organizationId: 'org-other',
    });
    expect(extra.status).toBe(400);
    const text = await fetch(`${server.url}/api/v1/auth/login`, { method: 'POST', body: 'email=a' });
    expect(text.status).toBe(415);
    expect((await body(text)).error.code).toBe('unsupported_media_type');
    const broken = await fetch(`${server.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    });
    expect(broken.status).toBe(400);
  });

  it('refuses requests without a token, with an unknown one, and after sign-out (401)', async () => {
    expect((await fetch(`${server.url}/api/v1/me`)).status).toBe(401);
    const bad = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
    expect((await body(bad)).error.code).toBe('unauthorized');
    const { token } = await server.login('viewer@demo.test');
    const headers = { ...protocolHeaders, authorization: `Bearer ${token}` };
    expect((await fetch(`${server.url}/api/v1/me`, { headers })).status).toBe(200);
    expect((await post('/api/v1/auth/logout', {}, headers)).status).toBe(204);
    expect((await fetch(`${server.url}/api/v1/me`, { headers })).status).toBe(401);
    expect((await fetch(`${server.url}/api/v1/sync/groups/pull`, { headers })).status).toBe(401);
  });

  it('slows password guessing with growing delays (also for the right password), never past a minute', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await post('/api/v1/auth/login', { email: 'viewer@demo.test', password: `guess ${i}` });
      expect(res.status).toBe(401);
    }
    const slowed = await post('/api/v1/auth/login', { email: 'viewer@demo.test', password: 'cohort-demo' });
    expect(slowed.status).toBe(429);
    expect((await body(slowed)).error.code).toBe('too_many_attempts');
    const wait = Number(slowed.headers.get('retry-after'));
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(60);
    // Another account is not slowed by it.
    expect(
      (await post('/api/v1/auth/login', { email: 'admin@demo.test', password: 'cohort-demo' })).status,
    ).toBe(200);
    // After the wait, the right password gets in (no lockout).
    await new Promise((r) => setTimeout(r, wait * 1000 + 50));
    expect(
      (await post('/api/v1/auth/login', { email: 'viewer@demo.test', password: 'cohort-demo' })).status,
    ).toBe(200);
  });

  it('one address trying many accounts is slowed, but not a colleague who signed in from it before', async () => {
    expect(
      (await post('/api/v1/auth/login', { email: 'admin@demo.test', password: 'cohort-demo' })).status,
    ).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 32; i++) {
      const res = await post('/api/v1/auth/login', { email: `stuffed${i}@demo.test`, password: 'password1' });
      statuses.push(res.status);
    }
    // Past 30 failures from one address (the earlier tests' included), each new account waits.
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(30);
    expect(statuses.slice(-2)).toEqual([429, 429]);
    expect(
      (await post('/api/v1/auth/login', { email: 'admin@demo.test', password: 'cohort-demo' })).status,
    ).toBe(200);
  });

  it('ends an open change stream at once when its session signs out', async () => {
    const { token } = await server.login('admin@demo.test');
    const res = await fetch(`${server.url}/api/v1/sync/stream`, {
      headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
    });
    const reader = res.body?.getReader();
    if (!reader) throw new Error('no stream');
    await reader.read(); // the "ready" event
    const ended = (async () => {
      for (;;) {
        const { done } = await reader.read();
        if (done) return Date.now();
      }
    })();
    const signedOut = Date.now();
    expect((await post('/api/v1/auth/logout', {}, { authorization: `Bearer ${token}` })).status).toBe(204);
    expect((await ended) - signedOut).toBeLessThan(2000);
  });

  it('stores passwords only as argon2id hashes', async () => {
    const rows = await server.db.query<{ email: string; password_hash: string }>(
      'SELECT email, password_hash FROM users',
    );
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(row.password_hash, row.email).toMatch(/^\$argon2id\$/);
      expect(row.password_hash).not.toContain('cohort-demo');
    }
  });
});

describe('a sign-in that has expired', () => {
  it('is refused (401) once its lifetime is over, and a new sign-in works', async () => {
    const server = await startTestServer('embedded', { tokenTtlMs: 1_000 });
    try {
      const { token } = await server.login('admin@demo.test');
      const me = () => fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
      expect((await me()).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1_100));
      const expired = await me();
      expect(expired.status).toBe(401);
      expect(((await expired.json()) as Body).error.code).toEqual(expect.any(String));
      const again = await server.login('admin@demo.test');
      expect(again.token).not.toBe(token);
    } finally {
      await server.close();
    }
  });
});
