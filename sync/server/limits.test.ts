/**
 * The server's request limits (limits.ts), over real HTTP: until a token is known to be
 * valid a request counts against its address (made-up tokens share one bucket and are
 * refused before any lookup), a known token has a budget of its own, sign-ins count per
 * address, and a proxy's X-Forwarded-For names the client only when that proxy is trusted.
 */
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './testing';
import { protocolHeaders } from '../protocol';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const madeUp = () => `cohort_${crypto.randomBytes(32).toString('base64url')}`;

async function get(url: string, token: string | null, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    headers: { ...headers, ...(token ? { authorization: `Bearer ${token}` } : {}) },
  });
  await res.arrayBuffer();
  return res;
}

describe('request limits', () => {
  it('made-up tokens from one address share one bucket, refused before any lookup; a real token goes on', async () => {
    server = await startTestServer('embedded', { rateLimits: { unknownPerAddress: 5 } });
    const { token } = await server.login('admin@demo.test');
    const db = server.db;
    let lookups = 0;
    const query = db.query.bind(db);
    db.query = ((sql: string, params?: unknown[]) => {
      if (/api_tokens|sessions/.test(sql)) lookups += 1;
      return query(sql, params);
    }) as typeof db.query;
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await get(`${server.url}/api/v1/groups`, madeUp())).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429, 429]);
    expect(lookups).toBe(5);
    const refused = await get(`${server.url}/api/v1/groups`, madeUp());
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // The signed-in token is known (its sign-in said so): its own budget, not the address's.
    expect((await get(`${server.url}/api/v1/groups`, token)).status).toBe(200);
    expect((await get(`${server.url}/api/v1/sync/groups/pull`, token, protocolHeaders)).status).toBe(200);
  });

  it('a token’s sync budget is its own: another token goes on', async () => {
    const running = await startTestServer('embedded', { rateLimits: { syncPerToken: 3 } });
    server = running;
    const one = (await running.login('admin@demo.test')).token;
    const two = (await running.login('viewer@demo.test')).token;
    const pull = (token: string) => get(`${running.url}/api/v1/sync/groups/pull`, token, protocolHeaders);
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await pull(one)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await pull(two)).status).toBe(200);
  });

  it('sign-ins count per address', async () => {
    server = await startTestServer('embedded', { rateLimits: { signInPerAddress: 3 } });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'admin@demo.test', password: 'cohort-demo' }),
      });
      statuses.push(res.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429]);
  });

  it('the client’s address comes from X-Forwarded-For only behind a trusted proxy', async () => {
    const guess = (from: string) =>
      fetch(`${server?.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': from },
        body: JSON.stringify({ email: 'viewer@demo.test', password: 'wrong password' }),
      }).then((r) => r.status);
    // Not trusted: a made-up header does not escape the guesser's own delay.
    server = await startTestServer('embedded');
    for (let i = 0; i < 3; i++) expect(await guess(`203.0.113.${i}`)).toBe(401);
    expect(await guess('203.0.113.99')).toBe(429);
    await server.close();
    // Behind a trusted proxy, the header names the client: another client is not slowed.
    server = await startTestServer('embedded', { trustProxy: ['127.0.0.1'] });
    for (let i = 0; i < 3; i++) expect(await guess('203.0.113.1')).toBe(401);
    expect(await guess('203.0.113.1')).toBe(429);
    expect(await guess('203.0.113.2')).toBe(401);
  });
});
