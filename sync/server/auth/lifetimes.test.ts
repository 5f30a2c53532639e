/**
 * How long credentials last (issue 17): a sign-in ends after a time without use (as long
 * as it is used, it goes on, up to its lifetime); an API token can be made to expire.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { addApiToken } from '../cliCommands';
import { startTestServer, type TestServer } from '../testing';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('credential lifetimes', () => {
  it('a sign-in used goes on; one left unused past the idle time ends', async () => {
    const running = await startTestServer('embedded', { sessionIdleMs: 1_500 });
    server = running;
    const me = (token: string) =>
      fetch(`${running.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    const used = (await running.login('admin@demo.test')).token;
    const unused = (await running.login('viewer@demo.test')).token;
    for (let i = 0; i < 5; i++) {
      expect(await me(used)).toBe(200);
      await pause(500);
    }
    // 2.5 s after sign-in: the one used every half second still works, the other does not.
    expect(await me(used)).toBe(200);
    expect(await me(unused)).toBe(401);
  });

  it('an API token with an expiry stops working then; one in the past is refused with 422', async () => {
    const running = await startTestServer('embedded');
    server = running;
    const admin = (await running.login('admin@demo.test')).token;
    const create = (expiresAt: number) =>
      fetch(`${running.url}/api/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Short-lived', permissions: ['clients.read'], expiresAt }),
      });
    const past = await create(Date.now() - 1000);
    expect(past.status).toBe(422);
    const made = await create(Date.now() + 1_200);
    expect(made.status).toBe(201);
    const { token, apiToken } = (await made.json()) as { token: string; apiToken: { expiresAt: number } };
    expect(apiToken.expiresAt).toBeGreaterThan(Date.now());
    const call = () =>
      fetch(`${running.url}/api/v1/clients`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    expect(await call()).toBe(200);
    await pause(1_300);
    expect(await call()).toBe(401);
    // The CLI takes the last day a token works.
    await expect(
      addApiToken(running.db, {
        organizationId: 'org-demo',
        name: 'X',
        permissions: ['clients.read'],
        expires: '2020-01-01',
      }),
    ).rejects.toThrow('a day to come');
    expect(
      await addApiToken(running.db, {
        organizationId: 'org-demo',
        name: 'Until spring',
        permissions: ['clients.read'],
        expires: '2099-03-31',
      }),
    ).toContain('works until the end of 2099-03-31 UTC');
  });
});
