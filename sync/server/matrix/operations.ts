/**
 * How the permission matrix runs each operation of its table: the request a caller
 * makes on a fixture, and what an allowed run must answer and write.
 */
import { expect } from 'vitest';
import type { Permission, Role } from '../../../domain/permissions';
import type { SyncCollection } from '../../protocol';
import { tombstoneOf } from '../../../domain/tombstone';
import type { WireDocument } from '../collections';
import {
  clientDoc,
  deletedDoc,
  editedDoc,
  expectError,
  groupDoc,
  idsOf,
  makeApiToken,
  membershipDoc,
  pull,
  push,
  type Answer,
  type Api,
  type Changes,
  type PushRow,
} from './support';

export type Caller = {
  name: string;
  kind: 'session' | 'token' | 'nobody';
  role?: Role;
  token: string | null;
  permissions: Permission[];
  /** A new credential like this caller's, for an operation that uses one up. */
  fresh(): Promise<string | null>;
};

/** What each cell works on, made by the administrator before it runs. */
export type Fixture = {
  group: WireDocument;
  /** A member of `group`, through `membership`. */
  client: WireDocument;
  membership: WireDocument;
  /** A client in no group. */
  outsider: WireDocument;
  /** Checkpoints from before the fixture was written. */
  from: Record<SyncCollection, { seq: number } | null>;
  /** An API token to revoke, or a credential to sign out with. */
  victim?: { token: string | null; id?: string };
};

/** How to run one operation, and what an allowed run must answer and write. */
export type Runner = {
  prepare?(caller: Caller): Promise<Fixture['victim']>;
  act(caller: Caller, f: Fixture): Promise<Answer>;
  /** The status of an allowed answer; `check` decides alone when absent. */
  status?: number;
  /** What an allowed run writes (nothing when absent). */
  writes?(f: Fixture): Partial<Changes>;
  check?(answer: Answer, f: Fixture, caller: Caller): void | Promise<void>;
  /** A refused run: what must still hold besides "nothing written". */
  stillHolds?(f: Fixture): Promise<void>;
};

/** The runners by operation name, as the table spells them; `admin` makes what they need. */
export function operationRunners(api: Api, admin: string): Record<string, Runner> {
  const call = (caller: Caller, method: string, path: string, body?: unknown) =>
    api.call(caller.token, method, path, body);
  const tokenNames = async () => {
    const answer = await api.call(admin, 'GET', '/tokens');
    return (answer.body as { tokens: { name: string }[] }).tokens.map((t) => t.name);
  };
  const pulls = Object.fromEntries(
    (['groups', 'memberships', 'clients'] as const).map((collection): [string, Runner] => [
      `pull ${collection}`,
      {
        act: (caller, f) => pull(api, caller.token, collection, f.from[collection]),
        status: 200,
        check: (answer, f) => {
          const made = { groups: f.group, clients: f.client, memberships: f.membership }[collection];
          expect(idsOf((answer.body as { documents: WireDocument[] }).documents)).toContain(made.id);
        },
      },
    ]),
  );
  const pushes = Object.fromEntries(
    (['groups', 'memberships', 'clients'] as const).flatMap((collection) =>
      (['create', 'update', 'delete'] as const).map((kind): [string, Runner] => {
        const operation = `push ${collection}: ${kind}`;
        return [
          operation,
          {
            act: (caller, f) => push(api, caller.token, collection, [pushRow(operation, f)]),
            status: 200,
            check: (answer) => expect(answer.body).toEqual({ conflicts: [], rejections: [] }),
            writes: (f) => {
              const pushed = pushRow(operation, f).newDocumentState;
              // A deletion erases the content: the server keeps a tombstone.
              const written = kind === 'delete' ? tombstoneOf(pushed) : pushed;
              // Deleting a group or a client deletes its memberships (DESIGN.md, Data), never the clients.
              const cascade = kind === 'delete' && collection !== 'memberships';
              return {
                [collection]: [written],
                ...(cascade ? { memberships: [deletedMembership(f)] } : {}),
              };
            },
          },
        ];
      }),
    ),
  );
  return {
    ...pulls,
    ...pushes,
    stream: {
      async act(caller) {
        const stream = await api.stream(caller.token);
        await stream.ready;
        await stream.close();
        return stream.refusal ?? { status: stream.status, body: null, text: '' };
      },
      status: 200,
    },
    'GET /groups': {
      act: (c, f) => call(c, 'GET', `/groups?q=${encodeURIComponent(String(f.group.name))}`),
      status: 200,
      check: (a, f) => expect(idsOf((a.body as { groups: WireDocument[] }).groups)).toEqual([f.group.id]),
    },
    'GET /groups/{id}': {
      act: (c, f) => call(c, 'GET', `/groups/${f.group.id}`),
      status: 200,
      check: (a, f) => expect(a.body).toMatchObject({ group: { id: f.group.id, memberCount: 1 } }),
    },
    'GET /groups/{id}/members': {
      act: (c, f) => call(c, 'GET', `/groups/${f.group.id}/members`),
      status: 200,
      check: (a, f, caller) => {
        expect(a.body).toMatchObject({ count: 1 });
        if (caller.permissions.includes('clients.read')) expect(a.text).toContain(String(f.client.name));
      },
    },
    'POST /groups': {
      act: (c, f) => call(c, 'POST', '/groups', { name: `New ${f.group.id}` }),
      status: 201,
      writes: (f) => ({
        groups: [expect.objectContaining({ name: `New ${f.group.id}`, _deleted: false })],
      }),
    },
    'PATCH /groups/{id}': {
      act: (c, f) => call(c, 'PATCH', `/groups/${f.group.id}`, { description: 'Changed' }),
      status: 200,
      writes: (f) => ({ groups: [{ ...f.group, description: 'Changed', updatedAt: expect.any(Number) }] }),
    },
    'DELETE /groups/{id}': {
      act: (c, f) => call(c, 'DELETE', `/groups/${f.group.id}`),
      status: 200,
      writes: (f) => ({
        groups: [{ ...tombstoneOf(f.group), updatedAt: expect.any(Number) }],
        memberships: [deletedMembership(f)],
      }),
    },
    'POST /groups/{id}/members/batch': {
      act: (c, f) =>
        call(c, 'POST', `/groups/${f.group.id}/members/batch`, {
          members: [{ clientId: f.outsider.id, startDate: '2026-02-02' }],
        }),
      status: 200,
      writes: (f) => ({
        memberships: [
          {
            ...membershipDoc(f.group.id, f.outsider.id, { startDate: '2026-02-02' }),
            createdAt: expect.any(Number),
            updatedAt: expect.any(Number),
          },
        ],
      }),
    },
    'DELETE /groups/{id}/members/batch': {
      act: (c, f) => call(c, 'DELETE', `/groups/${f.group.id}/members/batch`, { clientIds: [f.client.id] }),
      status: 200,
      writes: (f) => ({
        memberships: [{ ...tombstoneOf(f.membership), updatedAt: expect.any(Number) }],
      }),
    },
    'PATCH /groups/{id}/members/{clientId}': {
      act: (c, f) =>
        call(c, 'PATCH', `/groups/${f.group.id}/members/${f.client.id}`, { endDate: '2026-12-31' }),
      status: 200,
      writes: (f) => ({
        memberships: [{ ...f.membership, endDate: '2026-12-31', updatedAt: expect.any(Number) }],
      }),
    },
    'GET /clients': {
      act: (c, f) => call(c, 'GET', `/clients?q=${encodeURIComponent(String(f.client.email))}`),
      status: 200,
      check: (a, f) => expect(idsOf((a.body as { clients: WireDocument[] }).clients)).toEqual([f.client.id]),
    },
    'GET /clients/{id}': {
      act: (c, f) => call(c, 'GET', `/clients/${f.client.id}`),
      status: 200,
      check: (a, f, caller) => {
        expect(a.body).toMatchObject({ client: { id: f.client.id, email: f.client.email } });
        if (caller.permissions.includes('client_groups.read')) expect(a.text).toContain(String(f.group.name));
      },
    },
    'POST /clients': {
      act: (c, f) => call(c, 'POST', '/clients', { name: `New ${f.client.id}` }),
      status: 201,
      writes: (f) => ({
        clients: [expect.objectContaining({ name: `New ${f.client.id}`, _deleted: false })],
      }),
    },
    'PATCH /clients/{id}': {
      act: (c, f) => call(c, 'PATCH', `/clients/${f.client.id}`, { phone: '+31 6 0000 0000' }),
      status: 200,
      writes: (f) => ({
        clients: [{ ...f.client, phone: '+31 6 0000 0000', updatedAt: expect.any(Number) }],
      }),
    },
    'DELETE /clients/{id}': {
      act: (c, f) => call(c, 'DELETE', `/clients/${f.client.id}`),
      status: 200,
      writes: (f) => ({
        clients: [{ ...tombstoneOf(f.client), updatedAt: expect.any(Number) }],
        memberships: [deletedMembership(f)],
      }),
    },
    'POST /tokens': {
      act: (c, f) =>
        call(c, 'POST', '/tokens', { name: `Made for ${f.group.id}`, permissions: ['clients.read'] }),
      status: 201,
      check: async (_a, f) => expect(await tokenNames()).toContain(`Made for ${f.group.id}`),
      stillHolds: async (f) => expect(await tokenNames()).not.toContain(`Made for ${f.group.id}`),
    },
    'GET /tokens': {
      act: (c) => call(c, 'GET', '/tokens'),
      status: 200,
      check: (a) => expect((a.body as { tokens: unknown[] }).tokens.length).toBeGreaterThan(0),
    },
    'DELETE /tokens/{id}': {
      prepare: async () => makeApiToken(api, admin, 'To revoke', ['clients.read']),
      act: (c, f) => call(c, 'DELETE', `/tokens/${f.victim?.id ?? ''}`),
      status: 200,
      check: async (_a, f) => {
        expectError(await api.call(f.victim?.token ?? null, 'GET', '/me'), 401);
      },
      stillHolds: async (f) =>
        expect((await api.call(f.victim?.token ?? null, 'GET', '/me')).status).toBe(200),
    },
    'GET /me': {
      act: (c) => call(c, 'GET', '/me'),
      status: 200,
      check: (a, _f, caller) => {
        expect(a.body).toMatchObject({ organization: { id: 'org-demo' } });
        expect((a.body as { permissions: string[] }).permissions.sort()).toEqual(
          [...caller.permissions].sort(),
        );
      },
    },
    'POST /auth/logout': {
      prepare: async (caller) => ({ token: await caller.fresh() }),
      act: (_c, f) => api.call(f.victim?.token ?? null, 'POST', '/auth/logout'),
      // DESIGN.md is silent on signing out an API token: a refusal is safe, and so is a
      // 204 that ends it; a 204 that leaves the token working misleads the integration.
      check: async (a, f, caller) => {
        if (caller.kind === 'token' && a.status !== 204) {
          expectError(a, a.status);
          return;
        }
        expect(a.status, a.text).toBe(204);
        const after = await api.call(f.victim?.token ?? null, 'GET', '/me');
        expect(after.status, `the credential still works after signing out: ${after.text}`).toBe(401);
      },
    },
    'GET /health': { act: (c) => call(c, 'GET', '/health'), status: 200 },
    'GET /openapi.json': { act: (c) => call(c, 'GET', '/openapi.json'), status: 200 },
  };
}

type Kind = 'create' | 'update' | 'delete';

/** The push row of `push <collection>: <kind>` on a fixture. */
export function pushRow(operation: string, f: Fixture): PushRow {
  const [, collection, kind] = /^push (\w+): (\w+)$/.exec(operation) ?? [];
  const existing = { groups: f.group, clients: f.client, memberships: f.membership }[
    collection as SyncCollection
  ];
  switch (kind as Kind) {
    case 'create': {
      const made =
        collection === 'groups'
          ? groupDoc(`${f.group.id}-new`)
          : collection === 'clients'
            ? clientDoc(`${f.client.id}-new`)
            : membershipDoc(f.group.id, f.outsider.id);
      return { assumedMasterState: null, newDocumentState: made };
    }
    case 'update':
      return { assumedMasterState: existing, newDocumentState: editedDoc(existing) };
    case 'delete':
      return { assumedMasterState: existing, newDocumentState: deletedDoc(existing) };
  }
}

/** A membership deleted with its group or client: erased, its times as they were. */
export const deletedMembership = (f: Fixture): WireDocument => tombstoneOf(f.membership);
