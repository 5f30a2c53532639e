import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addOrganization, addUser, listUsers, revokeSessions } from './cliCommands';
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

  it('revokes every session of a user', async () => {
    const { token } = await server.login('viewer@demo.test');
    expect(await revokeSessions(server.db, 'viewer@demo.test')).toMatch(/Revoked [1-9]\d* session/);
    const res = await fetch(`${server.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(401);
  });
});
