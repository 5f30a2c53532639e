/** The sync endpoints in the fuzz catalogue: pull and push, per collection, with a valid document of each. */
import type { Permission } from '../../../domain/permissions';
import { PULL_LIMIT_MAX, PUSH_ROWS_MAX, type SyncCollection } from '../../protocol';
import {
  date,
  id,
  limit,
  OTHER_CLIENTS,
  OTHER_GROUPS,
  queryField,
  text,
  type Endpoint,
  type Slot,
} from './endpoints';
import type { FieldKind } from './values';
import type { Json } from './wire';

const FAR_PAST = 1_750_000_000_000;

/** A valid document of each collection, as a device pushes it (new: the server has none of these ids). */
export function validDocument(collection: SyncCollection): Record<string, Json> {
  const stamps = { createdAt: FAR_PAST, updatedAt: FAR_PAST, _deleted: false };
  switch (collection) {
    case 'groups':
      return { id: 'fuzz-push-group', name: 'Pushed group', description: '', metadata: {}, ...stamps };
    case 'clients':
      return { id: 'fuzz-push-client', name: 'Pushed Client', email: 'pushed@example.org', ...stamps };
    case 'memberships':
      return {
        id: 'demo-grief:demo-c-hanna',
        groupId: 'demo-grief',
        clientId: 'demo-c-hanna',
        startDate: '2026-11-02',
        endDate: '2026-12-21',
        ...stamps,
      };
  }
}

/** A stored document of each collection in the demo organisation (a push to it must name its state). */
export const EXISTING_IDS: Record<SyncCollection, string> = {
  groups: 'demo-mindfulness',
  clients: 'demo-c-anna',
  memberships: 'demo-mindfulness:demo-c-anna',
};

const WRITE_PERMISSION: Record<SyncCollection, Permission> = {
  groups: 'client_groups.create',
  clients: 'clients.write',
  memberships: 'client_groups.manage_members',
};
const READ_PERMISSION: Record<SyncCollection, Permission> = {
  groups: 'client_groups.read',
  clients: 'clients.read',
  memberships: 'client_groups.read',
};

function documentSlots(collection: SyncCollection): Slot[] {
  const doc = (name: string, kind: FieldKind, required = true): Slot => ({
    at: ['body', 0, 'newDocumentState', name],
    kind,
    required,
  });
  const common = [
    doc('id', id()),
    doc('createdAt', { type: 'timestamp' }),
    doc('updatedAt', { type: 'timestamp' }),
    doc('_deleted', { type: 'boolean' }),
  ];
  switch (collection) {
    case 'groups':
      return [
        ...common,
        doc('name', text(100, { nonEmpty: true })),
        doc('description', text(500, { multiline: true })),
        doc('metadata', { type: 'metadata' }),
        doc('archivedAt', { type: 'timestamp', nullable: true }, false),
      ];
    case 'clients':
      return [
        ...common,
        doc('name', text(200, { nonEmpty: true })),
        doc('email', text(254), false),
        doc('phone', text(40), false),
        doc('birthDate', date(), false),
      ];
    case 'memberships':
      return [
        ...common,
        doc('groupId', id(OTHER_GROUPS)),
        doc('clientId', id(OTHER_CLIENTS)),
        doc('startDate', date()),
        doc('endDate', date(), false),
      ];
  }
}

export function syncEndpoints(collection: SyncCollection): Endpoint[] {
  const row = () => ({ assumedMasterState: null, newDocumentState: validDocument(collection) });
  return [
    {
      name: `GET /sync/${collection}/pull`,
      route: 'GET /sync/{collection}/pull',
      method: 'GET',
      path: '/sync/{collection}/pull',
      access: { kind: 'permission', permission: READ_PERMISSION[collection] },
      template: { params: { collection }, query: { limit: '10', checkpoint: '{"seq":0}' } },
      slots: [queryField('limit', limit(PULL_LIMIT_MAX)), queryField('checkpoint', { type: 'checkpoint' })],
      strict: ['query'],
      pull: collection,
    },
    {
      name: `POST /sync/${collection}/push`,
      route: 'POST /sync/{collection}/push',
      method: 'POST',
      path: '/sync/{collection}/push',
      access: { kind: 'permission', permission: WRITE_PERMISSION[collection] },
      template: { params: { collection }, query: {}, body: [row()] },
      slots: [
        { at: ['body'], kind: { type: 'array', min: 0, max: PUSH_ROWS_MAX, item: row }, required: true },
        { at: ['body', 0], kind: { type: 'object' } },
        { at: ['body', 0, 'assumedMasterState'], kind: { type: 'object', nullable: true } },
        { at: ['body', 0, 'newDocumentState'], kind: { type: 'object' }, required: true },
        ...documentSlots(collection),
      ],
      strict: [
        ['body', 0],
        ['body', 0, 'newDocumentState'],
      ],
      ...(collection === 'memberships'
        ? {
            period: [
              ['body', 0, 'newDocumentState', 'startDate'],
              ['body', 0, 'newDocumentState', 'endDate'],
            ],
            derive: (body: Json) => {
              const doc = (body as { newDocumentState?: Record<string, Json> }[] | null)?.[0]
                ?.newDocumentState;
              if (doc && typeof doc.groupId === 'string' && typeof doc.clientId === 'string')
                doc.id = `${doc.groupId}:${doc.clientId}`;
            },
          }
        : {}),
      push: collection,
      weight: 5,
    },
  ];
}
