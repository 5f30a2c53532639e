/**
 * Every endpoint the server has, each with a VALID request (on the seeded demo data),
 * who may make it, and its fields: where each travels and what kind of value it is.
 * mutations.ts turns these valid requests into surely invalid ones; fuzz.test.ts checks
 * that this list and the server's routes are the same, and that each valid request here
 * really succeeds (so a refusal during the fuzz comes from its mutation).
 */
import type { Permission } from '../../../domain/permissions';
import { SYNC_COLLECTIONS } from '../../protocol';
import { BATCH_MAX, LIMIT_MAX } from '../rest/schemas';
import {
  bodyObject,
  date,
  field,
  id,
  limit,
  offset,
  OTHER_CLIENTS,
  OTHER_GROUPS,
  queryField,
  text,
  type Access,
  type Endpoint,
  type Slot,
  type Template,
} from './endpoints';
import { syncEndpoints } from './syncEndpoints';

/** Ids the catalogue needs that exist only once the fuzz context is set up. */
export type CatalogueIds = { liveTokenId: string; revokedTokenId: string; otherTokenId: string };

const groupParam: Slot = { at: ['params', 'id'], kind: id(OTHER_GROUPS) };
const clientParam: Slot = { at: ['params', 'id'], kind: id(OTHER_CLIENTS) };
const member = () => ({ clientId: 'demo-c-anna', startDate: '2026-11-02' });

export function catalogue(ids: CatalogueIds): Endpoint[] {
  const rest = (
    method: Endpoint['method'],
    path: string,
    access: Access,
    template: Partial<Template>,
    slots: Slot[] = [],
    more: Partial<Endpoint> = {},
  ): Endpoint => ({
    name: `${method} ${path}`,
    route: `${method} ${path}`,
    method,
    path,
    access,
    template: { params: {}, query: {}, ...template },
    slots,
    ...(template.body !== undefined ? { strict: [['body']] } : {}),
    ...more,
  });
  const can = (permission: Permission): Access => ({ kind: 'permission', permission });
  const publicPage = (path: string, weight = 1) => rest('GET', path, { kind: 'public' }, {}, [], { weight });
  const groupFields = (required: boolean) => [
    bodyObject,
    field('name', text(100, { nonEmpty: true }), required),
    field('description', text(500, { multiline: true })),
    field('metadata', { type: 'metadata' }),
  ];
  const clientFields = (nullable: boolean) => [
    bodyObject,
    field('name', text(200, { nonEmpty: true }), !nullable),
    field('email', text(254, { format: 'email', nullable })),
    field('phone', text(40, { format: 'phone', nullable })),
    field('birthDate', date(nullable)),
  ];
  const listQuery = { limit: '20', offset: '0' };
  const listSlots = [queryField('limit', limit(LIMIT_MAX)), queryField('offset', offset)];

  return [
    publicPage('/health'),
    rest(
      'POST',
      '/auth/login',
      { kind: 'public' },
      { body: { email: 'practitioner@demo.test', password: 'cohort-demo' } },
      [
        bodyObject,
        field(
          'email',
          text(320, { nonEmpty: true, unknown: ['nobody@demo.test', 'admin@other.test.nl'] }),
          true,
        ),
        field('password', text(1024, { nonEmpty: true, unknown: ['wrong password', 'Cohort-demo'] }), true),
      ],
    ),
    rest('POST', '/auth/logout', { kind: 'signedIn' }, {}, [], { principal: 'logoutSession' }),
    rest('GET', '/me', { kind: 'signedIn' }, {}),
    rest('GET', '/sync/stream', { kind: 'signedIn' }, {}, [], { stream: true }),
    ...SYNC_COLLECTIONS.flatMap(syncEndpoints),

    rest(
      'GET',
      '/groups',
      can('client_groups.read'),
      { query: { q: 'mind', sort: 'name', clientId: 'demo-c-anna', ...listQuery } },
      [
        queryField('q', { type: 'search', max: 200 }),
        queryField('sort', { type: 'enum', values: ['name', '-name', 'createdAt', '-createdAt'] }),
        queryField('clientId', id()),
        ...listSlots,
      ],
      { strict: ['query'] },
    ),
    rest(
      'POST',
      '/groups',
      can('client_groups.create'),
      { body: { name: 'Fuzz group', description: 'Made by the fuzz test.', metadata: { room: 'A' } } },
      groupFields(true),
    ),
    rest('GET', '/groups/{id}', can('client_groups.read'), { params: { id: 'demo-mindfulness' } }, [
      groupParam,
    ]),
    rest(
      'PATCH',
      '/groups/{id}',
      can('client_groups.update'),
      { params: { id: 'demo-mindfulness' }, body: { name: 'Renamed', description: 'Changed', metadata: {} } },
      [groupParam, ...groupFields(false)],
    ),
    rest('DELETE', '/groups/{id}', can('client_groups.delete'), { params: { id: 'demo-parents' } }, [
      groupParam,
    ]),
    rest(
      'GET',
      '/groups/{id}/members',
      can('client_groups.read'),
      { params: { id: 'demo-mindfulness' }, query: { activeOn: '2026-10-01', ...listQuery } },
      [groupParam, queryField('activeOn', date()), ...listSlots],
      { strict: ['query'] },
    ),
    rest(
      'POST',
      '/groups/{id}/members/batch',
      can('client_groups.manage_members'),
      {
        params: { id: 'demo-grief' },
        body: { members: [{ clientId: 'demo-c-anna', startDate: '2026-11-02', endDate: '2026-12-21' }] },
      },
      [
        groupParam,
        bodyObject,
        field('members', { type: 'array', min: 1, max: BATCH_MAX, item: member }, true),
        { at: ['body', 'members', 0], kind: { type: 'object' } },
        { at: ['body', 'members', 0, 'clientId'], kind: id(OTHER_CLIENTS), required: true },
        { at: ['body', 'members', 0, 'startDate'], kind: date(), required: true },
        { at: ['body', 'members', 0, 'endDate'], kind: date() },
      ],
      {
        strict: [['body'], ['body', 'members', 0]],
        period: [
          ['body', 'members', 0, 'startDate'],
          ['body', 'members', 0, 'endDate'],
        ],
        distinct: ['body', 'members'],
      },
    ),
    rest(
      'DELETE',
      '/groups/{id}/members/batch',
      can('client_groups.manage_members'),
      { params: { id: 'demo-running' }, body: { clientIds: ['demo-c-gert'] } },
      [
        groupParam,
        bodyObject,
        field('clientIds', { type: 'array', min: 1, max: BATCH_MAX, item: () => 'demo-c-gert' }, true),
        { at: ['body', 'clientIds', 0], kind: id() },
      ],
    ),
    rest(
      'PATCH',
      '/groups/{id}/members/{clientId}',
      can('client_groups.manage_members'),
      {
        params: { id: 'demo-mindfulness', clientId: 'demo-c-bram' },
        body: { startDate: '2026-09-01', endDate: '2026-10-27' },
      },
      [
        groupParam,
        { at: ['params', 'clientId'], kind: id(['demo-c-hanna', ...OTHER_CLIENTS]) },
        bodyObject,
        field('startDate', date()),
        field('endDate', date(true)),
      ],
      {
        period: [
          ['body', 'startDate'],
          ['body', 'endDate'],
        ],
      },
    ),

    rest(
      'GET',
      '/clients',
      can('clients.read'),
      { query: { q: 'anna', ...listQuery } },
      [queryField('q', { type: 'search', max: 200 }), ...listSlots],
      { strict: ['query'] },
    ),
    rest(
      'POST',
      '/clients',
      can('clients.write'),
      {
        body: {
          name: 'Fuzz Client',
          email: 'fuzz@example.org',
          phone: '+31 20 123 4567',
          birthDate: '1990-05-17',
        },
      },
      clientFields(false),
    ),
    rest('GET', '/clients/{id}', can('clients.read'), { params: { id: 'demo-c-carmen' } }, [clientParam]),
    rest(
      'PATCH',
      '/clients/{id}',
      can('clients.write'),
      {
        params: { id: 'demo-c-carmen' },
        body: {
          name: 'Carmen P.',
          email: 'carmen@example.ro',
          phone: '+40 21 123 4567',
          birthDate: '1979-11-02',
        },
      },
      [clientParam, ...clientFields(true)],
    ),
    rest('DELETE', '/clients/{id}', can('clients.write'), { params: { id: 'demo-c-gert' } }, [clientParam]),

    rest(
      'POST',
      '/tokens',
      { kind: 'adminSession' },
      { body: { name: 'Fuzz token', permissions: ['clients.read'] } },
      [
        bodyObject,
        field('name', text(100, { nonEmpty: true }), true),
        field('permissions', { type: 'permissions' }, true),
      ],
    ),
    rest('GET', '/tokens', { kind: 'adminSession' }, {}),
    rest('DELETE', '/tokens/{id}', { kind: 'adminSession' }, { params: { id: ids.liveTokenId } }, [
      { at: ['params', 'id'], kind: { type: 'tokenId', unknown: [ids.revokedTokenId, ids.otherTokenId] } },
    ]),

    publicPage('/openapi.json'),
    publicPage('/docs'),
    publicPage('/docs/'),
    publicPage('/docs/json'),
    publicPage('/docs/yaml'),
    publicPage('/docs/static/index.html'),
    publicPage('/docs/static/swagger-initializer.js'),
    rest(
      'GET',
      '/docs/{*}',
      { kind: 'public' },
      { params: { '*': 'static/swagger-ui.css' } },
      [{ at: ['params', '*'], kind: id(['static/nothing.css', 'static/../../package.json', 'static/%00']) }],
      { route: 'GET /docs/*', name: 'GET /docs/*', weight: 1 },
    ),
  ];
}
