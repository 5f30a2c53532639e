/**
 * What the fuzz catalogue is made of: who sends requests (principals and their
 * permissions), what an endpoint entry holds, and small builders for its fields.
 */
import { PERMISSIONS, permissionsForRole, type Permission } from '../../../domain/permissions';
import type { SyncCollection } from '../../protocol';
import type { FieldKind } from './values';
import type { Json } from './wire';

/** Who sends a request: the demo accounts signed in, and API tokens with chosen permissions. */
export const PRINCIPALS = {
  admin: { session: true, admin: true, permissions: permissionsForRole('admin') },
  practitioner: { session: true, admin: false, permissions: permissionsForRole('practitioner') },
  viewer: { session: true, admin: false, permissions: permissionsForRole('viewer') },
  fullToken: { session: false, admin: false, permissions: [...PERMISSIONS] },
  readToken: { session: false, admin: false, permissions: ['client_groups.read', 'clients.read'] },
  clientsOnlyToken: { session: false, admin: false, permissions: ['clients.read'] },
  /** A session of its own for sign-out: only ever used by POST /auth/logout. */
  logoutSession: { session: true, admin: false, permissions: permissionsForRole('viewer') },
} satisfies Record<string, { session: boolean; admin: boolean; permissions: readonly Permission[] }>;
export type Principal = keyof typeof PRINCIPALS;

export type Access =
  | { kind: 'public' }
  | { kind: 'signedIn' }
  | { kind: 'permission'; permission: Permission }
  | { kind: 'adminSession' };

/** `['body', 'members', 0, 'startDate']`, `['query', 'limit']`, `['params', 'id']`. */
export type SlotPath = (string | number)[];
export type Slot = { at: SlotPath; kind: FieldKind; required?: boolean };

export type Template = { params: Record<string, string>; query: Record<string, string>; body?: Json };

export type Endpoint = {
  /** How the report names it: the route, with the collection filled in for sync routes. */
  name: string;
  /** The route as the server registers it (OpenAPI style), for the coverage check. */
  route: string;
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  access: Access;
  /** The only principal its valid request may use (sign-out ends the session it is sent with). */
  principal?: Principal;
  template: Template;
  slots: Slot[];
  /** Objects in the body that refuse unknown keys; `query` when the query does. */
  strict?: (SlotPath | 'query')[];
  /** Start and end date: an end before the start is refused. */
  period?: [SlotPath, SlotPath];
  /** A list whose entries must be distinct. */
  distinct?: SlotPath;
  /** Sync push: refused rows come back in a 200 as conflicts (DESIGN.md, sync invariant 3). */
  push?: SyncCollection;
  pull?: SyncCollection;
  /** Recomputes derived fields after a mutation (a membership's id comes from its pair). */
  derive?: (body: Json) => void;
  /** Its valid answer is an event stream: read the headers only. */
  stream?: boolean;
  /** Share of the fuzz requests, relative (default 3). */
  weight?: number;
};

/** Ids of the other organisation's records: in the demo organisation they do not exist. */
export const OTHER_GROUPS = ['other-anxiety', 'other-yoga'];
export const OTHER_CLIENTS = ['other-c-ion', 'other-c-maria'];

// Field builders.
export const id = (unknown?: readonly string[]): FieldKind => ({
  type: 'id',
  ...(unknown ? { unknown } : {}),
});
export const date = (nullable = false): FieldKind => ({ type: 'date', ...(nullable ? { nullable } : {}) });
export const text = (max: number, more: Partial<Extract<FieldKind, { type: 'text' }>> = {}): FieldKind => ({
  type: 'text',
  max,
  ...more,
});
export const limit = (max: number): FieldKind => ({ type: 'integer', min: 1, max });
export const offset: FieldKind = { type: 'integer', min: 0, max: Number.MAX_SAFE_INTEGER };
export const bodyObject: Slot = { at: ['body'], kind: { type: 'object' }, required: true };
export const field = (name: string, kind: FieldKind, required = false): Slot => ({
  at: ['body', name],
  kind,
  required,
});
export const queryField = (name: string, kind: FieldKind): Slot => ({ at: ['query', name], kind });

/** The principals who may make the endpoint's request. */
export function allowedPrincipals(endpoint: Endpoint): Principal[] {
  if (endpoint.principal) return [endpoint.principal];
  return (Object.keys(PRINCIPALS) as Principal[]).filter(
    (p) => p !== 'logoutSession' && mayCall(p, endpoint.access),
  );
}

/** Signed-in principals who may not: their requests are refused with 403 (or, pushed, as rows). */
export function forbiddenPrincipals(endpoint: Endpoint): Principal[] {
  if (endpoint.access.kind === 'public' || endpoint.access.kind === 'signedIn') return [];
  return (Object.keys(PRINCIPALS) as Principal[]).filter(
    (p) => p !== 'logoutSession' && !mayCall(p, endpoint.access),
  );
}

function mayCall(principal: Principal, access: Access): boolean {
  const who = PRINCIPALS[principal];
  switch (access.kind) {
    case 'public':
    case 'signedIn':
      return true;
    case 'permission':
      return (who.permissions as readonly string[]).includes(access.permission);
    case 'adminSession':
      return who.session && who.admin;
  }
}
