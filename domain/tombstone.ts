/**
 * What a deleted document keeps: its id, its times and the deletion flag. A deletion
 * erases the content — the client's right to erasure — on the server and on every device,
 * groups and memberships alike (README, "What is stored where").
 */
import { z } from 'zod';
import { timestampSchema } from './group';

export type Tombstone = { id: string; createdAt: number; updatedAt: number; _deleted: true };

/** The fields a tombstone has besides `_deleted`. */
export const TOMBSTONE_FIELDS: readonly string[] = ['id', 'createdAt', 'updatedAt'];

const time = (value: unknown) =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : 0;

/** `doc` deleted, its content erased. */
export function tombstoneOf(doc: { id: string; createdAt?: unknown; updatedAt?: unknown }): Tombstone {
  return { id: doc.id, createdAt: time(doc.createdAt), updatedAt: time(doc.updatedAt), _deleted: true };
}

/** What a deletion is checked for: its id and its times. The rest of what was sent is dropped unread. */
export function tombstoneSchema(id: z.ZodType<string>) {
  return z.object({ id, createdAt: timestampSchema, updatedAt: timestampSchema });
}

/** Whether `doc` holds nothing but a tombstone's fields (and storage's own `_`-fields). */
export function isErased(doc: object): boolean {
  return Object.keys(doc).every((key) => key.startsWith('_') || TOMBSTONE_FIELDS.includes(key));
}
