import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addApiToken,
  addOrganization,
  addUser,
  listTokens,
  listUsers,
  revokeSessions,
  revokeToken,
} from './cliCommands';
import { startTestServer, type TestServer } from './testing';

describe('server CLI commands', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer('embedded');
  });
  afterAll(() => server.close());

  it('adds an organisation and a user who can then sign in', async () => {
    await addOrganization(server.db, 'org-new', 'New practice');
    await addUser(server.db, {
      organizationId: 'org-new',
      email: 'Therapist@New.test',
      name: 'Theo',
      role: 'practitioner',
      password: 'a long password',
    });
    const session = await server.login('therapist@new.test', 'a long password');
    expect(session.organization).toEqual({ id: 'org-new', name: 'New practice' });
    expect(await listUsers(server.db)).toContain('therapist@new.test');
  });

  it('refuses bad input with a message', async () => {
    await expect(addOrganization(server.db, 'bad id', 'x')).rejects.toThrow('organisation id');
    const base = {
      organizationId: 'org-demo',
      email: 'a@b.test',
      name: '',
      role: 'admin',
      password: 'long enough pw',
    };
    await expect(addUser(server.db, { ...base, role: 'owner' })).rejects.toThrow('role');
    await expect(addUser(server.db, { ...base, password: 'short' })).rejects.toThrow('10 characters');
    await expect(addUser(server.db, { ...base, organizationId: 'org-none' })).rejects.toThrow(
      'no organisation',
    );
  });

  it('moves an existing email to another organisation only when told to, ending their sign-ins', async () => {
    const user = {
      organizationId: 'org-other',
      email: 'viewer@demo.test',
      name: 'Vic',
      role: 'viewer',
      password: 'a new long password',
    };
    const { token } = await server.login('viewer@demo.test');
    await expect(addUser(server.db, user)).rejects.toThrow('belongs to org-demo');
    // Nothing changed: the same organisation, the same password, the sign-in still works.
    expect((await server.login('viewer@demo.test')).organization.id).toBe('org-demo');
    const me = () =>
      fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then(
        (r) => r.status,
      );
    expect(await me()).toBe(200);
    expect(await addUser(server.db, { ...user, move: true })).toContain('moved from org-demo');
    expect(await me()).toBe(401);
    expect((await server.login('viewer@demo.test', 'a new long password')).organization.id).toBe('org-other');
    // Back, for the other tests.
    await addUser(server.db, { ...user, organizationId: 'org-demo', password: 'cohort-demo', move: true });
  });

  it('revokes every session of a user', async () => {
    const { token } = await server.login('viewer@demo.test');
    expect(await revokeSessions(server.db, 'viewer@demo.test')).toMatch(/Revoked [1-9]\d* session/);
    const res = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });

  it('makes an API token that works once, lists it without its secret, and revokes it', async () => {
    const out = await addApiToken(server.db, {
      organizationId: 'org-demo',
      name: 'Billing system',
      permissions: ['client_groups.read', 'clients.read'],
    });
    const secret = /Secret \(shown once, store it now\): (cohort_\S+)/.exec(out)?.[1] ?? '';
    const id = /API token (tok_[0-9a-f]+)/.exec(out)?.[1] ?? '';
    expect(secret).not.toBe('');
    const call = () =>
      fetch(`${server.url}/api/v1/groups`, { headers: { authorization: `Bearer ${secret}` } }).then(
        (r) => r.status,
      );
    expect(await call()).toBe(200);
    const listed = await listTokens(server.db, 'org-demo');
    expect(listed).toContain(id);
    expect(listed).toContain('Billing system');
    expect(listed).not.toContain(secret);
    expect(await revokeToken(server.db, id)).toContain('revoked');
    expect(await call()).toBe(401);
    await expect(revokeToken(server.db, id)).rejects.toThrow('no live API token');
    await expect(
      addApiToken(server.db, { organizationId: 'org-demo', name: 'X', permissions: ['groups.fly'] }),
    ).rejects.toThrow('--permissions');
    await expect(
      addApiToken(server.db, { organizationId: 'org-none', name: 'X', permissions: ['clients.read'] }),
    ).rejects.toThrow('no organisation');
  });
});
