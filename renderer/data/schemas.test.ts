/** The RxDB schema and the domain's zod schema say the same, and every local write is checked. */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import { afterEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  checkGroupInput,
  createGroup,
  groupSchema,
  GROUP_DESCRIPTION_MAX,
  GROUP_NAME_MAX,
} from '../../domain/group';
import { ID_MAX_LENGTH } from '../../domain/ids';
import { createCohortDatabase, databaseName, type CohortDatabase } from './database';
import {
  clientMigrations,
  clientRxSchema,
  groupMigrations,
  groupRxSchema,
  membershipMigrations,
  membershipRxSchema,
} from './schemas';

let db: CohortDatabase | undefined;
afterEach(async () => {
  await db?.close();
  db = undefined;
});

describe('local groups collection', () => {
  it('has the fields and limits of the domain schema', () => {
    const zodFields = Object.keys((groupSchema as z.ZodObject).shape).sort();
    expect(Object.keys(groupRxSchema.properties).sort()).toEqual(zodFields);
    // Every field is required but the optional one (archivedAt).
    expect([...(groupRxSchema.required as string[])].sort()).toEqual(
      zodFields.filter((f) => f !== 'archivedAt'),
    );
    expect(groupRxSchema.properties.name.maxLength).toBe(GROUP_NAME_MAX);
    expect(groupRxSchema.properties.description.maxLength).toBe(GROUP_DESCRIPTION_MAX);
    expect(groupRxSchema.properties.id.maxLength).toBe(ID_MAX_LENGTH);
    expect(groupRxSchema.additionalProperties).toBe(false);
  });

  it('stores a valid group and refuses what the domain refuses', async () => {
    db = await createCohortDatabase({
      name: `schema-${Date.now()}`,
      indexedDb: { indexedDB, IDBKeyRange },
    });
    const group = createGroup(
      checkGroupInput({ name: 'Walk', description: '', metadata: { room: '1' } }),
      'g1',
      1000,
    );
    await db.groups.insert(group);
    expect((await db.groups.findOne('g1').exec())?.toJSON()).toMatchObject(group);
    // Untrimmed names pass JSON schema but not the domain rule: the zod validator refuses them.
    await expect(db.groups.insert({ ...group, id: 'g2', name: ' padded ' })).rejects.toThrow();
    await expect(db.groups.insert({ ...group, id: 'g3', name: 'x'.repeat(101) })).rejects.toThrow();
    expect(await db.groups.count().exec()).toBe(1);
  });

  it('has a migration to each version of each collection, and none beyond', () => {
    for (const [schema, migrations] of [
      [groupRxSchema, groupMigrations],
      [clientRxSchema, clientMigrations],
      [membershipRxSchema, membershipMigrations],
    ] as const) {
      const versions = Array.from({ length: schema.version }, (_, i) => i + 1);
      expect(Object.keys(migrations).map(Number).sort()).toEqual(versions);
      for (const v of versions) expect(typeof migrations[v]).toBe('function');
    }
  });

  it('names one database per server and user, in characters IndexedDB accepts', () => {
    const a = databaseName('http://127.0.0.1:8787', 'user-demo-admin');
    expect(a).toMatch(/^cohort-[a-z0-9]+-[a-z0-9]+$/);
    expect(databaseName('http://127.0.0.1:8787', 'user-demo-viewer')).not.toBe(a);
    expect(databaseName('https://cohort.example', 'user-demo-admin')).not.toBe(a);
  });
});
