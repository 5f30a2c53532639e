/**
 * Crash durability (issue 8): the server runs as its own process (as deployed) on each
 * storage. Three writers push bursts of groups, clients and memberships (creations,
 * edits, deletions, batches of up to four) while a follower pulls from its checkpoints
 * and three devices edit; at a seeded random moment of each burst (after 10–70 answered
 * pushes) the server gets SIGKILL, and it is restarted on the same storage and port — three times. After each
 * restart:
 *
 * - every push answered 200 is there with exactly the acknowledged state, and each
 *   writer's one unanswered push is applied entirely or not at all (no batch half-written);
 * - a push the follower saw before the crash is still there;
 * - no membership points at a missing group or client, a full pull returns each document
 *   once, and the follower, which pulled from its checkpoints across the crash, ends with
 *   exactly the server's documents.
 *
 * At the end the devices and the server hold the same documents, with each device's last
 * write of its own documents, and no (group, client) pair twice. COHORT_CRASH_SEED=<n>
 * replays a run; COHORT_CRASH_KILLS=<n> kills more often (default 3).
 *
 * The last test of each storage: a membership made while the server is down, whose group
 * and client are new too, survives even when it reaches the server first.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../domain/client';
import { stableStringify } from '../../domain/documents';
import { checkGroupInput, createGroup } from '../../domain/group';
import { createMembership, membershipId } from '../../domain/membership';
import type { SyncCollection } from '../protocol';
import { openTestDevice, type TestDevice } from '../testing/devices';
import {
  changeOnDevice,
  insertOnDevice,
  nothingWaiting,
  waitUntilConverged,
  type DeviceLedger,
} from '../testing/deviceWrites';
import {
  applyPush,
  BurstWriter,
  countDocuments,
  differences,
  documentsOf,
  Follower,
  pullEverything,
  type State,
} from '../testing/pushBurst';
import { seededRandom } from '../testing/random';
import { killServerProcess, startServerProcess, stopServerProcess } from '../testing/serverProcess';
import { loginAt, seededStorage, testStorages, type StorageKind } from './testing';

const SEED = Number(process.env.COHORT_CRASH_SEED ?? 1);
const KILLS = Number(process.env.COHORT_CRASH_KILLS ?? 3);
const WRITERS = 3;
const DEVICES = 3;
/** Seed clients that devices 1 and 2 both add to the same seed group, one per round. */
const SHARED_GROUP = 'demo-running';
const SHARED_CLIENTS = ['demo-c-bram', 'demo-c-carmen', 'demo-c-daan'];

describe.each(testStorages())('crash durability on %s storage', (kind: StorageKind) => {
  let storage: Awaited<ReturnType<typeof seededStorage>>;
  let server: { url: string; child: ChildProcess };
  /** The server's address: a restart keeps it, so devices need not be told of a new one. */
  let url: string;
  const devices: TestDevice[] = [];
  const crash = () => killServerProcess(server.child, url);
  const restart = async () => {
    server = await startServerProcess(storage.env, { port: Number(new URL(url).port), crashable: true });
  };

  beforeAll(async () => {
    storage = await seededStorage(kind);
    server = await startServerProcess(storage.env, { crashable: true });
    url = server.url;
  });

  afterAll(async () => {
    for (const d of devices) await d.close();
    if (server) await stopServerProcess(server.child);
    await storage?.drop();
  });

  it(
    `keeps every acknowledged push through ${KILLS} SIGKILLs, and devices converge`,
    { timeout: 60_000 + 15_000 * KILLS },
    async () => {
      const seed = SEED + (kind === 'postgres' ? 1000 : 0);
      const random = seededRandom(seed);
      try {
        // Writers and follower in one organisation, devices in the other: the devices stay small.
        const writers: BurstWriter[] = [];
        for (let i = 0; i < WRITERS; i++) {
          const { token } = await loginAt(url, 'admin@other.test');
          writers.push(new BurstWriter(`w${i}`, url, token, seededRandom(seed * 100 + i)));
        }
        const { token: followerToken } = await loginAt(url, 'admin@other.test');
        const follower = new Follower(url, followerToken);
        const { token: demoToken } = await loginAt(url, 'admin@demo.test');
        for (let i = 0; i < DEVICES; i++) {
          devices.push(
            await openTestDevice({ url, login: (email) => loginAt(url, email) }, `crash-${kind}-${i}`),
          );
        }
        const ledger: DeviceLedger = new Map();
        const edit = (round: number, moment: Moment) =>
          Promise.all(devices.map((d, i) => editOnDevice(d, i, round, moment, ledger)));

        for (let round = 1; round <= KILLS; round++) {
          await edit(round, 'before the burst');
          const answeredBefore = writers.reduce((n, w) => n + w.answered, 0);
          const answered = () => writers.reduce((n, w) => n + w.answered, 0) - answeredBefore;
          let killed = false;
          const stopped = () => killed;
          const running = [...writers.map((w) => w.burst(stopped)), follower.follow(stopped)];
          // The moment is counted in answered pushes, not in ms, so a busy machine still gets a burst;
          // a few ms more put the kill at a different step of the pushes then in flight.
          const killAfterPushes = 10 + Math.floor(random() * 60);
          const jitterMs = Math.floor(random() * 20);
          await until(() => answered() >= killAfterPushes || writers.some((w) => w.surprises.length > 0));
          await edit(round, 'as the server dies');
          await sleep(jitterMs);
          killed = true;
          await crash();
          await Promise.all(running);
          const inFlight = writers.filter((w) => w.inFlight).length;

          await edit(round, 'while the server is down');
          const restartedAt = Date.now();
          await restart();
          const restartMs = Date.now() - restartedAt;
          const { verified, applied } = await verifyAfterCrash(url, writers, follower);
          console.info(
            `${kind} kill ${round} (seed ${seed}, after ${killAfterPushes} pushes + ${jitterMs} ms): ${answered()} pushes answered ` +
              `before the kill, ${inFlight} in flight (${applied} of them applied whole, the rest not at all), ` +
              `${verified} documents verified; restart took ${restartMs} ms`,
          );
          await edit(round, 'after the restart');
        }

        const final = await waitUntilConverged(url, demoToken, devices);
        checkDevicesKeptTheirWrites(final, devices, ledger);
        console.info(
          `${kind}: ${DEVICES} devices converged with the server on ${countDocuments(final)} documents; ` +
            `${ledger.size} device-written documents kept their last write; ` +
            `${follower.pulls} follower pulls, ${writers.reduce((n, w) => n + w.answered, 0)} writer pushes answered`,
        );
      } catch (error) {
        console.error(`crash durability on ${kind} failed: replay with COHORT_CRASH_SEED=${SEED}`);
        throw error;
      }
    },
  );

  // Each collection pushes on its own, so a device coming back to the restarted server could
  // send its new membership before its new group and client, have it refused and undo it
  // (this test found that; memberships now wait for their group and client to settle).
  // Losing the group's and the client's first push on the way makes the race certain.
  it('keeps a membership made while the server is down, also when it arrives before its group and client', async () => {
    const d = await openTestDevice({ url, login: (email) => loginAt(url, email) }, `crash-${kind}-offline`);
    devices.push(d);
    await d.sync.awaitInSync();
    await crash();
    const now = Date.now();
    await d.db.groups.insert(
      createGroup(checkGroupInput({ name: 'Made offline', description: '', metadata: {} }), 'down-g', now),
    );
    await d.db.clients.insert(createClient({ name: 'Made offline' }, 'down-c', now));
    await d.db.memberships.insert(createMembership('down-g', 'down-c', { startDate: '2026-05-04' }, now));
    d.setNetwork(false);
    await restart();
    const lost = new Set<string>();
    d.proxy.policy = (request) => {
      const collection = /\/sync\/(groups|clients)\/push/.exec(request.url ?? '')?.[1];
      if (!collection || lost.has(collection)) return 'pass';
      lost.add(collection);
      return 'drop-before';
    };
    d.setNetwork(true);
    const state = await waitUntilConverged(url, (await loginAt(url, 'admin@demo.test')).token, [d]);
    expect(lost.size, 'the first group and client pushes were lost').toBe(2);
    expect(
      d.log.entries.map((e) => `${e.collection}/${e.docId} ${e.kind}: ${e.reason?.message ?? ''}`),
    ).toEqual([]);
    expect(state.memberships.get(membershipId('down-g', 'down-c'))?._deleted).toBe(false);
  });
});

/**
 * After a restart: every writer's documents are exactly what the server acknowledged,
 * with its unanswered push applied whole or not at all; references hold; then each
 * writer pushes once more and the follower catches up from its pre-crash checkpoints
 * to exactly the server's documents.
 */
async function verifyAfterCrash(
  url: string,
  writers: BurstWriter[],
  follower: Follower,
): Promise<{ verified: number; applied: number }> {
  const token = (await loginAt(url, 'admin@other.test')).token;
  const state = await pullEverything(url, token);
  checkReferences(state);
  let verified = 0;
  let applied = 0;
  for (const w of writers) {
    expect(w.surprises, `${w.name}'s answers before the kill`).toEqual([]);
    const actual = documentsOf(state, `${w.name}-`);
    const asAcknowledged = differences(w.acked, actual);
    const withInFlight = w.inFlight ? differences(applyPush(w.acked, w.inFlight), actual) : asAcknowledged;
    if (asAcknowledged.length > 0 && withInFlight.length > 0) {
      throw new Error(
        `${w.name}: the server holds neither the acknowledged state nor it with the unanswered push ` +
          `(${w.inFlight?.rows.length ?? 0} rows) applied whole — lost or half-written:\n` +
          (asAcknowledged.length <= withInFlight.length ? asAcknowledged : withInFlight).join('\n'),
      );
    }
    const inFlightApplied = w.inFlight !== null && asAcknowledged.length > 0;
    if (w.inFlight && !inFlightApplied) {
      const { collection, rows } = w.inFlight;
      const seen = rows.filter(
        (r) =>
          stableStringify(follower.seen[collection].get(r.newDocumentState.id)) ===
          stableStringify(r.newDocumentState),
      );
      expect(
        seen.map((r) => r.newDocumentState.id),
        `${w.name}: pulled before the crash, gone after it`,
      ).toEqual([]);
    }
    if (inFlightApplied) applied += 1;
    verified += countDocuments(actual);
    w.resume(state);
  }
  // The server takes writes again, and a device's checkpoint from before the crash still works.
  for (const w of writers) {
    expect(await w.pushOnce(), `${w.name}'s push after the restart`).toBe(true);
    expect(w.surprises).toEqual([]);
  }
  await follower.catchUp();
  const after = await pullEverything(url, token);
  expect(
    differences(after, follower.seen),
    'the follower (checkpoints across the crash) vs a full pull',
  ).toEqual([]);
  for (const w of writers) expect(differences(w.acked, documentsOf(after, `${w.name}-`))).toEqual([]);
  return { verified, applied };
}

/** No live membership points at a group or client that is missing or deleted. */
function checkReferences(state: State): void {
  const alive = (collection: SyncCollection, id: unknown) =>
    state[collection].get(String(id))?._deleted === false;
  const dangling = [...state.memberships.values()]
    .filter((m) => !m._deleted && (!alive('groups', m.groupId) || !alive('clients', m.clientId)))
    .map((m) => m.id);
  expect(dangling, 'memberships of a missing group or client').toEqual([]);
}

type Moment = 'before the burst' | 'as the server dies' | 'while the server is down' | 'after the restart';

/**
 * Device `i`'s edits of round `round` at `moment`: its own group, client and membership
 * (recorded in `ledger`), the previous round's ones removed while the server is down, and
 * for devices 1 and 2 the same membership of a seed group added on both as the server dies.
 */
async function editOnDevice(
  d: TestDevice,
  i: number,
  round: number,
  moment: Moment,
  ledger: DeviceLedger,
): Promise<void> {
  const now = Date.now();
  const group = `d${i}-g${round}`;
  const client = `d${i}-c${round}`;
  switch (moment) {
    case 'before the burst':
      await insertOnDevice(
        d,
        ledger,
        'groups',
        createGroup(checkGroupInput({ name: `Group ${group}`, description: '', metadata: {} }), group, now),
      );
      await insertOnDevice(d, ledger, 'clients', createClient({ name: `Client ${client}` }, client, now));
      // The membership only once its group and client are on the server: a device's collections
      // push independently, and a membership arriving first is refused (the known bug below).
      await nothingWaiting(d);
      await insertOnDevice(
        d,
        ledger,
        'memberships',
        createMembership(group, client, { startDate: '2026-03-02' }, now),
      );
      return;
    case 'as the server dies': {
      await changeOnDevice(d, ledger, 'groups', group, { name: `Group ${group} as the server dies` });
      const shared = SHARED_CLIENTS[round - 1];
      if (i === 0 || !shared) return;
      const m = createMembership(SHARED_GROUP, shared, { startDate: '2026-04-06' }, now);
      // Each device adds it unless a pull already brought it: the same pair, one document.
      await d.db.memberships.insert(m).catch(() => undefined);
      return;
    }
    case 'while the server is down':
      await changeOnDevice(d, ledger, 'clients', client, { name: `Client ${client} while down` });
      if (round > 1) {
        const previous = `d${i}-g${round - 1}`;
        await changeOnDevice(d, ledger, 'memberships', membershipId(previous, `d${i}-c${round - 1}`), {
          _deleted: true,
        });
        await changeOnDevice(d, ledger, 'groups', previous, { _deleted: true });
      }
      return;
    case 'after the restart':
      await changeOnDevice(d, ledger, 'groups', group, { description: `After restart ${round}` });
      return;
  }
}

/**
 * Each device's own documents are on the server as the device last wrote them, nothing of
 * them went to a conflict log, and no (group, client) pair is a member twice anywhere.
 */
function checkDevicesKeptTheirWrites(state: State, devices: TestDevice[], ledger: DeviceLedger): void {
  const lost: string[] = [];
  for (const [key, written] of ledger) {
    const [collection, id] = key.split('/') as [SyncCollection, string];
    const onServer = state[collection].get(id);
    // A deletion is kept when the document is deleted: a cascade of its group may have come first.
    const kept = written._deleted
      ? onServer?._deleted === true
      : stableStringify(onServer) === stableStringify(written);
    if (!kept) {
      lost.push(
        `${key}: wrote ${stableStringify(written)}, server ${onServer ? stableStringify(onServer) : 'absent'}`,
      );
    }
  }
  expect(lost, 'device writes not on the server as written').toEqual([]);
  for (const [i, d] of devices.entries()) {
    const own = d.log.entries.filter((e) => e.docId.startsWith(`d${i}-`));
    expect(
      own.map((e) => `${e.collection}/${e.docId} ${e.kind}`),
      `${d.name}'s conflict log`,
    ).toEqual([]);
  }
  const pairs = [...state.memberships.values()]
    .filter((m) => !m._deleted)
    .map((m) => `${m.groupId}|${m.clientId}`);
  expect(pairs.length, 'memberships of the same client in the same group').toBe(new Set(pairs).size);
  for (const client of SHARED_CLIENTS.slice(0, KILLS)) {
    expect(
      state.memberships.get(membershipId(SHARED_GROUP, client))?._deleted,
      `shared membership ${client}`,
    ).toBe(false);
  }
  checkReferences(state);
}

async function until(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`still waiting after ${timeoutMs} ms`);
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
