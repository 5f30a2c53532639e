/**
 * Load: 200 devices stream and push against one server process on 127.0.0.1 (issue 8,
 * item 7). Each device keeps its change stream open, pulls whenever it says something
 * changed, and every few seconds creates or renames a group, adds a client to a group, or
 * ends a membership — with the state it last saw as the assumed master state, so devices
 * editing the same group conflict. Then everyone stops and catches up.
 *
 * Proves: no failed request and no refused write; the server's memory does not keep
 * growing; every device ends with exactly the server's documents.
 *
 * `npm test` runs a 15-second slice on embedded storage; `npm run test:load` runs
 * 2 minutes on each storage (COHORT_LOAD_SECONDS, COHORT_LOAD_DEVICES override).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../domain/client';
import { toWireDocument } from '../../domain/documents';
import { checkGroupInput, createGroup, updateGroup, type Group } from '../../domain/group';
import { createMembership } from '../../domain/membership';
import { SYNC_COLLECTIONS } from '../protocol';
import { rssKb, serverPid } from '../testing/processMemory';
import { ProtocolDevice, type WireDoc } from '../testing/protocolDevice';
import { seededRandom } from '../testing/random';
import { startServerProcess, stopServerProcess } from '../testing/serverProcess';
import { loginAt, seededStorage, testStorages, type StorageKind } from './testing';

const SECONDS = Number(process.env.COHORT_LOAD_SECONDS ?? 15);
const DEVICES = Number(process.env.COHORT_LOAD_DEVICES ?? 200);
/** The slice in `npm test` runs on embedded storage; the full run on every storage. */
const STORAGES: StorageKind[] = process.env.COHORT_LOAD_SECONDS ? testStorages() : ['embedded'];
const ACCOUNTS = ['admin@demo.test', 'practitioner@demo.test'];

type Server = { url: string; pid: number; stop(): Promise<void> };

async function startServer(kind: StorageKind): Promise<Server> {
  const storage = await seededStorage(kind);
  const { url, child } = await startServerProcess(storage.env);
  return {
    url,
    pid: serverPid(child.pid ?? 0),
    async stop() {
      await stopServerProcess(child);
      await storage.drop();
    },
  };
}

const wire = (doc: object, deleted = false): WireDoc => ({
  ...toWireDocument(doc as { id: string }),
  _deleted: deleted,
});

/** One device's work until `end`: an edit every 2–8 s. */
async function work(device: ProtocolDevice, index: number, end: number) {
  const random = seededRandom(1000 + index);
  const pick = <T>(list: T[]): T | undefined => list[Math.floor(random() * list.length)];
  let n = 0;
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, 2000 + random() * 6000));
    if (Date.now() >= end) return;
    n += 1;
    const now = Date.now();
    const groups = [...device.docs.groups.values()].filter((g) => !g._deleted);
    const roll = random();
    const group = pick(groups) as (Group & WireDoc) | undefined;
    if (roll < 0.35 || !group) {
      const created = createGroup(
        checkGroupInput({ name: `Load ${index}-${n}`, description: `Made by device ${index}`, metadata: {} }),
        `load-${index}-${n}`,
        now,
      );
      await device.push('groups', [wire(created)]);
    } else if (roll < 0.65) {
      await device.push('groups', [
        wire(
          updateGroup(
            group,
            checkGroupInput({
              name: `Renamed by ${index} (${n})`,
              description: group.description,
              metadata: group.metadata,
            }),
            now,
          ),
        ),
      ]);
    } else if (roll < 0.9) {
      const client = createClient({ name: `Client ${index}-${n}` }, `load-c-${index}-${n}`, now);
      await device.push('clients', [wire(client)]);
      await device.push('memberships', [
        wire(createMembership(group.id, client.id, { startDate: '2026-11-01' }, now)),
      ]);
    } else {
      const membership = pick([...device.docs.memberships.values()].filter((m) => !m._deleted));
      if (membership) await device.push('memberships', [{ ...membership, updatedAt: now, _deleted: true }]);
    }
  }
}

describe.each(STORAGES)('load on %s storage', (kind) => {
  let server: Server;
  const devices: ProtocolDevice[] = [];

  beforeAll(async () => {
    server = await startServer(kind);
    const tokens = await Promise.all(
      ACCOUNTS.map(async (email) => {
        // One sign-in per device, as on real laptops, a few at a time.
        const list: string[] = [];
        for (let i = 0; i < Math.ceil(DEVICES / ACCOUNTS.length); i++)
          list.push((await loginAt(server.url, email)).token);
        return list;
      }),
    );
    for (let i = 0; i < DEVICES; i++) {
      const token = tokens[i % ACCOUNTS.length]?.[Math.floor(i / ACCOUNTS.length)] as string;
      devices.push(new ProtocolDevice(`device-${i}`, server.url, token));
    }
  }, 120_000);

  afterAll(async () => {
    for (const d of devices) d.stop();
    await server?.stop();
  });

  it(
    `${DEVICES} devices stream and push for ${SECONDS} s: no errors, memory stable, all converge`,
    async () => {
      for (const d of devices) d.start();
      const started = Date.now();
      const end = started + SECONDS * 1000;
      const memory: number[] = [];
      const sampler = setInterval(() => memory.push(rssKb(server.pid) / 1024), 2000);
      await Promise.all(devices.map((d, i) => work(d, i, end)));
      clearInterval(sampler);
      const seconds = (Date.now() - started) / 1000;

      // Everyone catches up (the stream's last events may still be on their way).
      await new Promise((r) => setTimeout(r, 2000));
      await Promise.all(devices.flatMap((d) => SYNC_COLLECTIONS.map((c) => d.pull(c))));
      const truth = new ProtocolDevice(
        'truth',
        server.url,
        (await loginAt(server.url, ACCOUNTS[0] as string)).token,
      );
      await Promise.all(SYNC_COLLECTIONS.map((c) => truth.pull(c)));
      const expected = truth.snapshot();

      const total = (key: 'pushes' | 'pushedDocs' | 'conflicts' | 'rejections' | 'pulls' | 'streamEvents') =>
        devices.reduce((sum, d) => sum + d.counts[key], 0);
      const third = Math.max(1, Math.floor(memory.length / 3));
      const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
      const early = median(memory.slice(0, third));
      const late = median(memory.slice(-third));
      const report = {
        storage: kind,
        devices: DEVICES,
        seconds: Math.round(seconds),
        pushes: total('pushes'),
        pushesPerSecond: Math.round(total('pushes') / seconds),
        documentsPushed: total('pushedDocs'),
        conflicts: total('conflicts'),
        pulls: total('pulls'),
        pullsPerSecond: Math.round(total('pulls') / seconds),
        streamEvents: total('streamEvents'),
        documentsOnServer: SYNC_COLLECTIONS.map((c) => `${c} ${truth.docs[c].size}`).join(', '),
        serverMemoryMb: `first third ${early.toFixed(0)}, last third ${late.toFixed(0)}, max ${Math.max(...memory).toFixed(0)}`,
      };
      console.log(`load: ${JSON.stringify(report, null, 1)}`);

      const errors = devices.flatMap((d) => d.counts.errors.map((e) => `${d.name}: ${e}`));
      expect(errors.slice(0, 5)).toEqual([]);
      expect(total('rejections')).toBe(0);
      expect(total('pushes')).toBeGreaterThan(DEVICES * (SECONDS / 8) * 0.5);
      const diverged = devices.filter((d) => {
        const mine = d.snapshot();
        return SYNC_COLLECTIONS.some((c) => mine[c] !== expected[c]);
      });
      expect(diverged.map((d) => d.name)).toEqual([]);
      // Stable: no steady growth once warm (judged on runs long enough to have a warm phase).
      if (SECONDS >= 60) expect(late).toBeLessThan(early * 1.25 + 30);
    },
    (SECONDS + 180) * 1000,
  );
});
