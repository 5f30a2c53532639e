/**
 * Brings a database of Cohort as it was until 2026-12-04 to today's sync state, once, when
 * it is opened. Then, RxDB's replication plugin kept its state beside each collection — a
 * meta collection (`rx-replication-meta-…`) with rows `<id>|0` holding the server state of
 * a document, and checkpoint rows `down|1` and `up|1` — and Cohort's storage answered for
 * documents held as the server sent them, set aside the server's state of a document before
 * its first local change (`masters` in a page, with a token that a stored row replacing it
 * named in its `_meta.p`), and counted unsent changes in a local document (`sync-outbox`).
 *
 * From those: every change that waited still waits, from the server state it started from
 * (the set-aside state no stored row replaced; else the stored row; else none: made here),
 * and each collection's pull checkpoint is kept. Then the meta collections and the old
 * outbox go. The conflict log is RxDB's local document as before and stays as it is.
 *
 * These are formats of RxDB 17.6 and of Cohort's own earlier code, read here only, from a
 * frozen copy of such a database: engine/migration.test.ts (fixtures/device-2026-12-04.json).
 */
import type { PageLog } from './pageLog';

type Row = Record<string, unknown> & { id: string; _deleted?: boolean; _meta?: Record<string, unknown> };

const META_PREFIX = 'rx-replication-meta-';
const LOCAL_DOCUMENTS_PREFIX = 'plugin-local-documents-';
const OUTBOX_DOC = 'sync-outbox';

/** The documents a collection's log holds, later versions winning, and the server states it set aside. */
async function replay(log: PageLog, key: string) {
  const docs = new Map<string, Row>();
  const masters = new Map<string, { state: Row; token: string }>();
  await log.read(key, (page) => {
    for (const doc of page.docs as Row[]) docs.set(doc.id, doc);
    for (const id of page.purged ?? []) docs.delete(id);
    for (const [id, state, token] of page.masters ?? []) masters.set(id, { state: state as Row, token });
  });
  return { docs, masters };
}

/** The key of collection `name` at its latest version in the log. */
function latest(keys: string[], name: string): string | undefined {
  return keys
    .filter((k) => k.startsWith(`${name}--`) && /^\d+$/.test(k.slice(name.length + 2)))
    .sort((a, b) => Number(b.slice(name.length + 2)) - Number(a.slice(name.length + 2)))[0];
}

/**
 * The unsent changes a database of before 2026-12-04 kept in its outbox (`collection/id`
 * → the document's state as JSON), or null when the database keeps none that way.
 */
export async function legacyOutbox(log: PageLog): Promise<Record<string, string> | null> {
  const localKey = (await log.collections()).find((k) => k.startsWith(LOCAL_DOCUMENTS_PREFIX));
  if (!localKey) return null;
  const outbox = (await replay(log, localKey)).docs.get(OUTBOX_DOC);
  return outbox ? ((outbox.data as { entries?: Record<string, string> } | undefined)?.entries ?? {}) : null;
}

/**
 * The log's format since 2026-12-04 (the sync state Cohort's own): a log marked with it
 * is not looked through again at every start (that took 150 ms at "network").
 */
export const LOG_FORMAT = 2;

/**
 * Converts a database kept beside RxDB's replication (see the header), once; does nothing
 * to any other. Marks the log as converted unless an outbox entry had to stay (it is
 * tried again at the next start).
 */
export async function upgradeLegacyLog(log: PageLog, replicated: readonly string[]): Promise<void> {
  if ((await log.mark('format')) >= LOG_FORMAT) return;
  const left = await convertLegacyLog(log, replicated);
  if (left === 0) await log.setMark('format', LOG_FORMAT);
}

/** The conversion; resolves with how many outbox entries stay in the outbox. */
async function convertLegacyLog(log: PageLog, replicated: readonly string[]): Promise<number> {
  const keys = await log.collections();
  const metaKeys = keys.filter((k) => k.startsWith(META_PREFIX));
  const localKey = keys.find((k) => k.startsWith(LOCAL_DOCUMENTS_PREFIX));
  const outbox = await legacyOutbox(log);
  if (metaKeys.length === 0 && outbox === null) return 0;
  const metas = await Promise.all(
    metaKeys.map(async (key) => ({ key, rows: (await replay(log, key)).docs })),
  );
  /** Outbox entries converted: the rest stay in the outbox (a collection the log lacks, a damaged entry). */
  const converted = new Set<string>();

  for (const name of replicated) {
    const key = latest(keys, name);
    if (!key) continue;
    const { docs, masters } = await replay(log, key);
    // The meta collection of this collection: the one whose rows name its documents.
    const meta = metas.find(({ rows }) =>
      [...rows.values()].some((row) => {
        const named = row.isCheckpoint === '1' ? (row.checkpointData as { id?: unknown })?.id : row.itemId;
        return typeof named === 'string' && docs.has(named);
      }),
    )?.rows;
    const prefix = `${name}/`;
    const waitingIds = Object.keys(outbox ?? {})
      .filter((k) => k.startsWith(prefix))
      .map((k) => k.slice(prefix.length));
    const pending: [string, unknown][] = waitingIds.map((id) => {
      const stored = meta?.get(`${id}|0`);
      const setAside = masters.get(id);
      if (setAside && stored?._meta?.p !== setAside.token) return [id, setAside.state];
      if (stored?.docData) return [id, stored.docData];
      return [id, null];
    });
    // An outbox entry whose document the collection lacks (a database left half-written) brings its state along.
    const missing = waitingIds
      .filter((id) => !docs.has(id))
      .flatMap((id) => {
        try {
          const state = JSON.parse(outbox?.[`${prefix}${id}`] ?? '') as Row;
          return [
            {
              ...state,
              id,
              _deleted: state._deleted === true,
              _rev: '1-legacy',
              _meta: { lwt: Date.now() },
              _attachments: {},
            },
          ];
        } catch {
          return [];
        }
      });
    const written = new Set([...docs.keys(), ...missing.map((d) => d.id)]);
    const kept = pending.filter(([id]) => written.has(id));
    for (const [id] of kept) converted.add(`${prefix}${id}`);
    const checkpoint = meta?.get('down|1')?.checkpointData;
    const end = await log.end(key);
    await log.append(key, end, {
      docs: missing,
      ...(kept.length > 0 ? { pending: kept } : {}),
      ...(checkpoint === undefined ? {} : { checkpoint }),
    });
  }
  let stayed = 0;
  if (localKey && outbox !== null) {
    const left = Object.fromEntries(Object.entries(outbox).filter(([k]) => !converted.has(k)));
    const rest =
      Object.keys(left).length === 0
        ? { docs: [], purged: [OUTBOX_DOC] }
        : {
            docs: [
              {
                id: OUTBOX_DOC,
                data: { entries: left },
                _deleted: false,
                _rev: '2-legacy',
                _meta: { lwt: Date.now() },
                _attachments: {},
              },
            ],
          };
    await log.append(localKey, await log.end(localKey), rest);
    stayed = Object.keys(left).length;
  }
  for (const key of metaKeys) await log.drop(key);
  return stayed;
}
