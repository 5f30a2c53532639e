/**
 * Initial sync to a fresh device, side by side in one run (issue 7, part 1 and 5):
 *
 * - Cohort: the app in Chromium signs in on a fresh device and syncs from the real
 *   server (embedded storage and PostgreSQL) until everything is on the device;
 * - the raw floor: the same browser fetches the same pull pages as JSON and `bulkPut`s
 *   them into a bare Dexie table, nothing else;
 * - the peer: PouchDB in the same browser replicates the same documents from
 *   express-pouchdb on 127.0.0.1;
 * - optionally, the same pages in IndexedDB in RxDB's Dexie layout (a row per document
 *   with the Dexie storage's indexes, beside a row of replication state), which is what
 *   Cohort's first sync cost in IndexedDB alone before it had its own storage.
 *
 * Ratios pair the runs of one invocation: Cohort's run i against the floor's and
 * PouchDB's run i, or their last run when they ran fewer times (they take minutes at
 * "network", and the benchmark's budget is 15).
 */
import { startTestServer, type StorageKind, type TestServer } from '../sync/server/testing';
import { pullEverything } from '../sync/testing/pushBurst';
import { PROTOCOL_VERSION, PROTOCOL_HEADER, SYNC_COLLECTIONS } from '../sync/protocol';
import { signInAndSync, progress, type BenchApp, type Figure, type SyncedDevice } from './browser';
import { loadDataset, type Dataset, type DatasetSize } from './dataset';
import { pouchReplication, startPouchPeer } from './pouch';
import {
  fillWithDefaultSettings,
  getRxReplicationMetaInstanceSchema,
  type RxDocumentData,
  type RxJsonSchema,
} from 'rxdb';
import { getDexieStoreSchema } from 'rxdb/plugins/storage-dexie';
import { clientRxSchema, groupRxSchema, membershipRxSchema } from '../renderer/data/schemas';

/**
 * What a floor stores of each pull page (one page script, run on the server's origin):
 * - `documents`, the raw floor: the page's documents as they came, into a bare table;
 * - `layout`: the documents in RxDB's Dexie layout, in tables with the Dexie storage's
 *   own indexes, each beside its replication state;
 * - `pages`, the page floor, closer to the physical limit: the page's bytes as one
 *   record (parsed only for the checkpoint that asks for the next page).
 */
type FloorKind = 'documents' | 'layout' | 'pages';

async function floorRun(app: BenchApp, serverUrl: string, token: string, kind: FloorKind): Promise<number> {
  const { context, page } = await app.newDevice();
  try {
    // A page without the app's CSP, on the server's own origin (IndexedDB needs a real origin).
    await page.goto(`${serverUrl}/api/v1/health`);
    await page.addScriptTag({ path: 'node_modules/dexie/dist/dexie.js' });
    const stores =
      kind === 'layout'
        ? layoutStores()
        : kind === 'pages'
          ? { pages: '++n' }
          : Object.fromEntries(SYNC_COLLECTIONS.map((c) => [c, 'id']));
    return await page.evaluate<number>(`(async () => {
      const db = new Dexie('floor');
      db.version(1).stores(${JSON.stringify(stores)});
      await db.open();
      const kind = ${JSON.stringify(kind)};
      const t0 = performance.now();
      for (const collection of ${JSON.stringify(SYNC_COLLECTIONS)}) {
        let checkpoint = null;
        for (;;) {
          const q = new URLSearchParams({ limit: '1000' });
          if (checkpoint) q.set('checkpoint', JSON.stringify(checkpoint));
          const res = await fetch('${serverUrl}/api/v1/sync/' + collection + '/pull?' + q, {
            headers: { authorization: 'Bearer ${token}', '${PROTOCOL_HEADER}': '${PROTOCOL_VERSION}' },
          });
          // The page floor keeps the bytes as they came, and parses them only for the checkpoint.
          const bytes = kind === 'pages' ? new Uint8Array(await res.arrayBuffer()) : null;
          const page = bytes ? JSON.parse(new TextDecoder().decode(bytes)) : await res.json();
          if (bytes) {
            await db.table('pages').add({ collection, bytes });
          } else if (kind === 'documents') {
            await db.table(collection).bulkPut(page.documents);
          } else {
            const lwt = performance.timeOrigin + performance.now();
            const at = { _attachments: {}, _rev: '1-floor', _meta: { lwt } };
            await db.table(collection).bulkPut(page.documents.map((d) => ({ ...d, ...at, _deleted: d._deleted ? '1' : '0' })));
            await db.table(collection + '-state').bulkPut(page.documents.map((d) => ({
              ...at, id: d.id + '|0', itemId: d.id, isCheckpoint: '0', docData: d, _deleted: '0',
            })));
          }
          checkpoint = page.checkpoint;
          if (page.documents.length < 1000) break;
        }
      }
      return (performance.now() - t0) / 1000;
    })()`);
  } finally {
    await context.close();
  }
}

/** The Dexie storage's tables for Cohort's collections and their replication state, from RxDB's own schema helpers. */
function layoutStores(): Record<string, string> {
  const schemas = { groups: groupRxSchema, clients: clientRxSchema, memberships: membershipRxSchema };
  return Object.fromEntries(
    SYNC_COLLECTIONS.flatMap((collection) => {
      const schema = fillWithDefaultSettings(schemas[collection] as RxJsonSchema<unknown>);
      const state = getRxReplicationMetaInstanceSchema(
        schema as RxJsonSchema<RxDocumentData<unknown>>,
        false,
      );
      return [
        [collection, getDexieStoreSchema(schema)],
        [`${collection}-state`, getDexieStoreSchema(state)],
      ];
    }),
  );
}

/** The raw floor: fetch the pull pages and bulkPut them into a bare Dexie table, in a page on the server's origin. */
export const rawFloor = (app: BenchApp, serverUrl: string, token: string) =>
  floorRun(app, serverUrl, token, 'documents');

export type DatasetSpec = { name: string; size: DatasetSize };

export type SyncRun = {
  figures: Figure[];
  /** Cohort's seconds on embedded storage, per run (for the growth series). */
  cohortSeconds: number[];
  floorSeconds: number[];
  docs: number;
};

type Options = {
  /** Cohort's runs on each storage (on PostgreSQL at most `postgresRuns`). */
  runs: number;
  postgresRuns?: number;
  /** Runs of the raw floor and of PouchDB (each at most `runs`; PouchDB none without `withPeer`). */
  floorRuns?: number;
  peerRuns?: number;
  storages: StorageKind[];
  withPeer: boolean;
  /**
   * Runs of the layout floor: the same pages in IndexedDB in RxDB's Dexie layout, which
   * Cohort kept before its own storage (three times the raw floor's time).
   */
  layoutRuns?: number;
  /** Keep the last device of the embedded server open (for the interaction figures). */
  keepDevice?: (device: SyncedDevice, dataset: Dataset, server: TestServer) => Promise<void>;
  timeoutMs: number;
};

const n = (x: number) => x.toLocaleString('en');

/** Initial sync of `spec` by Cohort on each storage, the raw floor and (optionally) PouchDB, `runs` times each. */
export async function initialSync(app: BenchApp, spec: DatasetSpec, options: Options): Promise<SyncRun> {
  const { size } = spec;
  const label = `"${spec.name}" (${n(size.clients)} clients, ${n(size.groups)} groups, ${n(size.memberships)} memberships)`;
  const figures: Figure[] = [];
  const result: SyncRun = { figures, cohortSeconds: [], floorSeconds: [], docs: 0 };
  const layoutSeconds: number[] = [];
  const pouchSeconds: number[] = [];
  /** Per server storage: Cohort's seconds and the page floor's. */
  const byKind: { kind: StorageKind; cohort: number[]; pages: number[] }[] = [];
  for (const kind of options.storages) {
    const server = await startTestServer(kind);
    try {
      progress(`${spec.name}: loading ${label} into ${kind}`);
      const dataset = await loadDataset(server.db, 'org-demo', size);
      const { token } = await server.login('admin@demo.test');
      // What the server holds, counted through the pull endpoint, and the same live documents for PouchDB.
      const withPeer = kind === 'embedded' && options.withPeer;
      const pouchDocs: object[] = [];
      let groups = 0;
      let docs = 0;
      const held = await pullEverything(server.url, token, 1000);
      for (const collection of SYNC_COLLECTIONS) {
        docs += held[collection].size;
        for (const { id, _deleted, ...rest } of held[collection].values()) {
          if (_deleted) continue;
          if (collection === 'groups') groups += 1;
          if (withPeer) pouchDocs.push({ _id: `${collection}:${id}`, ...rest });
        }
      }
      result.docs = docs;
      const seconds: number[] = [];
      const heaps: number[] = [];
      const pageSeconds: number[] = [];
      byKind.push({ kind, cohort: seconds, pages: pageSeconds });
      if (withPeer) progress(`loading ${n(pouchDocs.length)} documents into the PouchDB peer`);
      const peer = withPeer ? await startPouchPeer(pouchDocs) : null;
      try {
        const runs =
          kind === 'postgres' ? Math.min(options.runs, options.postgresRuns ?? options.runs) : options.runs;
        for (let run = 0; run < runs; run++) {
          progress(`${spec.name} on ${kind}, run ${run + 1}/${runs}: Cohort`);
          const device = await signInAndSync(app, server.url, groups, options.timeoutMs);
          seconds.push(device.seconds);
          heaps.push(device.peakHeapMb);
          progress(
            `  ${device.seconds.toFixed(1)} s, ${n(Math.round(docs / device.seconds))} docs/s, peak heap ${device.peakHeapMb.toFixed(0)} MB`,
          );
          const last = run === runs - 1;
          if (last && kind === 'embedded' && options.keepDevice)
            await options.keepDevice(device, dataset, server);
          await device.context.close();
          if (run < (options.floorRuns ?? runs)) {
            progress(`${spec.name} on ${kind}, run ${run + 1}: page floor`);
            pageSeconds.push(await floorRun(app, server.url, token, 'pages'));
            progress(`  page floor ${pageSeconds.at(-1)?.toFixed(1)} s`);
          }
          if (kind !== 'embedded') continue;
          if (run < (options.floorRuns ?? runs)) {
            progress(`${spec.name}, run ${run + 1}: raw floor`);
            result.floorSeconds.push(await rawFloor(app, server.url, token));
            progress(`  floor ${result.floorSeconds.at(-1)?.toFixed(1)} s`);
          }
          if (run < (options.layoutRuns ?? 0)) {
            layoutSeconds.push(await floorRun(app, server.url, token, 'layout'));
            progress(`  IndexedDB in RxDB's Dexie layout ${layoutSeconds.at(-1)?.toFixed(1)} s`);
          }
          if (peer && run < (options.peerRuns ?? runs)) {
            progress(`${spec.name}, run ${run + 1}: PouchDB`);
            pouchSeconds.push(await pouchReplication(app, peer.url));
            progress(`  PouchDB ${pouchSeconds.at(-1)?.toFixed(1)} s`);
          }
        }
      } finally {
        await peer?.close();
      }
      if (kind === 'embedded') result.cohortSeconds = seconds;
      figures.push(
        { name: `sync ${spec.name}: Cohort from ${kind}, sign-in to synced`, unit: 's', values: seconds },
        {
          name: `sync ${spec.name}: Cohort from ${kind}, rate`,
          unit: 'docs/s',
          values: seconds.map((s) => docs / s),
        },
        { name: `sync ${spec.name}: Cohort from ${kind}, peak renderer JS heap`, unit: 'MB', values: heaps },
      );
    } finally {
      await server.close();
    }
  }
  /** Each of `a`'s runs against the run of `b` with the same number, or `b`'s last when it ran fewer times. */
  const ratio = (a: number[], b: number[]) => a.map((x, i) => x / (b[Math.min(i, b.length - 1)] ?? NaN));
  figures.push(
    {
      name: `sync ${spec.name}: raw floor, fetch + Dexie bulkPut of the same ${n(result.docs)} documents`,
      unit: 's',
      values: result.floorSeconds,
    },
    {
      name: `sync ${spec.name}: Cohort (embedded) ÷ raw floor (target ≤ 2)`,
      unit: '×',
      values: ratio(result.cohortSeconds, result.floorSeconds),
    },
  );
  for (const { kind, cohort, pages } of byKind) {
    if (!pages.length) continue;
    figures.push(
      {
        name: `sync ${spec.name}: page floor from ${kind}, fetch + each page's bytes as one IndexedDB record`,
        unit: 's',
        values: pages,
      },
      {
        name: `sync ${spec.name}: Cohort ÷ page floor, from ${kind}${kind === 'postgres' ? ' (target ≤ 2)' : ''}`,
        unit: '×',
        values: ratio(cohort, pages),
      },
    );
  }
  if (layoutSeconds.length) {
    figures.push(
      {
        name: `sync ${spec.name}: IndexedDB alone in RxDB's Dexie layout (indexed documents + replication state), same pages`,
        unit: 's',
        values: layoutSeconds,
      },
      {
        name: `sync ${spec.name}: RxDB's Dexie layout ÷ raw floor (what Cohort's earlier storage cost, IndexedDB alone)`,
        unit: '×',
        values: ratio(layoutSeconds, result.floorSeconds),
      },
    );
  }
  if (pouchSeconds.length) {
    figures.push(
      {
        name: `sync ${spec.name}: PouchDB replicating the same documents from express-pouchdb`,
        unit: 's',
        values: pouchSeconds,
      },
      {
        name: `sync ${spec.name}: PouchDB ÷ Cohort (embedded) (target ≥ 3)`,
        unit: '×',
        values: result.cohortSeconds.map(
          (c, i) => (pouchSeconds[Math.min(i, pouchSeconds.length - 1)] ?? NaN) / c,
        ),
      },
    );
  }
  return result;
}
