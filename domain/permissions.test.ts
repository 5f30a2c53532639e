import { describe, expect, it } from 'vitest';
import { can, groupWritePermission, PERMISSIONS, permissionsForRole, writeKind } from './permissions';

describe('roles and permissions', () => {
  it('gives admins everything, practitioners all but deleting groups, viewers reading only', () => {
    expect(permissionsForRole('admin')).toEqual([...PERMISSIONS]);
    expect(permissionsForRole('practitioner')).toEqual(
      PERMISSIONS.filter((p) => p !== 'client_groups.delete'),
    );
    expect(permissionsForRole('viewer')).toEqual(['client_groups.read', 'clients.read']);
  });

  it('derives the write kind from the states before and after', () => {
    expect(writeKind(undefined, { _deleted: false })).toBe('create');
    expect(writeKind({ _deleted: true }, { _deleted: false })).toBe('create');
    expect(writeKind({ _deleted: false }, { _deleted: false })).toBe('update');
    expect(writeKind({ _deleted: false }, { _deleted: true })).toBe('delete');
    expect(writeKind(undefined, { _deleted: true })).toBe('delete');
  });

  it('maps group writes to their permissions', () => {
    const practitioner = permissionsForRole('practitioner');
    expect(can(practitioner, groupWritePermission('create'))).toBe(true);
    expect(can(practitioner, groupWritePermission('update'))).toBe(true);
    expect(can(practitioner, groupWritePermission('delete'))).toBe(false);
    expect(can(permissionsForRole('viewer'), groupWritePermission('create'))).toBe(false);
  });
});
