/**
 * The sync protocol's wire types (DESIGN.md, "Sync protocol"), shared by the
 * device (sync/client) and the server (sync/server).
 */
import { z } from 'zod';
import type { WithDeleted } from '../../domain/documents';
import type { Client } from '../../domain/client';
import type { Group } from '../../domain/group';
import type { Membership } from '../../domain/membership';

export const API_PREFIX = '/api/v1';

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
export type StreamEvent = { collection: SyncCollection; checkpoint: Checkpoint };

export type ApiErrorBody = { error: { code: string; message: string; details?: unknown } };
