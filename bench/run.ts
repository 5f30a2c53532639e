/**
 * `npm run bench`: server push and pull throughput over HTTP, an initial sync of a fresh
 * device (RxDB, memory storage, in Node) from the real server, and the UI figures in
 * Chromium with a large organisation on the device (bench/ui.ts). Each figure is the
 * median of several runs with p95, min and max; results go to the console and, for a
 * full run, to bench/results.md.
 *
 *   --quick        a small run (CI runs it so the harness cannot rot; numbers not checked)
 *   --ui-only      only the UI figures        --server-only   only the server and live figures
 *
 * Live figures (bench/live.ts): propagation latency between two online devices, 50
 * devices pushing and pulling at once, and server memory per 1,000 open streams.
 */
import fs from 'node:fs';
import os from 'node:os';
import { getRxStorageMemory } from 'rxdb/plugins/storage-memory';
import type { Group } from '../domain/group';
import { createCohortDatabase } from '../renderer/data/database';
import { startSync } from '../sync/client/replicate';
import { startTestServer, type StorageKind } from '../sync/server/testing';
import { concurrentDevices, propagationLatency, streamMemory } from './live';
import { runUiBench, type Figure } from './ui';

const quick = process.argv.includes('--quick');
const GROUPS = quick ? 2_000 : 20_000;
const RUNS = quick ? 2 : 3;
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
      const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
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
        storage: getRxStorageMemory(),
        multiInstance: false,
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
    name: `${kind}: initial sync to a fresh device (RxDB memory, Node)`,
    unit: 'docs/s',
    values: sync,
  });
}

const storages: StorageKind[] = process.env.COHORT_TEST_DATABASE_URL
  ? ['embedded', 'postgres']
  : ['embedded'];
if (!process.argv.includes('--ui-only')) {
  for (const kind of storages) await benchStorage(kind);
  figures.push(await propagationLatency(quick ? 20 : 200));
  for (const kind of storages) figures.push(...(await concurrentDevices(kind, quick ? 3 : 10)));
  figures.push(await streamMemory(quick ? 200 : 1000));
}
if (!process.argv.includes('--server-only')) figures.push(...(await runUiBench(quick)));

const lines = [
  `# Benchmark results`,
  ``,
  `${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · Node ${process.version}${quick ? ' · quick mode' : ''}`,
  ``,
  `${GROUPS.toLocaleString('en')} groups, ${RUNS} runs each (median, min–max).`,
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
const partial = process.argv.includes('--ui-only') || process.argv.includes('--server-only');
if (!quick && !partial) fs.writeFileSync(new URL('./results.md', import.meta.url), lines.join('\n') + '\n');
