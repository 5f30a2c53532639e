/**
 * A sign-out that could not reach its server ends the token there at the next connection
 * (issue 17): kept while the server cannot be reached, revoked once it can, forgotten when
 * the server says it is over already. Real server over HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../../sync/server/testing';
import { revokeLater, revokePending, type RevocationStore } from './revocations';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('embedded');
});
afterAll(() => server.close());

function memoryStore(): RevocationStore & { text: string | null } {
  const store = {
    text: null as string | null,
    load: async () => store.text,
    save: async (text: string | null) => void (store.text = text),
  };
  return store;
}

const me = (token: string) =>
  fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe('revocations of sign-outs that did not reach the server', () => {
  it('waits while offline, then revokes; an already ended token is simply forgotten', async () => {
    const store = memoryStore();
    const { token } = await server.login('admin@demo.test');
    const { token: ended } = await server.login('viewer@demo.test');
    await revokeLater(store, server.url, token);
    await revokeLater(store, server.url, token);
    await revokeLater(store, server.url, ended);
    expect(store.text).not.toBeNull();
    expect(JSON.parse(store.text ?? '[]')).toHaveLength(2);

    const offline: typeof fetch = () => Promise.reject(new TypeError('fetch failed'));
    expect(await revokePending(store, offline)).toBe(2);
    expect(await me(token)).toBe(200);

    // The viewer's token ends some other way meanwhile.
    await fetch(`${server.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ended}` },
    });
    expect(await revokePending(store)).toBe(0);
    expect(await me(token)).toBe(401);
    expect(store.text).toBeNull();
  });
});
