/**
 * Creates the local database. Storage is passed in: Dexie over IndexedDB in the app,
 * Dexie over fake-indexeddb or RxDB's memory storage in Node tests.
 */
import { addRxPlugin, createRxDatabase, type RxCollection, type RxDatabase, type RxStorage } from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { RxDBLocalDocumentsPlugin } from 'rxdb/plugins/local-documents';
import type { Client } from '../../domain/client';
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
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- RxDB's storage type is generic over internals
  storage: RxStorage<any, any>;
  /**
   * Browser tabs share IndexedDB and must know of each other's writes: true there.
   * The desktop app has one window per database: false, and no leader election.
   */
  multiInstance: boolean;
};

export async function createCohortDatabase(options: DatabaseOptions): Promise<CohortDatabase> {
  const db = await createRxDatabase<CohortCollections>({
    name: options.name,
    storage: wrappedZodValidateStorage({ storage: options.storage }),
    multiInstance: options.multiInstance,
    localDocuments: true,
    // A hot reload or a second open in tests closes the older instance instead of failing.
    closeDuplicates: true,
  });
  await db.addCollections({
    groups: { schema: groupRxSchema, migrationStrategies: groupMigrations },
    clients: { schema: clientRxSchema, migrationStrategies: clientMigrations },
    memberships: { schema: membershipRxSchema, migrationStrategies: membershipMigrations },
  });
  return db;
}

/** A database name from the server and user: letters, digits and dashes only. */
export function databaseName(serverUrl: string, userId: string): string {
  const raw = `${serverUrl}|${userId}`;
  let hash = 0x811c9dc5;
  for (let i = 0; i < raw.length; i++) {
    hash ^= raw.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return `cohort-${hash.toString(36)}-${userId
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .slice(0, 20)}`;
}
