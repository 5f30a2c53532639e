/**
 * How each synced collection maps to its table, which schema validates it, which
 * permission each kind of write needs, what it refers to and what its deletion takes
 * with it. Pull and push are written once over these specs.
 */
import type { z } from 'zod';
import { clientSchema } from '../../domain/client';
import { groupSchema } from '../../domain/group';
import { idSchema } from '../../domain/ids';
import { membershipIdSchema, membershipSchema } from '../../domain/membership';
import { TOMBSTONE_FIELDS, tombstoneOf, tombstoneSchema } from '../../domain/tombstone';
import { groupWritePermission, type Permission, type WriteKind } from '../../domain/permissions';
import type { SyncCollection } from '../protocol';
import { toNumber, type Row } from './storage/database';

type ColumnType = 'text' | 'jsonb' | 'int8';
type Column = {
  field: string;
  column: string;
  type: ColumnType;
  optional?: boolean;
  /** A null sent for it means absent (what the column's NULL gives back): groups' archivedAt. */
  nullable?: boolean;
};

export type CollectionSpec = {
  name: SyncCollection;
  table: string;
  /** Document field → column, in the order of the table's value list. */
  columns: Column[];
  schema: z.ZodType<{ id: string }>;
  /** What a deletion is checked for: the id and the times (its content is erased). */
  tombstone: z.ZodType<{ id: string; createdAt: number; updatedAt: number }>;
  readPermission: Permission;
  writePermission(kind: WriteKind): Permission;
  /** Fields naming a document of another collection that must exist (and not be deleted) for a write. */
  references?: { field: string; collection: SyncCollection; message: string }[];
  /** Collections whose documents point at this one through `column`: deleted with it, in the same transaction. */
  cascades?: { collection: SyncCollection; column: string }[];
};

const timestamps: Column[] = [
  { field: 'createdAt', column: 'created_at', type: 'int8' },
  { field: 'updatedAt', column: 'updated_at', type: 'int8' },
];

export const COLLECTIONS: Record<SyncCollection, CollectionSpec> = {
  groups: {
    name: 'groups',
    table: 'groups',
    columns: [
      { field: 'id', column: 'id', type: 'text' },
      { field: 'name', column: 'name', type: 'text' },
      { field: 'description', column: 'description', type: 'text' },
      { field: 'metadata', column: 'metadata', type: 'jsonb' },
      { field: 'archivedAt', column: 'archived_at', type: 'int8', optional: true, nullable: true },
      ...timestamps,
    ],
    schema: groupSchema,
    tombstone: tombstoneSchema(idSchema),
    readPermission: 'client_groups.read',
    writePermission: groupWritePermission,
    cascades: [{ collection: 'memberships', column: 'group_id' }],
  },
  clients: {
    name: 'clients',
    table: 'clients',
    columns: [
      { field: 'id', column: 'id', type: 'text' },
      { field: 'name', column: 'name', type: 'text' },
      { field: 'email', column: 'email', type: 'text', optional: true },
      { field: 'phone', column: 'phone', type: 'text', optional: true },
      { field: 'birthDate', column: 'birth_date', type: 'text', optional: true },
      ...timestamps,
    ],
    schema: clientSchema,
    tombstone: tombstoneSchema(idSchema),
    readPermission: 'clients.read',
    writePermission: () => 'clients.write',
    cascades: [{ collection: 'memberships', column: 'client_id' }],
  },
  memberships: {
    name: 'memberships',
    table: 'memberships',
    columns: [
      { field: 'id', column: 'id', type: 'text' },
      { field: 'groupId', column: 'group_id', type: 'text' },
      { field: 'clientId', column: 'client_id', type: 'text' },
      { field: 'startDate', column: 'start_date', type: 'text' },
      { field: 'endDate', column: 'end_date', type: 'text', optional: true },
      ...timestamps,
    ],
    schema: membershipSchema,
    tombstone: tombstoneSchema(membershipIdSchema),
    readPermission: 'client_groups.read',
    writePermission: () => 'client_groups.manage_members',
    references: [
      {
        field: 'groupId',
        collection: 'groups',
        message: 'The group of this membership does not exist or was deleted.',
      },
      {
        field: 'clientId',
        collection: 'clients',
        message: 'The client of this membership does not exist or was deleted.',
      },
    ],
  },
};

export type WireDocument = Record<string, unknown> & { id: string; _deleted: boolean };

/**
 * A table row as the wire document: exactly the schema's fields plus `_deleted`; a deleted
 * row is a tombstone (its id and times: its content was erased with it).
 */
export function rowToDocument(spec: CollectionSpec, row: Row): WireDocument {
  if (row.deleted === true) {
    return tombstoneOf({
      id: String(row.id),
      createdAt: toNumber(row.created_at),
      updatedAt: toNumber(row.updated_at),
    });
  }
  const doc: Record<string, unknown> = {};
  for (const { field, column, type, optional } of spec.columns) {
    const value = row[column];
    if (optional && (value === null || value === undefined)) continue;
    if (type === 'int8') doc[field] = toNumber(value);
    else if (type === 'jsonb') doc[field] = typeof value === 'string' ? JSON.parse(value) : value;
    else doc[field] = value;
  }
  doc._deleted = row.deleted === true;
  return doc as WireDocument;
}

/**
 * `doc` with the nulls of its nullable fields left out: the server keeps them absent, so a
 * device's `archivedAt: null` and the server's absent one are the same state.
 */
export function withoutNulls<T extends Record<string, unknown>>(spec: CollectionSpec, doc: T): T {
  const nulls = new Set(spec.columns.filter((c) => c.nullable && doc[c.field] === null).map((c) => c.field));
  if (nulls.size === 0) return doc;
  return Object.fromEntries(Object.entries(doc).filter(([field]) => !nulls.has(field))) as T;
}

/** The columns a deletion erases: all but the id and the times. */
export function contentColumns(spec: CollectionSpec): string[] {
  return spec.columns.filter((c) => !TOMBSTONE_FIELDS.includes(c.field)).map((c) => c.column);
}

export function columnList(spec: CollectionSpec): string {
  return spec.columns.map((c) => c.column).join(', ');
}

/** Column values for an insert/update, in `spec.columns` order; absent optional fields are NULL. */
export function documentValues(spec: CollectionSpec, doc: Record<string, unknown>): unknown[] {
  return spec.columns.map(({ field, type }) => {
    const value = doc[field];
    if (value === undefined) return null;
    return type === 'jsonb' ? JSON.stringify(value) : value;
  });
}
