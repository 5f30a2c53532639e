/**
 * Which collection a replication's meta rows belong to, and the hash RxDB marks the
 * documents it writes from the server with. Published by the sync client
 * (replicate.ts) before each replication starts; read by Cohort's storage, which answers
 * for the meta rows of documents the device holds as the server sent them
 * (renderer/data/storage/replicationState.ts).
 */

/** A replication whose meta rows this storage may answer for from its collection's documents. */
export type ReplicationLink = {
  /** The collection of the replicated documents (the replication's fork). */
  forkCollection: string;
  /** The collection of the replication's meta rows. */
  metaCollection: string;
  /** The hash of the replication's identifier, as RxDB puts it in the origin mark. */
  identifierHash: string;
};

/** Links per local database. Module-wide: RxDB allows one open database per name. */
const links = new Map<string, Map<string, ReplicationLink>>();

/**
 * Tells the storage of database `databaseName` which collection a replication's meta
 * rows belong to. Call before the replication starts (sync/client/replicate.ts does).
 */
export function linkReplicationState(databaseName: string, link: ReplicationLink): void {
  let byMeta = links.get(databaseName);
  if (!byMeta) links.set(databaseName, (byMeta = new Map()));
  byMeta.set(link.metaCollection, link);
}

export function linkOfMeta(databaseName: string, metaCollection: string): ReplicationLink | undefined {
  return links.get(databaseName)?.get(metaCollection);
}

export function linkOfFork(databaseName: string, forkCollection: string): ReplicationLink | undefined {
  for (const link of links.get(databaseName)?.values() ?? []) {
    if (link.forkCollection === forkCollection) return link;
  }
  return undefined;
}
