/**
 * No answer of the server may be kept by an HTTP cache (issue 17): a browser's disk cache
 * held every synced page in plain text beside the encrypted local database. Every route
 * the server registers is called, signed in and not, and so are the change stream and
 * the answers Node's HTTP parser gives itself.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { protocolHeaders, API_PREFIX } from '../protocol';
import { registeredRoutes } from './matrix/support';
import { startTestServer, type TestServer } from './testing';

describe('caching', () => {
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    server = await startTestServer('embedded');
    admin = (await server.login('admin@demo.test')).token;
  });
  afterAll(() => server.close());

  it('every route answers with Cache-Control: no-store, signed in or not, success or error', async () => {
    const routes = await registeredRoutes(server.db);
    expect(routes.length).toBeGreaterThan(20);
    const seen: string[] = [];
    for (const route of routes) {
      if (route.path === `${API_PREFIX}/sync/stream`) continue;
      const path = route.path
        .replace(':collection', 'groups')
        .replace(/:\w+/g, 'demo-grief')
        .replace('*', 'index.html');
      // Signing out ends the token it is sent with: that call gets a sign-in of its own.
      const signedIn = route.path.endsWith('/auth/logout')
        ? (await server.login('admin@demo.test')).token
        : admin;
      for (const token of [null, signedIn]) {
        const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
        const withBody = route.method !== 'GET' && route.method !== 'DELETE';
        if (withBody) headers['content-type'] = 'application/json';
        const res = await fetch(server.url + path, {
          method: route.method,
          headers,
          ...(withBody ? { body: route.path.endsWith('/push') ? '[]' : '{}' } : {}),
        });
        await res.arrayBuffer();
        seen.push(`${route.method} ${path} ${res.status}`);
        expect(res.headers.get('cache-control'), `${route.method} ${path} (${res.status})`).toBe('no-store');
      }
    }
    // Successful answers are among them, not only refusals.
    expect(seen.filter((s) => / 2\d\d$/.test(s)).length).toBeGreaterThan(10);
  });

  it('the change stream and a route that does not exist answer no-store too', async () => {
    const controller = new AbortController();
    const stream = await fetch(`${server.url}${API_PREFIX}/sync/stream`, {
      headers: { ...protocolHeaders, authorization: `Bearer ${admin}` },
      signal: controller.signal,
    });
    expect(stream.status).toBe(200);
    expect(stream.headers.get('cache-control')).toBe('no-store, no-transform');
    controller.abort();
    const missing = await fetch(`${server.url}${API_PREFIX}/no/such/route`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('cache-control')).toBe('no-store');
  });

  it('an answer Node’s HTTP parser gives (headers too large) says no-store', async () => {
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), '127.0.0.1', () => {
        socket.write(`GET ${API_PREFIX}/health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 431/);
    expect(answer).toMatch(/\r\nCache-Control: no-store\r\n/i);
  });
});
