/**
 * Conflicts between real devices (RxDB on Dexie over fake-indexeddb) through the real
 * server over HTTP: offline edits merge field by field, a deletion beats an edit, the
 * server's refusals revert, and everything lost is in a conflict log that can restore it.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../domain/client';
import type { SyncDocument } from '../../../domain/merge';
import { checkGroupInput, createGroup, type Group } from '../../../domain/group';
import { createMembership } from '../../../domain/membership';
import { startTestServer, type TestServer } from '../../../sync/server/testing';
import { openTestDevice, type TestDevice } from '../../../sync/testing/devices';
import { restoreEntry } from './restore';

let server: TestServer;
const devices: TestDevice[] = [];

async function device(name: string, email?: string): Promise<TestDevice> {
  const d = await openTestDevice(server, name, { email });
  devices.push(d);
  await expect.poll(() => d.sync.status$.value.phase, { timeout: 10_000 }).toBe('synced');
  return d;
}

async function groupOn(d: TestDevice, id: string): Promise<Group | undefined> {
  const doc = await d.db.groups.findOne(id).exec();
  return doc?.toJSON() as Group | undefined;
}

async function edit(d: TestDevice, id: string, patch: Partial<Group>, at: number) {
  const doc = await d.db.groups.findOne(id).exec();
  if (!doc) throw new Error(`${d.name} has no group ${id}`);
  await doc.incrementalPatch({ ...patch, updatedAt: at });
}

async function settled(...ds: TestDevice[]) {
  for (const d of ds) {
    await expect
      .poll(() => d.sync.status$.value, { timeout: 15_000 })
      .toMatchObject({ phase: 'synced', pending: 0 });
  }
}

beforeAll(async () => {
  server = await startTestServer('embedded');
});
afterEach(async () => {
  for (const d of devices.splice(0)) await d.close();
});
afterAll(() => server.close());

describe('conflicts between devices', () => {
  it('merges offline edits field by field; the losing name is logged and restores', async () => {
    const a = await device('merge-a');
    const b = await device('merge-b');
    const start = Date.now();
    await a.db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Pilates', description: 'Mondays', metadata: {} }),
        'pilates',
        start,
      ),
    );
    await expect.poll(() => groupOn(b, 'pilates'), { timeout: 10_000 }).toBeDefined();

    a.setNetwork(false);
    b.setNetwork(false);
    await edit(a, 'pilates', { name: 'Pilates (A)', description: 'Mondays and Thursdays' }, start + 10);
    await edit(b, 'pilates', { name: 'Pilates (B)' }, start + 20);
    a.setNetwork(true);
    await settled(a);
    b.setNetwork(true);
    await settled(a, b);

    // B's name is later; A's description was changed by A only: both survive.
    const expected = { name: 'Pilates (B)', description: 'Mondays and Thursdays' };
    await expect.poll(() => groupOn(a, 'pilates'), { timeout: 10_000 }).toMatchObject(expected);
    await expect.poll(() => groupOn(b, 'pilates'), { timeout: 10_000 }).toMatchObject(expected);
    // The conflict was met by B (it pushed second); the value that lost is in its log.
    const lost = b.log.entries.find((e) => e.docId === 'pilates' && e.kind === 'field');
    expect(lost).toMatchObject({ field: 'name', lost: 'Pilates (A)', kept: 'Pilates (B)', side: 'remote' });
    expect(b.log.unseen$.value).toBe(1);

    if (!lost) throw new Error('no log entry');
    await restoreEntry(b.db, b.log, lost);
    await expect
      .poll(() => groupOn(a, 'pilates'), { timeout: 10_000 })
      .toMatchObject({ name: 'Pilates (A)' });
    expect(b.log.entries.find((e) => e.id === lost.id)?.restoredAt).toBeGreaterThan(0);
  });

  it('a deletion wins over an offline edit; the edit is logged and can bring the group back', async () => {
    const a = await device('delete-a');
    const b = await device('delete-b');
    await a.db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Breathing', description: '', metadata: {} }),
        'breathing',
        Date.now(),
      ),
    );
    await expect.poll(() => groupOn(b, 'breathing'), { timeout: 10_000 }).toBeDefined();
    b.setNetwork(false);
    await (await a.db.groups.findOne('breathing').exec())?.incrementalRemove();
    await settled(a);
    await edit(b, 'breathing', { description: 'Edited on the train' }, Date.now());
    b.setNetwork(true);
    await settled(b);
    await expect.poll(() => groupOn(b, 'breathing'), { timeout: 10_000 }).toBeUndefined();
    const entry = b.log.entries.find((e) => e.docId === 'breathing');
    expect(entry).toMatchObject({ kind: 'deleted', side: 'local' });
    expect((entry?.lost as SyncDocument).description).toBe('Edited on the train');

    if (!entry) throw new Error('no log entry');
    await restoreEntry(b.db, b.log, entry);
    await expect
      .poll(() => groupOn(a, 'breathing'), { timeout: 10_000 })
      .toMatchObject({ description: 'Edited on the train' });
  });

  it('two devices adding the same client to the same group offline make one membership', async () => {
    const a = await device('member-a');
    const b = await device('member-b');
    const now = Date.now();
    await a.db.groups.insert(
      createGroup(checkGroupInput({ name: 'Yoga', description: '', metadata: {} }), 'yoga', now),
    );
    await a.db.clients.insert(createClient({ name: 'Ana Pop' }, 'ana', now));
    await expect
      .poll(async () => (await b.db.clients.findOne('ana').exec()) !== null, { timeout: 10_000 })
      .toBe(true);
    a.setNetwork(false);
    b.setNetwork(false);
    await a.db.memberships.insert(createMembership('yoga', 'ana', { startDate: '2026-03-01' }, now + 1));
    await b.db.memberships.insert(
      createMembership('yoga', 'ana', { startDate: '2026-03-02', endDate: '2026-06-30' }, now + 2),
    );
    a.setNetwork(true);
    b.setNetwork(true);
    await settled(a, b);
    for (const d of [a, b]) {
      const all = await d.db.memberships.find({ selector: { groupId: 'yoga' } }).exec();
      expect(all.map((m) => m.toJSON())).toEqual([
        expect.objectContaining({ id: 'yoga:ana', startDate: '2026-03-02', endDate: '2026-06-30' }),
      ]);
    }
  });

  it('a change the server refuses is reverted and logged with the server’s reason', async () => {
    const admin = await device('refuse-admin');
    const viewer = await device('refuse-viewer', 'viewer@demo.test');
    await admin.db.groups.insert(
      createGroup(checkGroupInput({ name: 'Art', description: '', metadata: {} }), 'art', Date.now()),
    );
    await expect.poll(() => groupOn(viewer, 'art'), { timeout: 10_000 }).toBeDefined();
    await edit(viewer, 'art', { name: 'Art therapy' }, Date.now());
    await expect.poll(() => groupOn(viewer, 'art'), { timeout: 10_000 }).toMatchObject({ name: 'Art' });
    expect(viewer.log.entries[0]).toMatchObject({
      kind: 'rejected',
      docId: 'art',
      reason: { code: 'forbidden', message: 'This change needs the permission client_groups.update.' },
    });

    // A membership of a group deleted elsewhere: refused, and gone from the device.
    admin.setNetwork(false);
    const client = createClient({ name: 'Ion' }, 'ion', Date.now());
    await admin.db.clients.insert(client);
    await admin.db.memberships.insert(
      createMembership('gone', 'ion', { startDate: '2026-01-01' }, Date.now()),
    );
    admin.setNetwork(true);
    await settled(admin);
    expect(await admin.db.memberships.findOne('gone:ion').exec()).toBeNull();
    expect(admin.log.entries.find((e) => e.docId === 'gone:ion')).toMatchObject({
      kind: 'rejected',
      reason: { code: 'not_found' },
    });
  });
});
