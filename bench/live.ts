/**
 * Live figures (the benchmark issue, part 1): propagation latency between two online
 * devices, server throughput with 50 concurrent devices, and the server's memory per
 * 1,000 open change streams.
 */
import { checkGroupInput, createGroup } from '../domain/group';
import { loginAt, seededStorage, startTestServer, type StorageKind } from '../sync/server/testing';
import { openTestDevice } from '../sync/testing/devices';
import { rssKb, serverPid } from '../sync/testing/processMemory';
import { startServerProcess, stopServerProcess } from '../sync/testing/serverProcess';
import type { Figure } from './browser';
import { protocolHeaders } from '../sync/protocol';

const progress = (message: string) => console.error(`bench live: ${message}`);

/** An edit on device A until device B's query shows it; both online, streaming. */
export async function propagationLatency(samples: number): Promise<Figure> {
  const server = await startTestServer('embedded');
  const a = await openTestDevice(server, 'latency-a');
  const b = await openTestDevice(server, 'latency-b');
  try {
    await Promise.all([a.sync.awaitInSync(), b.sync.awaitInSync()]);
    await a.db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Latency 0', description: '', metadata: {} }),
        'latency',
        Date.now(),
      ),
    );
    await waitFor(b, 'Latency 0');
    const values: number[] = [];
    for (let i = 1; i <= samples; i++) {
      const name = `Latency ${i}`;
      const seen = waitFor(b, name);
      const t0 = performance.now();
      const doc = await a.db.groups.findOne('latency').exec();
      await doc?.incrementalPatch({ name, updatedAt: Date.now() });
      await seen;
      values.push(performance.now() - t0);
    }
    return {
      name: `live: propagation, an edit on device A visible in device B's query (${samples} edits)`,
      unit: 'ms',
      values,
    };
  } finally {
    await a.close();
    await b.close();
    await server.close();
  }
}

function waitFor(device: Awaited<ReturnType<typeof openTestDevice>>, name: string): Promise<void> {
  return new Promise((resolve) => {
    const sub = device.db.groups.findOne('latency').$.subscribe((doc) => {
      if (doc?.name === name) {
        queueMicrotask(() => sub.unsubscribe());
        resolve();
      }
    });
  });
}

/** 50 devices at once, each pushing batches of 10 and pulling, for `seconds`: requests per second. */
export async function concurrentDevices(kind: StorageKind, seconds: number, devices = 50): Promise<Figure[]> {
  const server = await startTestServer(kind);
  try {
    const { token } = await server.login('admin@demo.test');
    const headers = {
      ...protocolHeaders,
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
    };
    // Counted per second of the run: each second is one value of the figure.
    const pushes = new Array<number>(seconds).fill(0);
    const pulls = new Array<number>(seconds).fill(0);
    let failures = 0;
    const start = Date.now();
    const end = start + seconds * 1000;
    const count = (perSecond: number[]) => {
      const second = Math.min(seconds - 1, Math.floor((Date.now() - start) / 1000));
      perSecond[second] = (perSecond[second] ?? 0) + 1;
    };
    await Promise.all(
      Array.from({ length: devices }, async (_, d) => {
        let n = 0;
        let checkpoint: unknown = null;
        while (Date.now() < end) {
          const rows = Array.from({ length: 10 }, () => {
            n += 1;
            const doc = createGroup(
              checkGroupInput({ name: `Device ${d} #${n}`, description: '', metadata: {} }),
              `load-${d}-${n}`,
              Date.now(),
            );
            return { assumedMasterState: null, newDocumentState: { ...doc, _deleted: false } };
          });
          const push = await fetch(`${server.url}/api/v1/sync/groups/push`, {
            method: 'POST',
            headers,
            body: JSON.stringify(rows),
          });
          if (push.ok) count(pushes);
          else failures += 1;
          await push.arrayBuffer();
          const q = new URLSearchParams({
            limit: '100',
            ...(checkpoint ? { checkpoint: JSON.stringify(checkpoint) } : {}),
          });
          const pull = await fetch(`${server.url}/api/v1/sync/groups/pull?${q}`, { headers });
          if (pull.ok) {
            count(pulls);
            checkpoint = ((await pull.json()) as { checkpoint: unknown }).checkpoint;
          } else failures += 1;
        }
      }),
    );
    if (failures > 0) throw new Error(`${failures} requests failed under load`);
    return [
      {
        name: `${kind}: ${devices} devices at once, pushes of 10 documents (per second of the run)`,
        unit: 'pushes/s',
        values: pushes,
      },
      {
        name: `${kind}: ${devices} devices at once, pulls of up to 100 (per second of the run)`,
        unit: 'pulls/s',
        values: pulls,
      },
    ];
  } finally {
    await server.close();
  }
}

/**
 * The resident memory a server process gains per 1,000 open change streams (the server
 * in its own process). A first 10% warm the server up (code paths compiled, pools
 * filled); then the streams open in `STEPS` equal steps, and each step's growth, settled
 * for a while, is one value: the median step, not one noisy before/after difference.
 */
export async function streamMemory(streams: number): Promise<Figure> {
  const STEPS = 5;
  const storage = await seededStorage('embedded');
  const { url, child } = await startServerProcess(storage.env);
  const controllers: AbortController[] = [];
  const open = async (count: number, token: string) => {
    for (let i = 0; i < count; i++) {
      const controller = new AbortController();
      controllers.push(controller);
      const res = await fetch(`${url}/api/v1/sync/stream`, {
        headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      void res.body
        ?.getReader()
        .read()
        .catch(() => undefined);
    }
    await new Promise((r) => setTimeout(r, 1500));
  };
  try {
    const { token } = await loginAt(url, 'admin@demo.test');
    const pid = serverPid(child.pid ?? 0);
    await open(Math.ceil(streams / 10), token);
    const step = Math.ceil(streams / STEPS);
    progress(`opening ${streams} streams in ${STEPS} steps`);
    const perThousand: number[] = [];
    for (let i = 0; i < STEPS; i++) {
      const before = rssKb(pid);
      await open(step, token);
      perThousand.push(((rssKb(pid) - before) / 1024) * (1000 / step));
    }
    return {
      name: `server: resident memory per 1,000 open change streams (${STEPS} steps of ${step})`,
      unit: 'MB',
      values: perThousand,
    };
  } finally {
    for (const c of controllers) c.abort();
    await stopServerProcess(child);
    await storage.drop();
  }
}
