/** Clients and memberships over the sync protocol: references, cascades and permissions. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '../../../domain/client';
import type { Group } from '../../../domain/group';
import { membershipId, type Membership } from '../../../domain/membership';
import { protocolHeaders, type PullResponse, type PushResponse, type SyncCollection } from '../../protocol';
import { startTestServer, testStorages, type TestServer } from '../testing';

const T = 1_700_000_000_000;
type Doc<D> = D & { _deleted: boolean };
const group = (id: string): Doc<Group> => ({
  id,
  name: id,
  description: '',
  metadata: {},
  createdAt: T,
  updatedAt: T,
  _deleted: false,
});
const client = (id: string, extra: Partial<Client> = {}): Doc<Client> => ({
  id,
  name: id,
  createdAt: T,
  updatedAt: T,
  ...extra,
  _deleted: false,
});
const membership = (
  groupId: string,
  clientId: string,
  startDate = '2026-01-05',
  endDate?: string,
): Doc<Membership> => ({
  id: membershipId(groupId, clientId),
  groupId,
  clientId,
  startDate,
  ...(endDate ? { endDate } : {}),
  createdAt: T,
  updatedAt: T,
  _deleted: false,
});

describe.each(testStorages())('clients and memberships sync (%s storage)', (storage) => {
  let server: TestServer;
  let admin: string;
  let practitioner: string;
  let viewer: string;
  beforeAll(async () => {
    server = await startTestServer(storage);
    admin = (await server.login('admin@demo.test')).token;
    practitioner = (await server.login('practitioner@demo.test')).token;
    viewer = (await server.login('viewer@demo.test')).token;
  });
  afterAll(() => server.close());

  async function push<D>(
    token: string,
    collection: SyncCollection,
    rows: { assumedMasterState: D | null; newDocumentState: D }[],
  ) {
    const res = await fetch(`${server.url}/api/v1/sync/${collection}/push`, {
      method: 'POST',
      headers: { ...protocolHeaders, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as PushResponse<D>;
  }
  async function pullAll<D extends { id: string }>(token: string, collection: SyncCollection) {
    const res = await fetch(`${server.url}/api/v1/sync/${collection}/pull?limit=1000`, {
      headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as PullResponse<D>;
    return new Map(body.documents.map((d) => [d.id, d]));
  }
  const create = <D>(doc: D) => ({ assumedMasterState: null, newDocumentState: doc });

  it('pulls the seeded clients and memberships, optional fields left out when empty', async () => {
    const clients = await pullAll<Doc<Client>>(admin, 'clients');
    expect(clients.get('demo-c-anna')).toMatchObject({
      email: 'anna.devries@example.nl',
      birthDate: '1986-04-12',
    });
    expect(Object.keys(clients.get('demo-c-bram') as object)).not.toContain('phone');
    const memberships = await pullAll<Doc<Membership>>(admin, 'memberships');
    expect(memberships.get('demo-mindfulness:demo-c-bram')).toMatchObject({ endDate: '2026-10-27' });
    expect([...memberships.keys()].some((id) => id.startsWith('other-'))).toBe(false);
  });

  it('lets a practitioner add clients and members; refuses the viewer', async () => {
    expect(
      await push(practitioner, 'clients', [create(client('p-client', { email: 'p@example.test' }))]),
    ).toEqual({ conflicts: [], rejections: [] });
    expect(await push(practitioner, 'memberships', [create(membership('demo-grief', 'p-client'))])).toEqual({
      conflicts: [],
      rejections: [],
    });
    const refused = await push(viewer, 'clients', [create(client('v-client'))]);
    expect(refused.rejections[0]).toMatchObject({ id: 'v-client', code: 'forbidden' });
    const refusedMember = await push(viewer, 'memberships', [
      create(membership('demo-grief', 'demo-c-anna')),
    ]);
    expect(refusedMember.rejections[0]).toMatchObject({
      code: 'forbidden',
      message: expect.stringContaining('manage_members'),
    });
  });

  it('refuses a membership whose group or client does not exist or was deleted', async () => {
    const missingGroup = await push(admin, 'memberships', [
      create(membership('no-such-group', 'demo-c-anna')),
    ]);
    expect(missingGroup.rejections[0]).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('group'),
    });
    expect(missingGroup.conflicts[0]).toMatchObject({ id: 'no-such-group:demo-c-anna', _deleted: true });
    const missingClient = await push(admin, 'memberships', [
      create(membership('demo-grief', 'no-such-client')),
    ]);
    expect(missingClient.rejections[0]).toMatchObject({
      code: 'not_found',
      message: expect.stringContaining('client'),
    });
  });

  it('refuses invalid memberships: end before start, impossible dates, an id not made from the pair', async () => {
    await push(admin, 'clients', [create(client('dates-client'))]);
    const answer = await push(admin, 'memberships', [
      create(membership('demo-grief', 'dates-client', '2026-05-01', '2026-04-30')),
      create({ ...membership('demo-parents', 'dates-client'), startDate: '2026-02-30' }),
      create({ ...membership('demo-running', 'dates-client'), id: 'demo-running:someone-else' }),
    ]);
    expect(answer.rejections.map((r) => r.code)).toEqual(['invalid', 'invalid', 'invalid']);
  });

  it('deletes a group’s memberships with it, in the same push, and keeps the clients', async () => {
    await push(admin, 'groups', [create(group('doomed'))]);
    await push(admin, 'clients', [create(client('keeper'))]);
    await push(admin, 'memberships', [
      create(membership('doomed', 'keeper')),
      create(membership('doomed', 'demo-c-anna')),
    ]);
    const g = group('doomed');
    expect(
      await push(admin, 'groups', [{ assumedMasterState: g, newDocumentState: { ...g, _deleted: true } }]),
    ).toEqual({
      conflicts: [],
      rejections: [],
    });
    const memberships = await pullAll<Doc<Membership>>(admin, 'memberships');
    expect(memberships.get('doomed:keeper')?._deleted).toBe(true);
    expect(memberships.get('doomed:demo-c-anna')?._deleted).toBe(true);
    expect((await pullAll<Doc<Client>>(admin, 'clients')).get('keeper')?._deleted).toBe(false);
    // A device that still assumes the live membership gets the server's deleted state back.
    const stale = membership('doomed', 'keeper', '2026-02-01');
    const answer = await push(admin, 'memberships', [
      { assumedMasterState: membership('doomed', 'keeper'), newDocumentState: stale },
    ]);
    expect(answer.conflicts[0]).toMatchObject({ id: 'doomed:keeper', _deleted: true });
  });
});
