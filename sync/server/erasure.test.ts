/**
 * A deletion erases (issue 17): a deleted client, group or membership is a tombstone — its
 * id, times and deletion flag — in every answer and in the server's own tables, however it
 * was deleted (REST, a push, a cascade, a push from a device that still sent the content),
 * and the tombstones of earlier versions are erased by a migration that makes every
 * device pull them again. Both storages, over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEmbedded } from './storage/embedded';
import { migrate } from './storage/migrations';
import {
  apiAt,
  clientDoc,
  distinctClientFields,
  freshId,
  groupDoc,
  membershipDoc,
  pullAll,
  push,
  type Api,
} from './matrix/support';
import { startTestServer, testStorages, type TestServer } from './testing';
import type { WireDocument } from './collections';

const isTombstone = (doc: WireDocument | undefined) =>
  doc !== undefined &&
  Object.keys(doc).sort().join(',') === '_deleted,createdAt,id,updatedAt' &&
  doc._deleted;

describe.each(testStorages())('erasure (%s storage)', (kind) => {
  let server: TestServer;
  let api: Api;
  let admin: string;
  let viewer: string;

  beforeAll(async () => {
    server = await startTestServer(kind);
    api = apiAt(server.url);
    admin = (await server.login('admin@demo.test')).token;
    viewer = (await server.login('viewer@demo.test')).token;
  });
  afterAll(() => server.close());

  /** What the tables hold of a document, content columns and all. */
  async function stored(table: string, id: string): Promise<Record<string, unknown> | undefined> {
    return (await server.db.query(`SELECT * FROM ${table} WHERE id = $1`, [id]))[0];
  }

  it('a client deleted through the API: a tombstone in every pull and in the table, memberships too', async () => {
    const group = groupDoc(freshId('g'));
    const client = clientDoc(freshId('c'), distinctClientFields());
    const membership = membershipDoc(group.id, client.id);
    for (const [collection, doc] of [
      ['groups', group],
      ['clients', client],
      ['memberships', membership],
    ] as const) {
      expect(
        (await push(api, admin, collection, [{ assumedMasterState: null, newDocumentState: doc }])).body,
      ).toEqual({
        conflicts: [],
        rejections: [],
      });
    }
    expect((await api.call(admin, 'DELETE', `/clients/${client.id}`)).status).toBe(200);

    const clients = await pullAll(api, viewer, 'clients');
    const tombstone = clients.documents.find((d) => d.id === client.id);
    expect(isTombstone(tombstone), JSON.stringify(tombstone)).toBe(true);
    expect(JSON.stringify(clients.documents)).not.toContain(String(client.name));
    const memberships = await pullAll(api, viewer, 'memberships');
    expect(isTombstone(memberships.documents.find((d) => d.id === membership.id))).toBe(true);

    expect(await stored('clients', client.id)).toMatchObject({
      deleted: true,
      name: null,
      email: null,
      phone: null,
      birth_date: null,
    });
    expect(await stored('memberships', membership.id)).toMatchObject({
      deleted: true,
      group_id: null,
      client_id: null,
      start_date: null,
      end_date: null,
    });
  });

  it('a push that deletes with the content still attached stores a tombstone, and so does the group’s cascade', async () => {
    const group = groupDoc(freshId('g'), { description: 'Erase me', metadata: { room: 'Blue' } });
    const client = clientDoc(freshId('c'));
    const membership = membershipDoc(group.id, client.id, { endDate: '2026-12-31' });
    await push(api, admin, 'groups', [{ assumedMasterState: null, newDocumentState: group }]);
    await push(api, admin, 'clients', [{ assumedMasterState: null, newDocumentState: client }]);
    await push(api, admin, 'memberships', [{ assumedMasterState: null, newDocumentState: membership }]);
    // A device of an earlier version sends the whole document, deleted.
    const answer = await push(api, admin, 'groups', [
      {
        assumedMasterState: group,
        newDocumentState: { ...group, _deleted: true, updatedAt: Number(group.updatedAt) + 1 },
      },
    ]);
    expect(answer.body).toEqual({ conflicts: [], rejections: [] });
    expect(await stored('groups', group.id)).toMatchObject({
      deleted: true,
      name: null,
      description: null,
      metadata: null,
    });
    expect(await stored('memberships', membership.id)).toMatchObject({
      deleted: true,
      start_date: null,
      end_date: null,
    });
    const groups = await pullAll(api, viewer, 'groups');
    expect(groups.documents.find((d) => d.id === group.id)).toEqual({
      id: group.id,
      createdAt: group.createdAt,
      updatedAt: Number(group.updatedAt) + 1,
      _deleted: true,
    });
    // Its tombstone is the state a later push assumes.
    const again = await push(api, admin, 'groups', [
      {
        assumedMasterState: groups.documents.find((d) => d.id === group.id) ?? null,
        newDocumentState: { ...group, name: 'Back again', updatedAt: Number(group.updatedAt) + 2 },
      },
    ]);
    expect(again.body).toEqual({ conflicts: [], rejections: [] });
  });

  it('a deletion is checked as a tombstone: a bad id or time is refused, the content is never read', async () => {
    const answer = await push(api, admin, 'clients', [
      {
        assumedMasterState: null,
        newDocumentState: { id: freshId('c'), createdAt: -1, updatedAt: 1, _deleted: true, name: 42 },
      },
    ]);
    expect((answer.body as { rejections: { code: string }[] }).rejections).toEqual([
      expect.objectContaining({ code: 'invalid' }),
    ]);
    const ok = await push(api, admin, 'clients', [
      {
        assumedMasterState: null,
        newDocumentState: { id: freshId('c'), createdAt: 1, updatedAt: 2, _deleted: true, name: 42 },
      },
    ]);
    expect(ok.body).toEqual({ conflicts: [], rejections: [] });
  });
});

describe('the migration that erases earlier tombstones', () => {
  it('erases every deleted row’s content and gives it a new sequence number, so devices pull it again', async () => {
    const db = await openEmbedded('memory://');
    try {
      await migrate(db, { upTo: 3 });
      await db.query(`INSERT INTO organizations (id, name, created_at) VALUES ('o', 'O', 0)`);
      await db.query(
        `INSERT INTO clients (organization_id, id, name, email, phone, birth_date, created_at, updated_at, deleted, seq)
         VALUES ('o', 'gone', 'Anna de Vries', 'anna@example.nl', '+31 6 1234 5678', '1986-04-12', 1, 2, true, nextval('change_seq')),
                ('o', 'kept', 'Bram Jansen', NULL, NULL, NULL, 1, 2, false, nextval('change_seq'))`,
      );
      await db.query(
        `INSERT INTO memberships (organization_id, id, group_id, client_id, start_date, end_date, created_at, updated_at, deleted, seq)
         VALUES ('o', 'g:gone', 'g', 'gone', '2026-01-01', '2026-02-01', 1, 2, true, nextval('change_seq'))`,
      );
      const before = await db.query<{ id: string; seq: unknown }>('SELECT id, seq FROM clients ORDER BY id');
      expect(await migrate(db, { upTo: 4 })).toEqual([4]);
      const rows = await db.query<Record<string, unknown>>('SELECT * FROM clients ORDER BY id');
      expect(rows[0]).toMatchObject({ id: 'gone', name: null, email: null, phone: null, birth_date: null });
      expect(Number(rows[0]?.seq)).toBeGreaterThan(Math.max(...before.map((r) => Number(r.seq))));
      expect(rows[1]).toMatchObject({ id: 'kept', name: 'Bram Jansen', seq: before[1]?.seq });
      expect((await db.query('SELECT * FROM memberships'))[0]).toMatchObject({
        group_id: null,
        client_id: null,
        start_date: null,
        end_date: null,
      });
      // A live row still needs its content.
      await expect(db.query(`UPDATE clients SET name = NULL WHERE id = 'kept'`)).rejects.toThrow(
        /clients_content/,
      );
    } finally {
      await db.close();
    }
  });
});
