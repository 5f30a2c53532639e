/**
 * The REST API for integrations (`/api/v1`): groups with search, sort and paging,
 * members in batches, clients, and API tokens. Every write goes through
 * `writeAsServer`, with the rules of a device's push, and announces itself on the
 * change bus, so the desktops receive it by sync.
 */
import { clientInputSchema, createClient } from '../../../domain/client';
import { createGroup, groupInputSchema } from '../../../domain/group';
import { newId } from '../../../domain/ids';
import { membershipId, membershipPeriodSchema } from '../../../domain/membership';
import type { Checkpoint, SyncCollection } from '../../protocol';
import type { AppContext } from '../app';
import type { AuthContext } from '../auth/accounts';
import { createApiToken, listApiTokens, revokeApiToken } from '../auth/apiTokens';
import type { WireDocument } from '../collections';
import { ApiError } from '../errors';
import { closeStreamsOf } from '../streams';
import { WriteRefused, writeAsServer, type ServerWrite } from '../syncStore';
import type { Sql } from '../storage/database';
import { notFound, operation, ruleBroken, type Operation } from './operation';
import * as s from './schemas';
import {
  clientGroups,
  groupWithCounts,
  listClients,
  listGroups,
  listMembers,
  liveDocument,
  liveDocuments,
  toApiClient,
  toApiMember,
} from './store';

type Actor = { organizationId: string; permissions: readonly string[] };
const actorOf = (auth: AuthContext): Actor => ({
  organizationId: auth.organization.id,
  permissions: auth.permissions,
});

/** A write of the server's own: updatedAt from the server's clock, never behind the stored one. */
const stamp = (current: WireDocument | null) => Math.max(Date.now(), Number(current?.updatedAt ?? 0) + 1);
const wire = (doc: object, deleted = false): WireDocument => ({
  ...(doc as WireDocument),
  _deleted: deleted,
});

export function restOperations(ctx: AppContext): Operation[] {
  /** Runs a write and announces it; a refusal becomes 403 (permission) or 422 (rules, references). */
  async function write<T>(
    auth: AuthContext,
    plan: (tx: Sql) => Promise<{ writes: ServerWrite[]; result: T }>,
  ) {
    try {
      const { result, changed } = await writeAsServer(ctx.db, actorOf(auth), plan);
      announce(auth.organization.id, changed);
      return result;
    } catch (error) {
      if (error instanceof WriteRefused) {
        if (error.refusal.code === 'forbidden') throw new ApiError(403, 'forbidden', error.refusal.message);
        throw ruleBroken(error.refusal.message);
      }
      throw error;
    }
  }
  function announce(organizationId: string, changed: Map<SyncCollection, Checkpoint>) {
    for (const [collection, checkpoint] of changed)
      ctx.bus.publish(organizationId, { collection, checkpoint });
  }
  async function groupOr404(tx: Sql, auth: AuthContext, id: string): Promise<WireDocument> {
    const group = await liveDocument(tx, 'groups', auth.organization.id, id);
    if (!group) throw notFound('group', id);
    return group;
  }
  async function clientOr404(tx: Sql, auth: AuthContext, id: string): Promise<WireDocument> {
    const client = await liveDocument(tx, 'clients', auth.organization.id, id);
    if (!client) throw notFound('client', id);
    return client;
  }
  const groupAnswer = async (auth: AuthContext, id: string) => ({
    group: await groupWithCounts(ctx.db, auth.organization.id, await groupOr404(ctx.db, auth, id)),
  });

  return [
    // Groups.
    operation({
      method: 'GET',
      path: '/groups',
      operationId: 'listGroups',
      summary: 'List groups',
      description: 'Search, sort and page through the organisation’s groups, with their member counts.',
      tag: 'Groups',
      permission: 'client_groups.read',
      query: s.groupListQuery,
      success: { status: 200, schema: s.groupList, description: 'A page of groups and the total count.' },
      errors: [400, 403],
      handler: async ({ auth, query }) => ({
        ...(await listGroups(ctx.db, auth.organization.id, query)),
        limit: query.limit,
        offset: query.offset,
      }),
    }),
    operation({
      method: 'POST',
      path: '/groups',
      operationId: 'createGroup',
      summary: 'Create a group',
      tag: 'Groups',
      permission: 'client_groups.create',
      body: s.groupCreateBody,
      success: { status: 201, schema: s.groupEnvelope, description: 'The new group.' },
      errors: [400, 403, 413, 422],
      handler: async ({ auth, body }) => {
        const group = createGroup(body, newId(), Date.now());
        await write(auth, async () => ({
          writes: [{ collection: 'groups', doc: wire(group) }],
          result: null,
        }));
        return groupAnswer(auth, group.id);
      },
    }),
    operation({
      method: 'GET',
      path: '/groups/{id}',
      operationId: 'getGroup',
      summary: 'Get a group',
      tag: 'Groups',
      permission: 'client_groups.read',
      params: s.idParams,
      success: { status: 200, schema: s.groupEnvelope, description: 'The group.' },
      errors: [400, 403, 404],
      handler: ({ auth, params }) => groupAnswer(auth, params.id),
    }),
    operation({
      method: 'PATCH',
      path: '/groups/{id}',
      operationId: 'updateGroup',
      summary: 'Update a group',
      description: 'Changes the fields sent; `metadata` replaces the whole map.',
      tag: 'Groups',
      permission: 'client_groups.update',
      params: s.idParams,
      body: s.groupPatchBody,
      success: { status: 200, schema: s.groupEnvelope, description: 'The updated group.' },
      errors: [400, 403, 404, 413, 422],
      handler: async ({ auth, params, body }) => {
        await write(auth, async (tx) => {
          const current = await groupOr404(tx, auth, params.id);
          const next = groupInputSchema.safeParse({
            name: body.name ?? current.name,
            description: body.description ?? current.description,
            metadata: body.metadata ?? current.metadata,
          });
          if (!next.success)
            throw ruleBroken(
              next.error.issues[0]?.message ?? 'invalid',
              next.error.issues[0]?.path.join('.'),
            );
          const doc = { ...current, ...next.data, updatedAt: stamp(current) };
          return { writes: [{ collection: 'groups', doc: wire(doc) }], result: null };
        });
        return groupAnswer(auth, params.id);
      },
    }),
    operation({
      method: 'DELETE',
      path: '/groups/{id}',
      operationId: 'deleteGroup',
      summary: 'Delete a group',
      description: 'Deletes the group and its memberships; the clients stay.',
      tag: 'Groups',
      permission: 'client_groups.delete',
      params: s.idParams,
      success: { status: 200, schema: s.deleted('group'), description: 'The group is deleted.' },
      errors: [400, 403, 404],
      handler: async ({ auth, params }) => {
        await write(auth, async (tx) => {
          const current = await groupOr404(tx, auth, params.id);
          return {
            writes: [{ collection: 'groups', doc: wire({ ...current, updatedAt: stamp(current) }, true) }],
            result: null,
          };
        });
        return { id: params.id, object: 'group', deleted: true };
      },
    }),

    // Members.
    operation({
      method: 'GET',
      path: '/groups/{id}/members',
      operationId: 'listMembers',
      summary: 'List a group’s members',
      description: 'By client name; `activeOn` keeps those in the group on that day.',
      tag: 'Members',
      permission: 'client_groups.read',
      params: s.idParams,
      query: s.membersQuery,
      success: { status: 200, schema: s.memberList, description: 'A page of members and the total count.' },
      errors: [400, 403, 404],
      handler: async ({ auth, params, query }) => {
        await groupOr404(ctx.db, auth, params.id);
        const { members, count } = await listMembers(ctx.db, auth.organization.id, params.id, query);
        return {
          members,
          count,
          limit: query.limit,
          offset: query.offset,
        };
      },
    }),
    operation({
      method: 'POST',
      path: '/groups/{id}/members/batch',
      operationId: 'addMembers',
      summary: 'Add members',
      description:
        'All or nothing. A client who is already a member makes the whole request fail with 409, naming the clients; an unknown client, with 422.',
      tag: 'Members',
      permission: 'client_groups.manage_members',
      params: s.idParams,
      body: s.memberBatchAddBody,
      success: {
        status: 200,
        schema: s.groupEnvelope,
        description: 'The group, with its new member counts.',
      },
      errors: [400, 403, 404, 409, 413, 422],
      handler: async ({ auth, params, body }) => {
        const ids = body.members.map((m) => m.clientId);
        const twice = ids.filter((id, i) => ids.indexOf(id) !== i);
        if (twice.length > 0) {
          throw new ApiError(
            400,
            'invalid_request',
            `Each client at most once: ${[...new Set(twice)].join(', ')}.`,
            {
              clientIds: [...new Set(twice)],
            },
          );
        }
        await write(auth, async (tx) => {
          await groupOr404(tx, auth, params.id);
          const org = auth.organization.id;
          const clients = new Set(
            (await liveDocuments(tx, 'clients', org, 'AND id = ANY($2::text[])', [ids])).map((c) => c.id),
          );
          const unknown = ids.filter((id) => !clients.has(id));
          if (unknown.length > 0) {
            throw new ApiError(
              422,
              'unknown_clients',
              `No such clients in this organisation: ${unknown.join(', ')}.`,
              {
                clientIds: unknown,
              },
            );
          }
          const current = await liveDocuments(
            tx,
            'memberships',
            org,
            'AND group_id = $2 AND client_id = ANY($3::text[])',
            [params.id, ids],
          );
          if (current.length > 0) {
            const already = current.map((m) => String(m.clientId)).sort();
            throw new ApiError(
              409,
              'already_member',
              `Already members of this group: ${already.join(', ')}.`,
              {
                clientIds: already,
              },
            );
          }
          const now = Date.now();
          const writes: ServerWrite[] = body.members.map((m) => {
            const period = membershipPeriodSchema.safeParse({
              startDate: m.startDate,
              ...(m.endDate ? { endDate: m.endDate } : {}),
            });
            if (!period.success)
              throw ruleBroken(period.error.issues[0]?.message ?? 'invalid', `members.${m.clientId}`);
            const doc = {
              id: membershipId(params.id, m.clientId),
              groupId: params.id,
              clientId: m.clientId,
              ...period.data,
              createdAt: now,
              updatedAt: now,
            };
            return { collection: 'memberships', doc: wire(doc) };
          });
          return { writes, result: null };
        });
        return groupAnswer(auth, params.id);
      },
    }),
    operation({
      method: 'DELETE',
      path: '/groups/{id}/members/batch',
      operationId: 'removeMembers',
      summary: 'Remove members',
      description: 'Removes the memberships (never the clients). Clients who are not members are skipped.',
      tag: 'Members',
      permission: 'client_groups.manage_members',
      params: s.idParams,
      body: s.memberBatchRemoveBody,
      success: {
        status: 200,
        schema: s.groupEnvelope,
        description: 'The group, with its new member counts.',
      },
      errors: [400, 403, 404, 413, 422],
      handler: async ({ auth, params, body }) => {
        await write(auth, async (tx) => {
          await groupOr404(tx, auth, params.id);
          const current = await liveDocuments(
            tx,
            'memberships',
            auth.organization.id,
            'AND group_id = $2 AND client_id = ANY($3::text[])',
            [params.id, body.clientIds],
          );
          return {
            writes: current.map((m) => ({
              collection: 'memberships',
              doc: wire({ ...m, updatedAt: stamp(m) }, true),
            })),
            result: null,
          };
        });
        return groupAnswer(auth, params.id);
      },
    }),
    operation({
      method: 'PATCH',
      path: '/groups/{id}/members/{clientId}',
      operationId: 'updateMember',
      summary: 'Change a membership’s period',
      description: '`endDate: null` makes the membership open-ended.',
      tag: 'Members',
      permission: 'client_groups.manage_members',
      params: s.memberParams,
      body: s.memberPatchBody,
      success: { status: 200, schema: s.memberEnvelope, description: 'The membership.' },
      errors: [400, 403, 404, 413, 422],
      handler: async ({ auth, params, body }) => {
        return write(auth, async (tx) => {
          await groupOr404(tx, auth, params.id);
          const client = await clientOr404(tx, auth, params.clientId);
          const current = await liveDocument(
            tx,
            'memberships',
            auth.organization.id,
            membershipId(params.id, params.clientId),
          );
          if (!current)
            throw new ApiError(
              404,
              'not_found',
              `Client ${params.clientId} is not a member of group ${params.id}.`,
            );
          const endDate =
            body.endDate === undefined
              ? (current.endDate as string | undefined)
              : (body.endDate ?? undefined);
          const period = membershipPeriodSchema.safeParse({
            startDate: body.startDate ?? current.startDate,
            ...(endDate ? { endDate } : {}),
          });
          if (!period.success) throw ruleBroken(period.error.issues[0]?.message ?? 'invalid', 'endDate');
          const { endDate: _old, ...rest } = current;
          void _old;
          const doc = wire({ ...rest, ...period.data, updatedAt: stamp(current) });
          return {
            writes: [{ collection: 'memberships', doc }],
            result: { member: toApiMember(doc, client) },
          };
        });
      },
    }),

    // Clients.
    operation({
      method: 'GET',
      path: '/clients',
      operationId: 'listClients',
      summary: 'List clients',
      tag: 'Clients',
      permission: 'clients.read',
      query: s.clientListQuery,
      success: {
        status: 200,
        schema: s.clientList,
        description: 'A page of clients by name, and the total count.',
      },
      errors: [400, 403],
      handler: async ({ auth, query }) => ({
        ...(await listClients(ctx.db, auth.organization.id, query)),
        limit: query.limit,
        offset: query.offset,
      }),
    }),
    operation({
      method: 'POST',
      path: '/clients',
      operationId: 'createClient',
      summary: 'Create a client',
      tag: 'Clients',
      permission: 'clients.write',
      body: s.clientCreateBody,
      success: { status: 201, schema: s.clientEnvelope, description: 'The new client.' },
      errors: [400, 403, 413, 422],
      handler: async ({ auth, body }) => {
        const client = createClient(body, newId(), Date.now());
        await write(auth, async () => ({
          writes: [{ collection: 'clients', doc: wire(client) }],
          result: null,
        }));
        return { client: toApiClient(wire(client)) };
      },
    }),
    operation({
      method: 'GET',
      path: '/clients/{id}',
      operationId: 'getClient',
      summary: 'Get a client, with every group they are or were in',
      tag: 'Clients',
      permission: 'clients.read',
      params: s.idParams,
      success: { status: 200, schema: s.clientDetailEnvelope, description: 'The client and their groups.' },
      errors: [400, 403, 404],
      handler: async ({ auth, params }) => {
        const client = await clientOr404(ctx.db, auth, params.id);
        return {
          client: {
            ...toApiClient(client),
            // Shown only to callers who may read groups (visibility.ts): not read for the others.
            ...(auth.permissions.includes('client_groups.read')
              ? { groups: await clientGroups(ctx.db, auth.organization.id, params.id) }
              : {}),
          },
        };
      },
    }),
    operation({
      method: 'PATCH',
      path: '/clients/{id}',
      operationId: 'updateClient',
      summary: 'Update a client',
      description: '`null` clears email, phone or birth date.',
      tag: 'Clients',
      permission: 'clients.write',
      params: s.idParams,
      body: s.clientPatchBody,
      success: { status: 200, schema: s.clientEnvelope, description: 'The updated client.' },
      errors: [400, 403, 404, 413, 422],
      handler: async ({ auth, params, body }) => {
        return write(auth, async (tx) => {
          const current = await clientOr404(tx, auth, params.id);
          const pick = (field: 'email' | 'phone' | 'birthDate') =>
            body[field] === undefined ? (current[field] as string | undefined) : (body[field] ?? undefined);
          const input = Object.fromEntries(
            Object.entries({
              name: body.name ?? current.name,
              email: pick('email'),
              phone: pick('phone'),
              birthDate: pick('birthDate'),
            }).filter(([, v]) => v !== undefined && v !== ''),
          );
          const next = clientInputSchema.safeParse(input);
          if (!next.success)
            throw ruleBroken(
              next.error.issues[0]?.message ?? 'invalid',
              next.error.issues[0]?.path.join('.'),
            );
          const doc = wire({
            id: current.id,
            ...next.data,
            createdAt: current.createdAt,
            updatedAt: stamp(current),
          });
          return { writes: [{ collection: 'clients', doc }], result: { client: toApiClient(doc) } };
        });
      },
    }),
    operation({
      method: 'DELETE',
      path: '/clients/{id}',
      operationId: 'deleteClient',
      summary: 'Delete a client',
      description: 'Deletes the client and their memberships in every group.',
      tag: 'Clients',
      permission: 'clients.write',
      params: s.idParams,
      success: { status: 200, schema: s.deleted('client'), description: 'The client is deleted.' },
      errors: [400, 403, 404],
      handler: async ({ auth, params }) => {
        await write(auth, async (tx) => {
          const current = await clientOr404(tx, auth, params.id);
          return {
            writes: [{ collection: 'clients', doc: wire({ ...current, updatedAt: stamp(current) }, true) }],
            result: null,
          };
        });
        return { id: params.id, object: 'client', deleted: true };
      },
    }),

    // API tokens.
    operation({
      method: 'POST',
      path: '/tokens',
      operationId: 'createApiToken',
      summary: 'Create an API token',
      description:
        'Administrators only, signed in (not with an API token). The secret is in this answer only.',
      tag: 'API tokens',
      permission: 'admin',
      body: s.tokenCreateBody,
      success: { status: 201, schema: s.tokenCreated, description: 'The token and its secret.' },
      errors: [400, 403, 413, 422],
      handler: async ({ auth, body }) => {
        const { token, apiToken } = await createApiToken(ctx.db, auth.organization.id, body);
        return { token, apiToken: publicToken(apiToken) };
      },
    }),
    operation({
      method: 'GET',
      path: '/tokens',
      operationId: 'listApiTokens',
      summary: 'List API tokens',
      tag: 'API tokens',
      permission: 'admin',
      success: {
        status: 200,
        schema: s.tokenList,
        description: 'The organisation’s tokens, without secrets.',
      },
      errors: [403],
      handler: async ({ auth }) => ({
        tokens: (await listApiTokens(ctx.db, auth.organization.id)).map(publicToken),
      }),
    }),
    operation({
      method: 'DELETE',
      path: '/tokens/{id}',
      operationId: 'revokeApiToken',
      summary: 'Revoke an API token',
      tag: 'API tokens',
      permission: 'admin',
      params: s.tokenParams,
      success: { status: 200, schema: s.deleted('api_token'), description: 'The token no longer works.' },
      errors: [400, 403, 404],
      handler: async ({ auth, params }) => {
        const revoked = await revokeApiToken(ctx.db, params.id, auth.organization.id);
        if (!revoked) throw notFound('live API token', params.id);
        // Its open change streams end now, not at their next heartbeat.
        closeStreamsOf(ctx, revoked);
        return { id: params.id, object: 'api_token', deleted: true };
      },
    }),
  ];
}

function publicToken(t: Awaited<ReturnType<typeof listApiTokens>>[number]) {
  return {
    id: t.id,
    name: t.name,
    permissions: t.permissions,
    createdAt: t.createdAt,
    lastUsedAt: t.lastUsedAt,
    revokedAt: t.revokedAt,
    expiresAt: t.expiresAt,
  };
}
