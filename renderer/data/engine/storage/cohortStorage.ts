/**
 * Cohort's RxDB storage: every collection in memory with its indexes, every write appended
 * to a log of pages in IndexedDB (pageLog.ts), sealed with the database's key. Opening a
 * database reads the log back; each collection is loaded on its own, so the first screen
 * waits only for what it shows.
 *
 * Why not RxDB's Dexie storage, which the app used before: it keeps a row per document
 * with four to six index entries and a second row per document for the replication's
 * state, and IndexedDB's cost is per record and per index entry. The first sync of the
 * "network" organisation (610,000 documents) took 2.6 times as long as fetching the same
 * pages and storing each document in a bare table — and longer than PouchDB would need
 * with three times its speed. README, Performance, has the figures.
 *
 * One tab at a time: a browser tab that opens a database another tab holds waits until
 * that tab lets go (Web Locks), and is told so. The desktop app has one window anyway.
 */
import {
  ensureRxStorageInstanceParamsAreCorrect,
  getPrimaryFieldOfPrimaryKey,
  RXDB_VERSION,
  type MigrationStrategies,
  type RxStorage,
  type RxStorageInstanceCreationParams,
} from 'rxdb';
import { CollectionHandle } from './collectionHandle';
import { CohortStorageInstance, type Internals } from './instance';
import { ValuePool, type Doc } from './memoryCollection';
import type { PageKey } from './pageCodec';
import { upgradeLegacyLog } from './legacy';
import { migrateCollection } from './migrate';
import { logDatabaseName, PageLog, type IndexedDbEnvironment } from './pageLog';

export const COHORT_STORAGE_NAME = 'cohort-pages';

/**
 * The RxDB release this storage was written and tested against (its contract tests,
 * contract.test.ts). Another installed release is refused at the first database, with
 * what to do, rather than trusted: RxDB's storage interface may change between releases.
 */
export const TESTED_RXDB_VERSION = '17.6.0';

/** How long writes pause before an erasure's compaction (a burst of deletions is compacted once). */
export const ERASURE_AFTER_MS = 1_000;

export type CohortStorageOptions = {
  /** Seals every page with this key (keys.ts); without one, pages are plain JSON (Node tests). */
  key?: PageKey;
  /** The IndexedDB to use: fake-indexeddb in Node tests; the browser's by default. */
  indexedDb?: IndexedDbEnvironment;
  /** Called when another tab holds the database, before waiting for it. */
  onHeldElsewhere?: () => void;
  /**
   * The collections that replicate with a server: every write RxDB makes to them is a local
   * change that waits for the server (instance.ts), and the sync engine reaches them
   * through their replica (replica.ts).
   */
  replicated?: readonly string[];
  /**
   * Each collection's schema migrations (schemas.ts): a collection opened at a newer
   * version than the log holds is migrated by the storage, sync state and all (migrate.ts).
   */
  migrations?: Readonly<Record<string, MigrationStrategies>>;
  /**
   * Per collection, the fields whose values many documents repeat (a membership's group
   * and client ids, its dates): memory keeps each value once per database (memoryCollection.ts).
   * Not for personal data: a value stays in memory until the database closes.
   */
  sharedValues?: Readonly<Record<string, readonly string[]>>;
  /**
   * The collections the first screen shows (the groups): the large ones listed in
   * `loadLater` start reading their pages once these are read, instead of sharing the
   * main thread with them (the groups' rows waited 200 ms behind 500,000 memberships).
   */
  loadLater?: readonly string[];
};

type DatabaseHandle = {
  log: PageLog;
  opened: Promise<unknown>;
  collections: Map<string, CollectionHandle>;
  /** The repeated values of every collection's documents, each kept once. */
  pool: ValuePool;
  /** A write erased what earlier pages hold: every log is compacted once writes pause. */
  erasure(): void;
  /** Collections whose last instance is closing: a new handle reads the log after they wrote it. */
  closing: Map<string, Promise<void>>;
  /** Each collection's migration to the version it is opened at (one per collection and session). */
  migrations: Map<string, Promise<void>>;
  /** Instances being made (waiting for a migration): the database stays open for them. */
  opening: number;
  unlock: () => void;
};

export type CohortStorage = RxStorage<Internals, object>;

export function getCohortStorage(options: CohortStorageOptions = {}): CohortStorage {
  const databases = new Map<string, DatabaseHandle>();

  const openDatabase = (name: string): DatabaseHandle => {
    const log = new PageLog(name, options.key, options.indexedDb);
    let unlock: () => void = () => undefined;
    const locked = holdLock(logDatabaseName(name), options.onHeldElsewhere).then((release) => {
      unlock = release;
    });
    let erasureTimer: ReturnType<typeof setTimeout> | undefined;
    const database: DatabaseHandle = {
      log,
      // A database an earlier Cohort kept beside RxDB's replication is brought to today's sync state first.
      opened: locked
        .then(() => performance.mark('cohort:locked'))
        .then(() => log.open())
        .then(() => performance.mark('cohort:log-open'))
        .then(() => upgradeLegacyLog(log, options.replicated ?? []))
        .then(() => performance.mark('cohort:legacy-checked')),
      collections: new Map(),
      pool: new ValuePool(),
      closing: new Map(),
      migrations: new Map(),
      opening: 0,
      unlock: () => unlock(),
      // Every log, not only the one written: a deleted document's content is also in the
      // replication's state, the outbox and the conflict log.
      erasure: () => {
        clearTimeout(erasureTimer);
        erasureTimer = setTimeout(() => {
          for (const handle of database.collections.values())
            handle.compactForErasure().catch(() => undefined);
        }, ERASURE_AFTER_MS);
      },
    };
    database.opened.catch(() => undefined);
    return database;
  };

  const release = async (name: string, handle: CollectionHandle) => {
    handle.refs -= 1;
    if (handle.refs > 0) return;
    const database = databases.get(name);
    if (!database) return;
    const closing = handle.close();
    database.closing.set(handle.key, closing);
    database.collections.delete(handle.key);
    await closing;
    if (database.closing.get(handle.key) === closing) database.closing.delete(handle.key);
    closeIfIdle(name, database);
  };

  const closeIfIdle = (name: string, database: DatabaseHandle) => {
    const idle = database.collections.size === 0 && database.closing.size === 0 && database.opening === 0;
    if (idle && databases.get(name) === database) {
      databases.delete(name);
      database.log.close();
      database.unlock();
    }
  };

  /**
   * Migrates the collection to the version it is opened at, once; every instance of it
   * (RxDB's migration opens the old version too) waits for that. A failed migration leaves
   * the database as it was, and is tried again at the next opening.
   */
  const migrated = (database: DatabaseHandle, p: RxStorageInstanceCreationParams<Doc, object>) => {
    const strategies = options.migrations?.[p.collectionName];
    let migration = database.migrations.get(p.collectionName);
    if (!migration && strategies && p.schema.version > 0) {
      const primaryPath = getPrimaryFieldOfPrimaryKey(p.schema.primaryKey);
      migration = database.opened.then(() =>
        migrateCollection(database.log, p.collectionName, p.schema.version, primaryPath, strategies),
      );
      database.migrations.set(p.collectionName, migration);
      migration.catch(() => database.migrations.delete(p.collectionName));
    }
    return migration;
  };

  /** Waits until the collections not in `loadLater` that are open now have read their pages (failed or not). */
  const loadedFirst = (database: DatabaseHandle) =>
    Promise.all(
      [...database.collections.entries()]
        .filter(([key]) => !(options.loadLater ?? []).some((name) => key.startsWith(`${name}--`)))
        .map(([, handle]) => handle.ready.catch(() => undefined)),
    );

  return {
    name: COHORT_STORAGE_NAME,
    rxdbVersion: TESTED_RXDB_VERSION,
    // RxDB's typings are generic over the document type; this storage holds any document.
    async createStorageInstance<T>(params: RxStorageInstanceCreationParams<T, object>) {
      if (RXDB_VERSION !== TESTED_RXDB_VERSION) {
        throw new Error(
          `Cohort's storage is tested with RxDB ${TESTED_RXDB_VERSION}, but ${RXDB_VERSION} is installed: ` +
            'run renderer/data/engine/storage/contract.test.ts against it, then raise TESTED_RXDB_VERSION.',
        );
      }
      ensureRxStorageInstanceParamsAreCorrect(params);
      const p = params as unknown as RxStorageInstanceCreationParams<Doc, object>;
      if (p.schema.attachments) throw new Error('Cohort stores no attachments.');
      let database = databases.get(p.databaseName);
      if (!database) databases.set(p.databaseName, (database = openDatabase(p.databaseName)));
      database.opening += 1;
      try {
        await migrated(database, p);
      } catch (error) {
        database.opening -= 1;
        closeIfIdle(p.databaseName, database);
        throw error;
      }
      database.opening -= 1;
      const key = collectionKey(p.collectionName, p.schema.version);
      let handle = database.collections.get(key);
      if (!handle) {
        handle = new CollectionHandle(
          key,
          p.schema,
          getPrimaryFieldOfPrimaryKey(p.schema.primaryKey),
          database.log,
          Promise.all([database.opened, database.closing.get(key)]).then(() =>
            (options.loadLater ?? []).includes(p.collectionName) ? loadedFirst(database) : undefined,
          ),
          () => databases.get(p.databaseName)?.erasure(),
          { shared: options.sharedValues?.[p.collectionName] ?? [], pool: database.pool },
        );
        database.collections.set(key, handle);
      }
      handle.refs += 1;
      const instance = new CohortStorageInstance(
        p,
        handle,
        (options.replicated ?? []).includes(p.collectionName),
        () => release(p.databaseName, handle),
      );
      return instance as never;
    },
  };
}

export const collectionKey = (name: string, version: number) => `${name}--${version}`;

/** The part of the Web Locks API used here (navigator.locks). */
type Locks = {
  request(
    name: string,
    options: { mode: 'exclusive'; ifAvailable?: boolean },
    callback: (lock: object | null) => Promise<void> | undefined,
  ): Promise<unknown>;
};

/**
 * Holds the Web Lock named `name` until the returned function is called; where there are
 * no Web Locks (Node), holds nothing.
 */
async function holdLock(name: string, onHeldElsewhere?: () => void): Promise<() => void> {
  const locks = (globalThis as { navigator?: { locks?: Locks } }).navigator?.locks;
  if (!locks) return () => undefined;
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => (release = resolve));
  const granted = await new Promise<boolean>((resolve) => {
    void locks.request(name, { mode: 'exclusive', ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock ? held : undefined;
    });
  });
  if (granted) return release;
  onHeldElsewhere?.();
  await new Promise<void>((resolve) => {
    void locks.request(name, { mode: 'exclusive' }, () => {
      resolve();
      return held;
    });
  });
  return release;
}
