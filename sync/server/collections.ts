/**
 * How each synced collection maps to its table, which schema validates it, and which
 * permission each kind of write needs. Pull and push are written once over these specs.
 */
import type { z } from 'zod';
import { groupSchema } from '../../domain/group';
import { groupWritePermission, type Permission, type WriteKind } from '../../domain/permissions';
import type { SyncCollection } from '../protocol';
import { toNumber, type Row } from './storage/database';

type ColumnType = 'text' | 'jsonb' | 'int8';

export type CollectionSpec = {
  name: SyncCollection;
  table: string;
  /** Document field → column, in the order of the table's value list. */
  columns: { field: string; column: string; type: ColumnType }[];
  schema: z.ZodType<{ id: string }>;
  readPermission: Permission;
  writePermission(kind: WriteKind): Permission;
};

export const COLLECTIONS: Record<SyncCollection, CollectionSpec> = {
  groups: {
    name: 'groups',
    table: 'groups',
    columns: [
      { field: 'id', column: 'id', type: 'text' },
      { field: 'name', column: 'name', type: 'text' },
      { field: 'description', column: 'description', type: 'text' },
      { field: 'metadata', column: 'metadata', type: 'jsonb' },
      { field: 'createdAt', column: 'created_at', type: 'int8' },
      { field: 'updatedAt', column: 'updated_at', type: 'int8' },
    ],
    schema: groupSchema,
    readPermission: 'client_groups.read',
    writePermission: groupWritePermission,
  },
};

export type WireDocument = Record<string, unknown> & { id: string; _deleted: boolean };

/** A table row as the wire document: exactly the schema's fields plus `_deleted`. */
export function rowToDocument(spec: CollectionSpec, row: Row): WireDocument {
  const doc: Record<string, unknown> = {};
  for (const { field, column, type } of spec.columns) {
    const value = row[column];
    if (type === 'int8') doc[field] = toNumber(value);
    else if (type === 'jsonb') doc[field] = typeof value === 'string' ? JSON.parse(value) : value;
    else doc[field] = value;
  }
  doc._deleted = row.deleted === true;
  return doc as WireDocument;
}

export function columnList(spec: CollectionSpec): string {
  return spec.columns.map((c) => c.column).join(', ');
}

/** Column values for an insert/update, in `spec.columns` order. */
export function documentValues(spec: CollectionSpec, doc: Record<string, unknown>): unknown[] {
  return spec.columns.map(({ field, type }) => (type === 'jsonb' ? JSON.stringify(doc[field]) : doc[field]));
}
