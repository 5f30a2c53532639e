/**
 * Creates the local database: Cohort's storage (storage/cohortStorage.ts) over IndexedDB —
 * the browser's, or fake-indexeddb in Node tests — sealed with the database's key.
 */
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import type { Client } from '../../domain/client';
import { stableHash } from '../../domain/documents';
import type { Group } from '../../domain/group';
import type { Membership } from '../../domain/membership';
import {
  clientMigrations,
  clientRxSchema,
  groupMigrations,
  groupRxSchema,
  membershipMigrations,
  membershipRxSchema,
} from './schemas';
import { SYNC_COLLECTIONS } from '../../sync/protocol';
import { ConflictLog, SyncConflicts } from './engine/conflicts';
import type { DatabaseKey } from './encryption';
import { erasingStorage } from './erasure';
import { getCohortStorage } from './engine/storage/cohortStorage';
import type { IndexedDbEnvironment } from './engine/storage/pageLog';
import { wrappedZodValidateStorage } from './validation';

addRxPlugin(RxDBMigrationSchemaPlugin);
addRxPlugin(RxDBLocalDocumentsPlugin);

export type CohortCollections = {
  groups: RxCollection<Group>;
  clients: RxCollection<Client>;
  memberships: RxCollection<Membership>;
};
export type CohortDatabase = RxDatabase<CohortCollections>;

export type DatabaseOptions = {
  /** One database per server and user, so two accounts on one laptop never mix. */
  name: string;
  /** Seals everything stored (storage/pageCodec.ts); without it pages are plain JSON (Node tests). */
  encryptionKey?: DatabaseKey;
  /** The IndexedDB to keep the database in: the browser's by default, fake-indexeddb in Node tests. */
  indexedDb?: IndexedDbEnvironment;
  /** Called when another browser tab holds the database: the open waits until it lets go. */
  onHeldElsewhere?: () => void;
  /** Another storage instead of Cohort's (a test of RxDB's own behaviour). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxDB's storage type is generic over internals
  storage?: RxStorage<any, any>;
};

export async function createCohortDatabase(options: DatabaseOptions): Promise<CohortDatabase> {
  const db = await createRxDatabase<CohortCollections>({
    name: options.name,
    storage: wrappedZodValidateStorage({
      storage: erasingStorage(
        options.storage ??
          getCohortStorage({
            key: options.encryptionKey,
            indexedDb: options.indexedDb,
            onHeldElsewhere: options.onHeldElsewhere,
            replicated: SYNC_COLLECTIONS,
            migrations: MIGRATIONS,
            sharedValues: SHARED_VALUES,
            // The overview's groups first; the clients and memberships after them.
            loadLater: ['clients', 'memberships'],
          }),
      ),
    }),
    // One tab or window holds a database at a time (the storage's lock): no cross-tab events, no leader election.
    multiInstance: false,
    localDocuments: true,
    // A hot reload or a second open in tests closes the older instance instead of failing.
    closeDuplicates: true,
  });
  const conflicts = new SyncConflicts();
  try {
    await addCohortCollections(db);
    const log = await ConflictLog.open(db);
    conflicts.attach(log);
    // A deleted client's values leave the conflict log with them, whichever device deleted them.
    db.clients.$.subscribe((event) => {
      if (event.operation === 'DELETE' || event.documentData._deleted)
        void log.forgetClient(event.documentId);
    });
  } catch (error) {
    // A database that cannot be used must not stay open: it would hold its IndexedDB
    // databases, and recovery (recovery.ts) could not delete them.
    await db.close().catch(() => undefined);
    throw error;
  }
  conflictsByDatabase.set(db, conflicts);
  return db;
}

/** Each collection's schema migrations, for the storage (which migrates first) and for RxDB. */
const MIGRATIONS = { groups: groupMigrations, clients: clientMigrations, memberships: membershipMigrations };
/** Values many documents repeat, kept once in memory: ids of groups and clients, dates (none of them personal). */
const SHARED_VALUES = { memberships: ['groupId', 'clientId', 'startDate', 'endDate'] };

async function addCohortCollections(db: CohortDatabase): Promise<void> {
  await db.addCollections({
    groups: { schema: groupRxSchema, migrationStrategies: groupMigrations },
    clients: { schema: clientRxSchema, migrationStrategies: clientMigrations },
    memberships: { schema: membershipRxSchema, migrationStrategies: membershipMigrations },
  });
}

const conflictsByDatabase = new WeakMap<CohortDatabase, SyncConflicts>();

/** The conflict handlers and log of a database made by createCohortDatabase. */
export function syncConflicts(db: CohortDatabase): SyncConflicts {
  const conflicts = conflictsByDatabase.get(db);
  if (!conflicts) throw new Error('This database was not made by createCohortDatabase.');
  return conflicts;
}

/** A database name from the server and user: letters, digits and dashes only. */
export function databaseName(serverUrl: string, userId: string): string {
  return `cohort-${stableHash(`${serverUrl}|${userId}`)}-${userId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20)}`;
}
