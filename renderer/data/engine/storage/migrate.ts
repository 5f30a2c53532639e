/**
 * Schema migrations, done by the storage: when a collection is opened at a newer schema
 * version than its log holds, its documents, the server states its waiting changes started
 * from and its pull checkpoint are brought to the new version together, before anything
 * reads it. RxDB's own migration (the migration-schema plugin) copies documents only, and
 * as writes of this device: each would become a change waiting for the server, and the
 * server states the waits started from would be lost. Handed the same functions, it then
 * finds the old version empty and only tidies its own records.
 *
 * The functions are RxDB's migration strategies (schemas.ts): version → function from the
 * previous version's document (without `_meta` and `_deleted`) to the next, or null to drop
 * the document; here they are called with the document alone. A server state goes through the same functions: a waiting change is
 * compared with it field by field (replica.ts), so both must be in the same shape.
 *
 * Interrupted (the app quit), a migration is done again at the next opening: the old
 * version's pages stay until the new version is written whole, and while they are there
 * the new version counts as unfinished.
 */
import type { MigrationStrategies } from 'rxdb';
import type { Doc } from './memoryCollection';
import type { Page, PageLog } from './pageLog';

/** Documents per page of a migrated collection. */
const MIGRATED_PAGE = 1_000;

/**
 * The versions of collection `name` in the log below `version`, oldest first: a request
 * for each, side by side (every start asks, for each collection past version 0; listing
 * the log's collections instead took one request after another, 200 ms at "network").
 */
async function olderVersions(log: PageLog, name: string, version: number): Promise<number[]> {
  const versions = Array.from({ length: version }, (_, v) => v);
  const held = await Promise.all(versions.map((v) => log.holds(`${name}--${v}`)));
  return versions.filter((_, i) => held[i]);
}

/** A document's fields without the storage's own, through every function from version `from` up to `to`; null: dropped. */
async function migrateFields(
  fields: Record<string, unknown>,
  from: number,
  to: number,
  strategies: MigrationStrategies,
): Promise<Record<string, unknown> | null> {
  let current: Record<string, unknown> | null = structuredClone(fields);
  for (let v = from + 1; v <= to && current !== null; v++) {
    // Cohort's functions take the document alone (schemas.ts): RxDB's second argument, the
    // collection, does not exist while the storage opens.
    const strategy = strategies[v] as ((doc: unknown) => unknown) | undefined;
    if (!strategy) throw new Error(`There is no migration to version ${v}.`);
    current = ((await strategy(current)) as Record<string, unknown> | null) ?? null;
  }
  return current;
}

async function migrateDoc(doc: Doc, from: number, to: number, strategies: MigrationStrategies) {
  const { _meta, _deleted, ...fields } = doc;
  const migrated = await migrateFields(fields, from, to, strategies);
  return migrated === null ? null : ({ ...migrated, _meta, _deleted } as Doc);
}

async function migrateServerState(
  state: Record<string, unknown>,
  from: number,
  to: number,
  s: MigrationStrategies,
) {
  const { _deleted, ...fields } = state;
  const migrated = await migrateFields(fields, from, to, s);
  return migrated === null ? null : { ...migrated, _deleted };
}

/**
 * Brings collection `name` to `version` in the log, if the log holds it at an older one
 * (see the header). Throws, leaving the old version as it was, when a function throws.
 */
export async function migrateCollection(
  log: PageLog,
  name: string,
  version: number,
  primaryPath: string,
  strategies: MigrationStrategies,
): Promise<void> {
  const older = await olderVersions(log, name, version);
  const from = older[0];
  if (from === undefined) return;
  const oldKey = `${name}--${from}`;
  const docs = new Map<string, Doc>();
  const pending = new Map<string, Record<string, unknown> | null>();
  let checkpoint: unknown;
  await log.read(oldKey, (page) => {
    for (const doc of page.docs as Doc[]) docs.set(doc[primaryPath] as string, doc);
    for (const id of page.purged ?? []) {
      docs.delete(id);
      pending.delete(id);
    }
    for (const [id, server] of page.pending ?? []) pending.set(id, server as Record<string, unknown> | null);
    for (const id of page.settled ?? []) pending.delete(id);
    if (page.checkpoint !== undefined) checkpoint = page.checkpoint;
  });

  const migrated: Doc[] = [];
  const waiting: [string, unknown][] = [];
  for (const [id, doc] of docs) {
    let next: Doc | null;
    try {
      next = await migrateDoc(doc, from, version, strategies);
    } catch (error) {
      throw new Error(`Migrating ${name} ${id} from version ${from} to ${version} failed.`, { cause: error });
    }
    // Dropped by a function: its waiting change goes with it.
    if (next === null) continue;
    migrated.push(next);
    if (!pending.has(id)) continue;
    const server = pending.get(id) ?? null;
    waiting.push([id, server === null ? null : await migrateServerState(server, from, version, strategies)]);
  }

  const pages: Page[] = [];
  for (let i = 0; i < migrated.length; i += MIGRATED_PAGE)
    pages.push({ docs: migrated.slice(i, i + MIGRATED_PAGE) });
  if (waiting.length > 0 || checkpoint !== undefined) {
    pages.push({
      docs: [],
      ...(waiting.length > 0 ? { pending: waiting } : {}),
      ...(checkpoint === undefined ? {} : { checkpoint }),
    });
  }
  const newKey = `${name}--${version}`;
  // Whatever an interrupted migration wrote of the new version goes first.
  await log.drop(newKey);
  await log.snapshot(newKey, 0, pages);
  for (const v of older) await log.drop(`${name}--${v}`);
}
