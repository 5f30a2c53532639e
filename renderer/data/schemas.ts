/**
 * RxDB schemas of the local collections. They mirror domain/ (checked by
 * schemas.test.ts); the domain's zod schemas validate every write (validation.ts).
 *
 * Versioning: bump `version` and add a function to the collection's migrations under the
 * new number (README, "Adding a schema migration"). Cohort's storage migrates a collection
 * when it is opened at a new version — its documents, the server states its waiting
 * changes started from, its checkpoint — with those functions; RxDB, handed the same
 * functions, then finds nothing left to migrate.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { ID_MAX_LENGTH } from '../../domain/ids';
import { CLIENT_EMAIL_MAX, CLIENT_NAME_MAX, CLIENT_PHONE_MAX, type Client } from '../../domain/client';
import { GROUP_DESCRIPTION_MAX, GROUP_NAME_MAX, type Group } from '../../domain/group';
import { MEMBERSHIP_ID_MAX, type Membership } from '../../domain/membership';

const timestamp = { type: 'integer', minimum: 0, maximum: 8.64e15, multipleOf: 1 } as const;

export const groupRxSchema: RxJsonSchema<Group> = {
  title: 'groups',
  // v1: archivedAt (absent or null: not archived).
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: ID_MAX_LENGTH },
    name: { type: 'string', minLength: 1, maxLength: GROUP_NAME_MAX },
    description: { type: 'string', maxLength: GROUP_DESCRIPTION_MAX },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    archivedAt: { type: ['integer', 'null'], minimum: 0, maximum: 8.64e15, multipleOf: 1 },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  required: ['id', 'name', 'description', 'metadata', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  indexes: ['name'],
};

/** Version → function from the previous version's document (a tombstone too: only its id and times). */
export const groupMigrations: MigrationStrategies = {
  // v0 → v1: archivedAt is new, and absent means not archived: the same document.
  1: (doc: Group) => doc,
};

const date = { type: 'string', maxLength: 10 } as const;

export const clientRxSchema: RxJsonSchema<Client> = {
  title: 'clients',
  // v1: name, email, phone and birth date are encrypted at rest (encryption.ts), so not indexed.
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: ID_MAX_LENGTH },
    name: { type: 'string', minLength: 1, maxLength: CLIENT_NAME_MAX },
    email: { type: 'string', maxLength: CLIENT_EMAIL_MAX },
    phone: { type: 'string', maxLength: CLIENT_PHONE_MAX },
    birthDate: date,
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  required: ['id', 'name', 'createdAt', 'updatedAt'],
  additionalProperties: false,
};

export const membershipRxSchema: RxJsonSchema<Membership> = {
  title: 'memberships',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: MEMBERSHIP_ID_MAX },
    groupId: { type: 'string', maxLength: ID_MAX_LENGTH },
    clientId: { type: 'string', maxLength: ID_MAX_LENGTH },
    startDate: date,
    endDate: date,
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  required: ['id', 'groupId', 'clientId', 'startDate', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  indexes: ['groupId', 'clientId'],
};

/** v0 → v1: the same document; migrating rewrites it, which encrypts it. */
export const clientMigrations: MigrationStrategies = { 1: (doc: Client) => doc };
export const membershipMigrations: MigrationStrategies = {};
