/**
 * The REST API and the desktops are one system: a group made through the API reaches a
 * replicating device (real RxDB) live, and a device's edit shows in the API.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createClient } from '../../../domain/client';
import { openTestDevice, type TestDevice } from '../../testing/devices';
import { createApiToken } from '../auth/apiTokens';
import { startTestServer, testStorages, type TestServer } from '../testing';

describe.each(testStorages())('REST API and sync together (%s storage)', (kind) => {
  let server: TestServer;
  let device: TestDevice;
  let token: string;
  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.url}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  };

  beforeAll(async () => {
    server = await startTestServer(kind);
    token = (
      await createApiToken(server.db, 'org-demo', {
        name: 'Integration',
        permissions: [
          'client_groups.read',
          'client_groups.create',
          'client_groups.update',
          'client_groups.manage_members',
          'clients.read',
          'clients.write',
        ],
      })
    ).token;
    device = await openTestDevice(server, `rest-sync-${kind}`);
    await vi.waitFor(() => expect(device.sync.status$.value.phase).toBe('synced'), { timeout: 10_000 });
  });
  afterAll(async () => {
    await device.close();
    await server.close();
  });

  it('a group and its members made through the API appear on the device, live', async () => {
    const made = await api('POST', '/groups', { name: 'From the web shop', description: 'Booked online' });
    const id = (made.body.group as { id: string }).id;
    const person = await api('POST', '/clients', { name: 'Online Buyer', email: 'buyer@example.test' });
    const clientId = (person.body.client as { id: string }).id;
    await api('POST', `/groups/${id}/members/batch`, { members: [{ clientId, startDate: '2026-03-01' }] });
    await expect
      .poll(async () => (await device.db.groups.findOne(id).exec())?.name, { timeout: 10_000 })
      .toBe('From the web shop');
    await expect
      .poll(async () => (await device.db.memberships.findOne(`${id}:${clientId}`).exec())?.startDate, {
        timeout: 10_000,
      })
      .toBe('2026-03-01');

    // Removing through the API removes on the device too.
    await api('DELETE', `/groups/${id}/members/batch`, { clientIds: [clientId] });
    await expect
      .poll(async () => device.db.memberships.findOne(`${id}:${clientId}`).exec(), { timeout: 10_000 })
      .toBeNull();
  });

  it('a device’s new client and its edit of a group show in the API', async () => {
    await device.db.clients.insert(createClient({ name: 'Desk Made' }, 'desk-made', Date.now()));
    const made = await api('POST', '/groups', { name: 'Renamed on a laptop soon' });
    const id = (made.body.group as { id: string }).id;
    await expect.poll(async () => device.db.groups.findOne(id).exec(), { timeout: 10_000 }).not.toBeNull();
    const doc = await device.db.groups.findOne(id).exec();
    await doc?.incrementalPatch({ name: 'Renamed on a laptop', updatedAt: Date.now() + 1 });
    await expect
      .poll(async () => (await api('GET', `/groups/${id}`)).body.group, { timeout: 10_000 })
      .toMatchObject({ name: 'Renamed on a laptop' });
    await expect
      .poll(async () => (await api('GET', '/clients/desk-made')).body.client, { timeout: 10_000 })
      .toMatchObject({ name: 'Desk Made', groups: [] });
  });
});
