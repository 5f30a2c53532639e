/**
 * A schema migration done by the storage (migrate.ts), through RxDB's collections as the
 * app opens them: the documents, the changes waiting for the server with the server states
 * they started from, and the pull checkpoint reach the new version — none of it turned
 * into a new change — and an interrupted or failing migration loses nothing.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import {
  addRxPlugin,
  createRxDatabase,
  type MigrationStrategies,
  type RxCollection,
  type RxDatabase,
} from 'rxdb';
import { RxDBMigrationSchemaPlugin } from 'rxdb/plugins/migration-schema';
import { afterEach, describe, expect, it } from 'vitest';
import { getCohortStorage } from './cohortStorage';
import type { Internals } from './instance';
import { PageLog } from './pageLog';

addRxPlugin(RxDBMigrationSchemaPlugin);

const env = { indexedDB, IDBKeyRange };
type V0 = { id: string; name: string };
type V1 = { id: string; title: string; stars?: number };

const properties0 = {
  id: { type: 'string', maxLength: 20 },
  name: { type: 'string', maxLength: 40 },
} as const;
const schema0 = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: properties0,
  required: ['id'],
} as const;
const schema1 = {
  version: 1,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 20 },
    title: { type: 'string', maxLength: 40 },
    stars: { type: 'integer', minimum: 0, maximum: 5, multipleOf: 1 },
  },
  required: ['id'],
} as const;

/** v0 → v1: `name` becomes `title`; a row named "drop me" goes. A tombstone has its id alone. */
const strategies: MigrationStrategies = {
  1: (doc: Partial<V0>) => {
    if (doc.name === 'drop me') return null;
    const { name, ...rest } = doc;
    return name === undefined ? rest : { ...rest, title: name };
  },
};

let names = 0;
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- databases of either version
type AnyDb = RxDatabase<any>;
const open: AnyDb[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((db) => db.close()));
});

async function openDb<T>(name: string, schema: object, migrations?: MigrationStrategies) {
  const db = await createRxDatabase<{ rows: RxCollection<T> }>({
    name,
    storage: getCohortStorage({
      indexedDb: env,
      replicated: ['rows'],
      ...(migrations ? { migrations: { rows: migrations } } : {}),
    }),
    multiInstance: false,
  });
  open.push(db);
  try {
    await db.addCollections({
      rows: { schema: schema as never, ...(migrations ? { migrationStrategies: migrations } : {}) },
    });
  } catch (error) {
    open.splice(open.indexOf(db), 1);
    await db.close();
    throw error;
  }
  const replica = (db.rows.storageInstance.internals as Internals).replica;
  if (!replica) throw new Error('rows is replicated');
  return { db, replica };
}

const close = async (db: AnyDb) => {
  open.splice(open.indexOf(db), 1);
  await db.close();
};

/** A v0 database: three rows as the server sent them, a deleted one, then two local edits and a row made here. */
async function version0(): Promise<string> {
  const name = `migrate-${++names}`;
  const { db, replica } = await openDb<V0>(name, schema0);
  const server = {
    a: { id: 'a', name: 'Ada', _deleted: false },
    b: { id: 'b', name: 'Bob', _deleted: false },
    c: { id: 'c', name: 'Cy', _deleted: false },
    gone: { id: 'gone', _deleted: true },
  } as Record<string, Record<string, unknown>>;
  await replica.apply(Object.keys(server), ({ id }) => ({ doc: server[id], sync: 'synced' }), {
    id: 'gone',
    n: 7,
  });
  await db.rows.findOne('a').patch({ name: 'Ada L' });
  await db.rows.findOne('c').patch({ name: 'drop me' });
  await db.rows.insert({ id: 'e', name: 'Eve' });
  expect(await replica.waiting()).toHaveLength(3);
  await close(db);
  return name;
}

async function logKeys(name: string): Promise<string[]> {
  const log = new PageLog(name, undefined, env);
  await log.open();
  try {
    return (await log.collections()).filter((k) => k.startsWith('rows--')).sort();
  } finally {
    log.close();
  }
}

describe('a collection opened at a newer schema version', () => {
  it('brings its documents, waiting changes with their server states, and checkpoint along', async () => {
    const name = await version0();
    const { db, replica } = await openDb<V1>(name, schema1, strategies);

    const rows = (await db.rows.find().exec()).map((d) => d.toJSON());
    expect(rows.sort((x, y) => x.id.localeCompare(y.id))).toEqual([
      { id: 'a', title: 'Ada L' },
      { id: 'b', title: 'Bob' },
      { id: 'e', title: 'Eve' },
    ]);
    // The changes that waited still wait, each from the server's state in the new shape —
    // none more (RxDB's own migration would have made every row a change of this device).
    const waiting = await replica.waiting();
    expect(waiting.sort((x, y) => String(x.doc.id).localeCompare(String(y.doc.id)))).toEqual([
      {
        doc: { id: 'a', title: 'Ada L', _deleted: false },
        server: { id: 'a', title: 'Ada', _deleted: false },
      },
      { doc: { id: 'e', title: 'Eve', _deleted: false }, server: null },
    ]);
    expect(replica.checkpoint).toEqual({ id: 'gone', n: 7 });
    // The tombstone went through the functions too.
    const gone = await db.rows.storageInstance.findDocumentsById(['gone'], true);
    expect(gone.map((d) => [d.id, d._deleted])).toEqual([['gone', true]]);
    await close(db);
    expect(await logKeys(name)).toEqual(['rows--1']);

    // Opened again, nothing is migrated twice and nothing changes.
    const again = await openDb<V1>(name, schema1, strategies);
    expect(await again.db.rows.count().exec()).toBe(3);
    expect(await again.replica.waiting()).toHaveLength(2);
  });

  it('does an interrupted migration again from the old version', async () => {
    const name = await version0();
    // The app quit while writing the new version: part of it is in the log, the old version too.
    const log = new PageLog(name, undefined, env);
    await log.open();
    await log.append('rows--1', 0, {
      docs: [
        {
          id: 'half',
          title: 'half written',
          _deleted: false,
          _rev: '1-x',
          _meta: { lwt: 1 },
          _attachments: {},
        },
      ],
    });
    log.close();

    const { db, replica } = await openDb<V1>(name, schema1, strategies);
    expect((await db.rows.find().exec()).map((d) => d.id).sort()).toEqual(['a', 'b', 'e']);
    expect(await replica.waiting()).toHaveLength(2);
    await close(db);
    expect(await logKeys(name)).toEqual(['rows--1']);
  });

  it('fails with the document it could not migrate, keeps the old version, and succeeds once fixed', async () => {
    const name = await version0();
    const broken: MigrationStrategies = {
      1: (doc: V0) => {
        if (doc.id === 'b') throw new Error('no way');
        return strategies[1]?.(doc, undefined as never);
      },
    };
    await expect(openDb<V1>(name, schema1, broken)).rejects.toThrow(/Migrating rows b from version 0 to 1/);
    expect(await logKeys(name)).toEqual(['rows--0']);

    // The failed open let go of the database: it opens again, with a working migration.
    const { db, replica } = await openDb<V1>(name, schema1, strategies);
    expect(await db.rows.count().exec()).toBe(3);
    expect(await replica.waiting()).toHaveLength(2);
  });
});
