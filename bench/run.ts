/**
 * `npm run bench`: every figure of the benchmark issue in one run, each the median of
 * several runs with p95, min and max; results go to the console and, for a full run, to
 * bench/results.md.
 *
 * - Initial sync to a fresh device in Chromium (bench/initialSync.ts): the "practice" and
 *   "network" data sets, Cohort from embedded storage and PostgreSQL, the raw floor and
 *   PouchDB side by side; the growth series at 10%, 30% and 100% of "network".
 * - Interaction in the running UI with "network" on the device (bench/ui.ts).
 * - Server: push and pull throughput over HTTP, an initial sync into RxDB in Node, and the
 *   live figures (bench/live.ts): propagation latency, 50 devices at once, memory per
 *   1,000 open change streams.
 *
 *   --quick        a small run (CI runs it so the harness cannot rot; numbers not checked)
 *   --ui-only      only the browser figures        --server-only   only the server and live figures
 *   --interaction  only "network" synced once from embedded storage and the interaction
 *                  figures on it (about 8 minutes; for checking a UI change)
 *   --in-memory    every device in one Chromium's in-memory (off-the-record) contexts, not
 *                  on-disk profiles of its own (bench/browser.ts says why that is not the default)
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { CHROMIUM_PATH } from '../playwright.config';
import { indexedDB, IDBKeyRange } from 'fake-indexeddb';
import type { Group } from '../domain/group';
import { createCohortDatabase } from '../renderer/data/database';
import { startSync } from '../renderer/data/engine/replicate';
import { startTestServer, type StorageKind } from '../sync/server/testing';
import { startBenchApp, type Figure } from './browser';
import { NETWORK, PRACTICE, scaled } from './dataset';
import { initialSync } from './initialSync';
import { concurrentDevices, propagationLatency, streamMemory } from './live';
import { interactionFigures } from './ui';
import { protocolHeaders } from '../sync/protocol';

const benchStart = performance.now();
const quick = process.argv.includes('--quick');
const interactionOnly = process.argv.includes('--interaction');
/** Devices in one Chromium's in-memory contexts instead of on-disk profiles (how the bench measured before 2026-12-02). */
const inMemory = process.argv.includes('--in-memory');
/**
 * How long one sync of "network" may take before the run fails: a guard against a hang,
 * not a target. 232 s with Debian's Chromium 156 (2026-12-02); with Chromium 150, on a
 * machine otherwise alike, 30% of "network" alone took 310 s and the whole did not finish
 * within the earlier 15 minutes.
 */
const NETWORK_TIMEOUT_MS = 60 * 60_000;
const GROUPS = quick ? 2_000 : 20_000;
const RUNS = quick ? 2 : 3;
/**
 * Runs per share of "network" (the growth series) in a full run. At the whole set the
 * references take minutes a run (PouchDB 4.5, the raw floor 1.4): they run once and each
 * of Cohort's runs is compared with them; the 15-minute budget decides.
 */
const NETWORK_PLAN: Record<
  number,
  { runs: number; postgresRuns?: number; floorRuns: number; peerRuns?: number; layoutRuns?: number }
> = {
  0.1: { runs: 3, floorRuns: 3, layoutRuns: 1 },
  0.3: { runs: 2, floorRuns: 1 },
  1: { runs: 3, postgresRuns: 1, floorRuns: 1, peerRuns: 1 },
};
const PUSH_BATCH = 100;

const figures: Figure[] = [];

function summary(values: number[]) {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { median: at(0.5), p95: at(0.95), min: sorted[0] ?? NaN, max: sorted.at(-1) ?? NaN };
}

function group(i: number, run: number): Group & { _deleted: boolean } {
  const at = 1_700_000_000_000 + i;
  return {
    id: `bench-${run}-${i}`,
    name: `Group ${i}`,
    description: `Benchmark group number ${i}`,
    metadata: {},
    createdAt: at,
    updatedAt: at,
    _deleted: false,
  };
}

async function benchStorage(kind: StorageKind) {
  const push: number[] = [];
  const pull: number[] = [];
  const sync: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const server = await startTestServer(kind);
    try {
      const { token } = await server.login('admin@demo.test');
      const headers = {
        ...protocolHeaders,
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
      };
      let t = performance.now();
      for (let i = 0; i < GROUPS; i += PUSH_BATCH) {
        const rows = Array.from({ length: Math.min(PUSH_BATCH, GROUPS - i) }, (_, k) => ({
          assumedMasterState: null,
          newDocumentState: group(i + k, run),
        }));
        const res = await fetch(`${server.url}/api/v1/sync/groups/push`, {
          method: 'POST',
          headers,
          body: JSON.stringify(rows),
        });
        if (!res.ok) throw new Error(`push ${res.status}`);
      }
      push.push(GROUPS / ((performance.now() - t) / 1000));

      t = performance.now();
      let checkpoint: unknown = null;
      let pulled = 0;
      for (;;) {
        const q = new URLSearchParams({
          limit: '1000',
          ...(checkpoint ? { checkpoint: JSON.stringify(checkpoint) } : {}),
        });
        const page = (await (
          await fetch(`${server.url}/api/v1/sync/groups/pull?${q}`, { headers })
        ).json()) as {
          documents: unknown[];
          checkpoint: unknown;
        };
        pulled += page.documents.length;
        checkpoint = page.checkpoint;
        if (page.documents.length < 1000) break;
      }
      pull.push(pulled / ((performance.now() - t) / 1000));

      const db = await createCohortDatabase({
        name: `bench-${kind}-${run}-${Date.now()}`,
        indexedDb: { indexedDB, IDBKeyRange },
      });
      t = performance.now();
      const controller = await startSync({
        db,
        collections: { groups: db.groups },
        serverUrl: server.url,
        token,
        pullBatchSize: 1000,
      });
      await controller.awaitInSync();
      const count = await db.groups.count().exec();
      sync.push(count / ((performance.now() - t) / 1000));
      await controller.stop();
      await db.close();
    } finally {
      await server.close();
    }
  }
  figures.push({ name: `${kind}: push (batches of ${PUSH_BATCH})`, unit: 'docs/s', values: push });
  figures.push({ name: `${kind}: pull (pages of 1000)`, unit: 'docs/s', values: pull });
  figures.push({
    name: `${kind}: initial sync to a fresh device (Cohort's storage on fake-indexeddb, Node)`,
    unit: 'docs/s',
    values: sync,
  });
}

const storages: StorageKind[] = process.env.COHORT_TEST_DATABASE_URL
  ? ['embedded', 'postgres']
  : ['embedded'];
if (!process.argv.includes('--ui-only') && !interactionOnly) {
  for (const kind of storages) await benchStorage(kind);
  figures.push(await propagationLatency(quick ? 20 : 200));
  for (const kind of storages) figures.push(...(await concurrentDevices(kind, quick ? 2 : 10)));
  figures.push(await streamMemory(quick ? 200 : 1000));
}
if (!process.argv.includes('--server-only')) figures.push(...(await browserFigures()));

/**
 * Quick: "practice" once, and a 2% slice of "network" for the interaction figures. Full:
 * "practice" 3 times; "network" and the growth series as NETWORK_PLAN says.
 */
async function browserFigures(): Promise<Figure[]> {
  const app = await startBenchApp({ inMemory });
  const out: Figure[] = [];
  try {
    if (interactionOnly) {
      const network = { name: 'network', size: NETWORK };
      const run = await initialSync(app, network, {
        runs: 1,
        storages: ['embedded'],
        withPeer: false,
        timeoutMs: NETWORK_TIMEOUT_MS,
        keepDevice: async (device, dataset) => {
          out.push(...(await interactionFigures(device, app.appUrl, dataset, 'network', 100)));
        },
      });
      return [...out, ...run.figures];
    }
    const practice = await initialSync(
      app,
      { name: 'practice', size: PRACTICE },
      { runs: quick ? 1 : 3, storages, withPeer: true, timeoutMs: 120_000 },
    );
    out.push(...practice.figures);
    const growth: { share: number; docs: number; seconds: number[]; floor: number[] }[] = [];
    for (const share of quick ? [0.02] : [0.1, 0.3, 1]) {
      const whole = share === 1 || quick;
      const name = whole ? 'network' : `network ${share * 100}%`;
      const plan = quick
        ? { runs: 1, floorRuns: 1, peerRuns: 1, layoutRuns: 1 }
        : (NETWORK_PLAN[share] ?? { runs: 1, floorRuns: 1 });
      const run = await initialSync(
        app,
        { name, size: scaled(NETWORK, share) },
        {
          ...plan,
          storages: whole && !quick ? storages : ['embedded'],
          withPeer: whole,
          timeoutMs: NETWORK_TIMEOUT_MS,
          keepDevice: whole
            ? async (device, dataset) => {
                out.push(...(await interactionFigures(device, app.appUrl, dataset, name, quick ? 30 : 100)));
              }
            : undefined,
        },
      );
      out.push(...run.figures);
      growth.push({ share, docs: run.docs, seconds: run.cohortSeconds, floor: run.floorSeconds });
    }
    for (const g of growth) {
      out.push({
        name: `growth: ${g.share * 100}% of "network" (${g.docs.toLocaleString('en')} documents), Cohort seconds per 100,000 documents`,
        unit: 's',
        values: g.seconds.map((s) => (s / g.docs) * 100_000),
      });
    }
  } catch (error) {
    for (const p of app.openPages()) await p.screenshot({ path: 'bench/failure.png' }).catch(() => undefined);
    throw error;
  } finally {
    await app.close();
  }
  return out;
}

type Target = { what: string; figure: RegExp; stat: 'median' | 'p95'; atMost?: number; atLeast?: number };

/** The targets of the benchmark issue (7) and the data engine issue (18), checked against this run's figures. */
const TARGETS: Target[] = [
  {
    what: 'initial sync of "network" ≤ 1× the raw floor',
    figure: /^sync network: Cohort .*÷ raw floor/,
    stat: 'median',
    atMost: 1,
  },
  {
    what: 'initial sync of "network" from PostgreSQL ≤ 2× the page floor',
    figure: /^sync network: Cohort ÷ page floor, from postgres/,
    stat: 'median',
    atMost: 2,
  },
  {
    what: 'initial sync of "network" ≥ 3× faster than PouchDB',
    figure: /^sync network: PouchDB ÷ Cohort/,
    stat: 'median',
    atLeast: 3,
  },
  {
    what: 'peak renderer heap during the first sync of "network" ≤ 250 MB',
    figure: /^sync network: Cohort from embedded, peak renderer JS heap/,
    stat: 'median',
    atMost: 250,
  },
  {
    what: 'peak renderer heap during the first sync of "practice" ≤ 15 MB',
    figure: /^sync practice: Cohort from embedded, peak renderer JS heap/,
    stat: 'median',
    atMost: 15,
  },
  {
    what: 'renderer heap with every collection of "network" read, after GC, ≤ 120 MB',
    figure: /^UI \(network\): renderer JS heap/,
    stat: 'median',
    atMost: 120,
  },
  { what: 'propagation p95 ≤ 1 s', figure: /^live: propagation/, stat: 'p95', atMost: 1000 },
  {
    what: 'groups search keystroke p95 ≤ 50 ms with "network" on the device',
    figure: /^UI \(network\): groups search/,
    stat: 'p95',
    atMost: 50,
  },
  {
    what: 'add-member search keystroke p95 ≤ 50 ms with "network" on the device',
    figure: /^UI \(network\): add-member/,
    stat: 'p95',
    atMost: 50,
  },
  {
    what: 'first rows of the groups overview after a restart ≤ 300 ms',
    figure: /^UI \(network\): first group rows/,
    stat: 'median',
    atMost: 300,
  },
  {
    what: "first page's member counts after a restart ≤ 1 s",
    figure: /^UI \(network\): member counts of the first page/,
    stat: 'median',
    atMost: 1000,
  },
];

function targetLines(): string[] {
  const rows = TARGETS.flatMap((t) => {
    const figure = figures.find((f) => t.figure.test(f.name));
    if (!figure) return [];
    const value = summary(figure.values)[t.stat];
    const met =
      (t.atMost === undefined || value <= t.atMost) && (t.atLeast === undefined || value >= t.atLeast);
    return [
      `| ${t.what} | ${t.stat} ${value < 10 ? value.toFixed(2) : Math.round(value)} ${figure.unit} | ${met ? 'met' : '**missed**'} |`,
    ];
  });
  return rows.length
    ? ['', '## Targets', '', '| target | this run | verdict |', '| --- | --- | --- |', ...rows]
    : [];
}

function versions(): string {
  const version = (name: string) =>
    (JSON.parse(fs.readFileSync(`node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  const chromium = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8' }).trim();
  return `${chromium} · RxDB ${version('rxdb')} · Dexie ${version('dexie')} · PouchDB ${version('pouchdb-browser')} · PGlite ${version('@electric-sql/pglite')} · Fastify ${version('fastify')}`;
}

const lines = [
  `# Benchmark results`,
  ``,
  `${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version}${quick ? ' · quick mode' : ''}`,
  ``,
  versions(),
  ``,
  `The whole run took ${((performance.now() - benchStart) / 60_000).toFixed(1)} minutes. Server throughput: ${GROUPS.toLocaleString('en')} groups, ${RUNS} runs each.`,
  ...targetLines(),
  ``,
  '## Figures',
  ``,
  `| figure | median | p95 | min | max | unit | runs |`,
  `| --- | ---: | ---: | ---: | ---: | --- | ---: |`,
  ...figures.map((f) => {
    const s = summary(f.values);
    const n = (x: number) => (x < 10 ? x.toFixed(1) : Math.round(x).toLocaleString('en'));
    return `| ${f.name} | ${n(s.median)} | ${n(s.p95)} | ${n(s.min)} | ${n(s.max)} | ${f.unit} | ${f.values.length} |`;
  }),
];
console.log(lines.join('\n'));
const partial =
  process.argv.includes('--ui-only') || process.argv.includes('--server-only') || interactionOnly;
if (!quick && !partial) fs.writeFileSync(new URL('./results.md', import.meta.url), lines.join('\n') + '\n');
