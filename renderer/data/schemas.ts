/**
 * RxDB schemas of the local collections. They mirror domain/ (checked by
 * schemas.test.ts); the domain's zod schemas validate every write (validation.ts).
 *
 * Versioning: bump `version` and add a function to `migrationStrategies` under the new
 * number; RxDB migrates stored documents on open.
 */
import type { MigrationStrategies, RxJsonSchema } from 'rxdb';
import { ID_MAX_LENGTH } from '../../domain/ids';
import { GROUP_DESCRIPTION_MAX, GROUP_NAME_MAX, type Group } from '../../domain/group';

const timestamp = { type: 'integer', minimum: 0, maximum: 8.64e15, multipleOf: 1 } as const;

export const groupRxSchema: RxJsonSchema<Group> = {
  title: 'groups',
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: ID_MAX_LENGTH },
    name: { type: 'string', minLength: 1, maxLength: GROUP_NAME_MAX },
    description: { type: 'string', maxLength: GROUP_DESCRIPTION_MAX },
    metadata: { type: 'object', additionalProperties: { type: 'string' } },
    createdAt: timestamp,
    updatedAt: timestamp,
  },
  required: ['id', 'name', 'description', 'metadata', 'createdAt', 'updatedAt'],
  additionalProperties: false,
  indexes: ['name'],
};

/** Version → function from the previous version's document. Empty while v0 is the only version. */
export const groupMigrations: MigrationStrategies = {};
