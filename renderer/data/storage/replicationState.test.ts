/**
 * The replication state the storage answers for (replicationState.ts), straight on the
 * storage: a document written from the server is its own state; its first local change
 * sets the server's state aside, on disk with the change; a meta row stored later replaces
 * it for good, also after a restart and whatever the clock said meanwhile.
 */
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import {
  getRxReplicationMetaInstanceSchema,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstance,
} from 'rxdb';
import { describe, expect, it } from 'vitest';
import { linkReplicationState } from '../../../sync/client/replicationLinks';
import { getCohortStorage } from './cohortStorage';
import { namedRowSchema, type NamedRow } from './storageTesting';

type Row = NamedRow;
type Doc = RxDocumentData<Row>;
type Meta = RxDocumentData<{ id: string; itemId: string; isCheckpoint: string; docData: Row }>;

const schema = namedRowSchema;
const metaSchema = getRxReplicationMetaInstanceSchema(schema, false) as RxJsonSchema<Meta>;
const HASH = 'replication-hash';
let n = 0;

async function openBoth(name: string) {
  const storage = getCohortStorage({ indexedDb: { indexedDB, IDBKeyRange } }) as RxStorage<unknown, unknown>;
  const params = {
    databaseName: name,
    options: {},
    multiInstance: false,
    devMode: false,
    databaseInstanceToken: 't',
  };
  const fork = (await storage.createStorageInstance<Row>({
    ...params,
    collectionName: 'rows',
    schema,
  })) as RxStorageInstance<Row, unknown, unknown>;
  const meta = (await storage.createStorageInstance<Meta>({
    ...params,
    collectionName: 'rows-meta',
    schema: metaSchema,
  })) as RxStorageInstance<Meta, unknown, unknown>;
  const assumed = async () =>
    ((await meta.findDocumentsById(['x|0'], true))[0] as Meta | undefined)?.docData.name;
  return { fork, meta, assumed, close: () => Promise.all([fork.close(), meta.close()]) };
}

/** Document x as RxDB's downstream writes it from the server (its origin mark on revision 1). */
const fromServer = (name: string): Doc => ({
  id: 'x',
  name,
  _deleted: false,
  _attachments: {},
  _rev: `1-${HASH}`,
  _meta: { lwt: 5_000, o: { _rev: 1, hash: HASH } } as Doc['_meta'],
});

describe('the replication state the storage answers for', () => {
  it('is the server’s state until a stored row replaces it, across restarts, whatever the clock', async () => {
    const name = `replication-state-${n++}`;
    linkReplicationState(name, { forkCollection: 'rows', metaCollection: 'rows-meta', identifierHash: HASH });
    let open = await openBoth(name);
    const server = fromServer('From the server');
    await open.fork.bulkWrite([{ document: server }], 'replication-down');
    // Nothing stored for it: the document answers.
    expect(await open.assumed()).toBe('From the server');

    // A local change (RxDB's wrapper gives it revision 2; the mark still names revision 1).
    const local: Doc = {
      ...server,
      name: 'Changed here',
      _rev: '2-local',
      _meta: { ...server._meta, lwt: 9_000 },
    };
    await open.fork.bulkWrite([{ previous: server, document: local }], 'local');
    expect(await open.assumed()).toBe('From the server');
    await open.close();
    open = await openBoth(name);
    expect(await open.assumed()).toBe('From the server');

    // The push went through: RxDB stores the pushed state as the server's, over the made-up row,
    // with an lwt older than the change (the clock went back between the sessions).
    const madeUp = (await open.meta.findDocumentsById(['x|0'], true))[0] as Meta;
    const pushed: Meta = {
      ...madeUp,
      docData: { id: 'x', name: 'Changed here' },
      _rev: '2-meta',
      _meta: { lwt: 1_000 },
    } as Meta;
    expect(
      (await open.meta.bulkWrite([{ previous: madeUp, document: pushed }], 'replication-up-write-meta'))
        .error,
    ).toEqual([]);
    expect(await open.assumed()).toBe('Changed here');
    await open.close();
    open = await openBoth(name);
    expect(await open.assumed()).toBe('Changed here');
    await open.close();
  });
});
