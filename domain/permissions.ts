import { z } from 'zod';

export const PERMISSIONS = [
  'client_groups.read',
  'client_groups.create',
  'client_groups.update',
  'client_groups.delete',
  'client_groups.manage_members',
  'clients.read',
  'clients.write',
] as const;

export type Permission = (typeof PERMISSIONS)[number];
export const permissionSchema = z.enum(PERMISSIONS);

export const ROLES = ['admin', 'practitioner', 'viewer'] as const;
export type Role = (typeof ROLES)[number];
export const roleSchema = z.enum(ROLES);

const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  practitioner: PERMISSIONS.filter((p) => p !== 'client_groups.delete'),
  viewer: ['client_groups.read', 'clients.read'],
};

export function permissionsForRole(role: Role): Permission[] {
  return [...ROLE_PERMISSIONS[role]];
}

export function can(permissions: readonly string[], permission: Permission): boolean {
  return permissions.includes(permission);
}

/** What a write to a synced document needs, from the state before and after it. */
export type WriteKind = 'create' | 'update' | 'delete';

export function writeKind(
  before: { _deleted: boolean } | undefined,
  after: { _deleted: boolean },
): WriteKind {
  if (after._deleted) return 'delete';
  if (!before || before._deleted) return 'create';
  return 'update';
}

export function groupWritePermission(kind: WriteKind): Permission {
  switch (kind) {
    case 'create':
      return 'client_groups.create';
    case 'update':
      return 'client_groups.update';
    case 'delete':
      return 'client_groups.delete';
  }
}
