/**
 * The isolation matrix's guesses: requests in which one organisation names ids of
 * another's, each with a twin naming ids that exist nowhere, and the masking that lets
 * the two answers be compared.
 */
import type { SyncCollection } from '../../protocol';
import type { WireDocument } from '../collections';
import { clientDoc, deletedDoc, editedDoc, freshId, groupDoc, membershipDoc, type PushRow } from './support';

/** Demo's own documents that guesses combine with other's ids. */
export const OWN_GROUP = 'demo-mindfulness';
export const OWN_CLIENT = 'demo-c-gert';

/** Ids that exist in no organisation, shaped like the ones they stand in for. */
export const nowhereIds = () => ({
  group: freshId('nowhere-g'),
  client: freshId('nowhere-c'),
  token: `tok_${Math.random().toString(16).slice(2, 10).padEnd(8, '0')}00000000`,
});
export type Ids = ReturnType<typeof nowhereIds>;

/**
 * Requests naming a group, a client or an API token. Sent once with ids of other's and
 * once with ids that exist nowhere, they must answer alike: same status, same body but
 * for the ids themselves.
 */
export const REST_GUESSES: {
  name: string;
  request(ids: Ids): [method: string, path: string, body?: unknown];
}[] = [
  {
    name: 'create a group with their id',
    request: (i) => ['POST', '/groups', { id: i.group, name: 'Ours' }],
  },
  { name: 'read their group', request: (i) => ['GET', `/groups/${i.group}`] },
  { name: 'rename their group', request: (i) => ['PATCH', `/groups/${i.group}`, { name: 'Taken over' }] },
  { name: 'delete their group', request: (i) => ['DELETE', `/groups/${i.group}`] },
  { name: 'list their group’s members', request: (i) => ['GET', `/groups/${i.group}/members`] },
  {
    name: 'add our client to their group',
    request: (i) => [
      'POST',
      `/groups/${i.group}/members/batch`,
      { members: [{ clientId: OWN_CLIENT, startDate: '2026-01-05' }] },
    ],
  },
  {
    name: 'remove our client from their group',
    request: (i) => ['DELETE', `/groups/${i.group}/members/batch`, { clientIds: [OWN_CLIENT] }],
  },
  {
    name: 'change their membership',
    request: (i) => ['PATCH', `/groups/${i.group}/members/${i.client}`, { endDate: '2026-12-31' }],
  },
  {
    name: 'add their client to our group',
    request: (i) => [
      'POST',
      `/groups/${OWN_GROUP}/members/batch`,
      { members: [{ clientId: i.client, startDate: '2026-01-05' }] },
    ],
  },
  {
    name: 'remove their client from our group',
    request: (i) => ['DELETE', `/groups/${OWN_GROUP}/members/batch`, { clientIds: [i.client] }],
  },
  {
    name: 'change their client’s period in our group',
    request: (i) => ['PATCH', `/groups/${OWN_GROUP}/members/${i.client}`, { startDate: '2026-02-01' }],
  },
  { name: 'find groups of their client', request: (i) => ['GET', `/groups?clientId=${i.client}`] },
  {
    name: 'create a client with their id',
    request: (i) => ['POST', '/clients', { id: i.client, name: 'Ours' }],
  },
  { name: 'read their client', request: (i) => ['GET', `/clients/${i.client}`] },
  {
    name: 'change their client',
    request: (i) => ['PATCH', `/clients/${i.client}`, { email: 'x@demo.test' }],
  },
  { name: 'delete their client', request: (i) => ['DELETE', `/clients/${i.client}`] },
  { name: 'revoke their API token', request: (i) => ['DELETE', `/tokens/${i.token}`] },
];

/**
 * Sync pushes naming a document of other's. Run per collection with a document of
 * other's and with the same document under ids that exist nowhere. `target` picks which
 * of other's documents: one no guess writes in demo, or one that becomes a document or a
 * tombstone of demo's own (as its nowhere twin does).
 */
export const PUSH_GUESSES: {
  name: string;
  target: 'unwritten' | 'created' | 'tombstoned';
  row(theirs: WireDocument): PushRow;
}[] = [
  {
    name: 'update it, assuming their state',
    target: 'unwritten',
    row: (theirs) => ({ assumedMasterState: theirs, newDocumentState: editedDoc(theirs) }),
  },
  {
    name: 'delete it, assuming their state',
    target: 'unwritten',
    row: (theirs) => ({ assumedMasterState: theirs, newDocumentState: deletedDoc(theirs) }),
  },
  {
    name: 'create a document with their id',
    target: 'created',
    row: (theirs) => ({ assumedMasterState: null, newDocumentState: ownWithSameIds(theirs) }),
  },
  {
    name: 'delete their id, assuming nothing',
    target: 'tombstoned',
    row: (theirs) => ({
      assumedMasterState: null,
      newDocumentState: { ...ownWithSameIds(theirs), _deleted: true },
    }),
  },
  {
    name: 'create a document naming their organisation',
    target: 'unwritten',
    row: (theirs) => ({
      assumedMasterState: null,
      newDocumentState: { ...ownWithSameIds(theirs), organizationId: 'org-other' },
    }),
  },
];

/** A document of demo's own content under the ids of `doc`. */
function ownWithSameIds(doc: WireDocument): WireDocument {
  if ('startDate' in doc) return membershipDoc(String(doc.groupId), String(doc.clientId));
  if ('description' in doc) return groupDoc(doc.id, { name: 'Demo’s own group' });
  return clientDoc(doc.id, { name: 'Demo’s own client', email: 'own@demo.test' });
}

/** An answer's text with each id of `ids` replaced by its name: `{group: 'g1'}` turns g1 into <group>. */
export function masked(text: string, ids: Record<string, string>): string {
  return Object.entries(ids)
    .sort(([, a], [, b]) => b.length - a.length)
    .reduce((out, [name, id]) => out.split(id).join(`<${name}>`), text);
}

export function idsNamedIn(collection: SyncCollection, doc: WireDocument): Record<string, string> {
  return collection === 'memberships'
    ? { group: String(doc.groupId), client: String(doc.clientId) }
    : { id: doc.id };
}

/** The same document under ids no organisation has. */
export function nowhereTwin(collection: SyncCollection, doc: WireDocument) {
  if (collection === 'memberships') {
    const { group, client } = nowhereIds();
    const twin = membershipDoc(group, client, {
      ...doc,
      id: `${group}:${client}`,
      groupId: group,
      clientId: client,
    });
    return { twin, ids: idsNamedIn(collection, twin) };
  }
  const twin = { ...doc, id: freshId('nowhere') };
  return { twin, ids: idsNamedIn(collection, twin) };
}
