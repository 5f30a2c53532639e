/**
 * The sync protocol's wire types (DESIGN.md, "Sync protocol"), shared by the
 * device (sync/client) and the server (sync/server).
 */
import { z } from 'zod';
import type { WithDeleted } from '../../domain/documents';
import { clientSchema, type Client } from '../../domain/client';
import { groupSchema, type Group } from '../../domain/group';
import { idSchema } from '../../domain/ids';
import { membershipIdSchema, membershipSchema, type Membership } from '../../domain/membership';
import { tombstoneSchema } from '../../domain/tombstone';

export const API_PREFIX = '/api/v1';

/**
 * The sync protocol's version, sent by the device with every sync request in
 * PROTOCOL_HEADER. 2: groups carry `archivedAt`. A server answers a device that sends an
 * older one (or none: every device before version 2) with 426 `update_required`, since such
 * a device would drop fields it does not know when it writes a document back.
 */
export const PROTOCOL_VERSION = 2;
export const PROTOCOL_HEADER = 'cohort-protocol';
export const protocolHeaders = { [PROTOCOL_HEADER]: String(PROTOCOL_VERSION) } as const;

/** Collections that replicate, in the order a device applies them (groups and clients before memberships). */
export const SYNC_COLLECTIONS = ['groups', 'clients', 'memberships'] as const;
export type SyncCollection = (typeof SYNC_COLLECTIONS)[number];
export const syncCollectionSchema = z.enum(SYNC_COLLECTIONS);

export type SyncDocuments = {
  groups: Group;
  clients: Client;
  memberships: Membership;
};

/** Opaque to the device: made by the server, handed back unchanged. */
export type Checkpoint = { seq: number };
export const checkpointSchema = z.object({ seq: z.number().int().nonnegative() }).strict();

/** What a collection's documents are checked with: a live document, or a tombstone (its id and times). */
export const DOCUMENT_SCHEMAS: Record<SyncCollection, { live: z.ZodType; deleted: z.ZodType }> = {
  groups: { live: groupSchema, deleted: tombstoneSchema(idSchema) },
  clients: { live: clientSchema, deleted: tombstoneSchema(idSchema) },
  memberships: { live: membershipSchema, deleted: tombstoneSchema(membershipIdSchema) },
};

/** A document of `collection` as it travels: its fields and `_deleted`. */
function wireDocumentSchema(collection: SyncCollection) {
  const { live, deleted } = DOCUMENT_SCHEMAS[collection];
  return z.looseObject({ _deleted: z.boolean() }).superRefine((doc, ctx) => {
    const { _deleted, ...fields } = doc;
    const result = (_deleted ? deleted : live).safeParse(fields);
    for (const issue of result.error?.issues ?? [])
      ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
  });
}

const rejectionSchema = z.object({
  id: z.string(),
  code: z.enum(['invalid', 'forbidden', 'not_found']),
  message: z.string(),
});

/** The server's answers to a pull and a push of `collection`, as the device checks them. */
export function syncAnswerSchemas(collection: SyncCollection) {
  const document = wireDocumentSchema(collection);
  return {
    pull: z.object({ documents: z.array(document), checkpoint: checkpointSchema.nullable() }),
    push: z.object({ conflicts: z.array(document), rejections: z.array(rejectionSchema) }),
  };
}

/** One event on `GET /sync/stream`, as the device checks it. */
export const streamEventSchema = z.object({ collection: syncCollectionSchema, checkpoint: checkpointSchema });

export const PULL_LIMIT_DEFAULT = 100;
export const PULL_LIMIT_MAX = 1000;

export type PullResponse<T> = { documents: WithDeleted<T>[]; checkpoint: Checkpoint | null };

export type PushRow<T> = {
  assumedMasterState: WithDeleted<T> | null;
  newDocumentState: WithDeleted<T>;
};

export type RejectionCode = 'invalid' | 'forbidden' | 'not_found';
export type Rejection = { id: string; code: RejectionCode; message: string };

export type PushResponse<T> = { conflicts: WithDeleted<T>[]; rejections: Rejection[] };

export const PUSH_ROWS_MAX = 500;

/** One event on `GET /sync/stream`: a collection of the organisation changed. */
export type StreamEvent = z.infer<typeof streamEventSchema>;

export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };
