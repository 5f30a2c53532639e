/**
 * Chaos property test: four devices (real RxDB on Dexie over fake-indexeddb, three
 * admins and a practitioner) and the real server over HTTP, each device behind its own
 * proxy. A random program — seeded by fast-check, reproducible from the printed seed —
 * creates, edits and deletes groups, clients and memberships on random devices, cuts and
 * restores their networks, drops requests before or after the server commits them, and
 * restarts the server half-way. Then everyone comes online, and:
 *
 * - every device holds exactly the server's documents;
 * - no membership points at a deleted group or client;
 * - every value any device wrote is in the final state, or was seen and replaced by a
 *   later edit, or is in a conflict log (a merge it lost, a deletion that beat it, a
 *   refusal), or belonged to a membership deleted with its group or client, or to a client
 *   who was deleted (a deletion erases: their values leave the conflict logs too).
 *
 * `npm test` runs a few seeds; `npm run test:chaos` runs 50 (COHORT_CHAOS_RUNS), and
 * COHORT_CHAOS_SEED=<n> replays one.
 */
import fc from 'fast-check';
import type { RxCollection } from 'rxdb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from '../../../domain/client';
import { stableStringify, toWireDocument } from '../../../domain/documents';
import { checkGroupInput, createGroup } from '../../../domain/group';
import { createMembership, membershipId } from '../../../domain/membership';
import type { SyncDocument } from '../../../domain/merge';
import type { SyncCollection } from '../../../sync/protocol';
import { startTestServer, type TestServer } from '../../../sync/server/testing';
import { openTestDevice, type TestDevice } from '../../../sync/testing/devices';
import { waitUntilConverged } from '../../../sync/testing/deviceWrites';
import type { State } from '../../../sync/testing/pushBurst';
import { seededRandom } from '../../../sync/testing/random';

const LONG = process.env.npm_lifecycle_event === 'test:chaos';
const RUNS = Number(process.env.COHORT_CHAOS_RUNS ?? (LONG ? 50 : 3));
const OPS = Number(process.env.COHORT_CHAOS_OPS ?? (LONG ? 150 : 60));
const FIRST_SEED = Number(process.env.COHORT_CHAOS_SEED ?? 1);
const SEEDS = Array.from({ length: process.env.COHORT_CHAOS_SEED ? 1 : RUNS }, (_, i) => FIRST_SEED + i);
const ACCOUNTS = ['admin@demo.test', 'admin@demo.test', 'admin@demo.test', 'practitioner@demo.test'];
const DATES = ['2026-01-05', '2026-02-10', '2026-03-15', '2026-04-20', '2026-05-25'];

type Op =
  | { kind: 'createGroup' | 'createClient'; device: number }
  | { kind: 'editGroup'; device: number; pick: number; field: 'name' | 'description' | 'metadata' }
  | { kind: 'editClient'; device: number; pick: number; field: 'name' | 'email' | 'phone' }
  | { kind: 'deleteGroup' | 'deleteClient' | 'removeMember' | 'editMember'; device: number; pick: number }
  | { kind: 'addMember'; device: number; pick: number; pickClient: number; date: number }
  | { kind: 'network'; device: number; up: boolean }
  | { kind: 'drops'; device: number; rate: number }
  | { kind: 'pause'; ms: number };

const device = fc.integer({ min: 0, max: ACCOUNTS.length - 1 });
const pick = fc.nat(1000);
const opArbitrary: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('createGroup' as const), device }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('createClient' as const), device }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('editGroup' as const),
      device,
      pick,
      field: fc.constantFrom('name' as const, 'description' as const, 'metadata' as const),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('editClient' as const),
      device,
      pick,
      field: fc.constantFrom('name' as const, 'email' as const, 'phone' as const),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom('deleteGroup' as const, 'deleteClient' as const, 'removeMember' as const),
      device,
      pick,
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('editMember' as const), device, pick }) },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant('addMember' as const),
      device,
      pick,
      pickClient: pick,
      date: fc.nat(DATES.length - 2),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('network' as const), device, up: fc.boolean() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('drops' as const), device, rate: fc.constantFrom(0, 0.2, 0.5) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('pause' as const), ms: fc.integer({ min: 20, max: 300 }) }),
  },
);

/** What the program did, to check against the end state. */
type Ledger = {
  /** Every value written: `collection/id/field` and the value. */
  writes: { collection: SyncCollection; docId: string; field: string; value: unknown; by: string }[];
  /** Values a device had on screen when it replaced or deleted them. */
  replaced: Set<string>;
};

const key = (collection: string, docId: string, field: string, value: unknown) =>
  `${collection}/${docId}/${field}/${stableStringify(value)}`;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer('embedded');
});
afterAll(() => server.close());

describe('chaos: devices, drops and a restart converge', () => {
  it.each(SEEDS)('seed %i', { timeout: 180_000 }, async (seed) => {
    const [program] = fc.sample(fc.array(opArbitrary, { minLength: OPS, maxLength: OPS }), {
      seed,
      numRuns: 1,
    });
    if (!program) throw new Error('no program');
    const random = seededRandom(seed);
    const devices: TestDevice[] = [];
    try {
      for (const [i, email] of ACCOUNTS.entries()) {
        devices.push(await openTestDevice(server, `chaos-${seed}-${i}`, { email }));
      }
      for (const d of devices) d.proxy.policy = () => 'pass';
      // Each device's clock is off by up to two seconds, as laptops' clocks are.
      const skews = devices.map(() => Math.round((random() - 0.5) * 4000));
      const ledger: Ledger = { writes: [], replaced: new Set() };
      const faults = { drops: 0, cuts: 0, restarts: 0 };

      for (const [index, op] of program.entries()) {
        if (index === Math.floor(program.length / 2)) {
          await server.restart();
          faults.restarts += 1;
        }
        await apply(op, index);
        await sleep(Math.floor(random() * 25));
      }

      // Everyone online, no more drops: the end state.
      for (const d of devices) {
        d.proxy.policy = () => 'pass';
        d.setNetwork(true);
      }
      const final = await converge(server, devices, seed);
      faults.drops = devices.reduce(
        (n, d) => n + d.proxy.counts['drop-before'] + d.proxy.counts['drop-after'],
        0,
      );
      checkReferences(final);
      checkNothingLost(final, ledger, devices, seed);
      console.info(
        `chaos seed ${seed}: ${program.length} operations, ${ledger.writes.length} values written, ` +
          `${faults.cuts} network cuts, ${faults.drops} dropped requests, ${faults.restarts} server restart, ` +
          `${devices.reduce((n, d) => n + d.log.entries.length, 0)} conflict-log entries: converged`,
      );

      async function apply(op: Op, index: number): Promise<void> {
        if (op.kind === 'pause') {
          await sleep(op.ms);
          return;
        }
        const d = devices[op.device];
        if (!d) throw new Error('no device');
        const now = Date.now() + (skews[op.device] ?? 0);
        const tag = `s${seed}o${index}`;
        const by = d.name;
        const wrote = (collection: SyncCollection, doc: Record<string, unknown>, fields: string[]) => {
          for (const field of fields) {
            ledger.writes.push({ collection, docId: String(doc.id), field, value: valueAt(doc, field), by });
          }
        };
        const replacing = (collection: SyncCollection, doc: Record<string, unknown>, fields: string[]) => {
          for (const field of fields)
            ledger.replaced.add(key(collection, String(doc.id), field, valueAt(doc, field)));
        };
        const live = async (collection: SyncCollection) =>
          (await d.db.collections[collection].find().exec()).map(
            (x) => x.toJSON() as unknown as SyncDocument,
          );
        const choose = async (collection: SyncCollection, n: number) => {
          const docs = await live(collection);
          return docs.length ? docs[n % docs.length] : undefined;
        };

        switch (op.kind) {
          case 'network':
            if (!op.up) faults.cuts += 1;
            d.setNetwork(op.up);
            return;
          case 'drops':
            d.proxy.policy = () => {
              const r = random();
              return r < op.rate / 2 ? 'drop-before' : r < op.rate ? 'drop-after' : 'pass';
            };
            return;
          case 'createGroup': {
            const group = createGroup(
              checkGroupInput({ name: `Group ${tag}`, description: `About ${tag}`, metadata: { room: tag } }),
              `g-${tag}`,
              now,
            );
            await d.db.groups.insert(group);
            wrote('groups', group, ['name', 'description', 'metadata.room']);
            return;
          }
          case 'createClient': {
            const client = createClient(
              { name: `Client ${tag}`, email: `${tag}@example.test` },
              `c-${tag}`,
              now,
            );
            await d.db.clients.insert(client);
            wrote('clients', client, ['name', 'email']);
            return;
          }
          case 'editGroup': {
            const group = await choose('groups', op.pick);
            if (!group) return;
            const path = op.field === 'metadata' ? 'metadata.room' : op.field;
            const change = (current: SyncDocument) => ({
              [op.field]:
                op.field === 'metadata'
                  ? { ...(current.metadata as object), room: tag }
                  : `${op.field} ${tag}`,
            });
            const before = await patch(d, 'groups', group.id, change, now);
            if (!before) return;
            replacing('groups', before, [path]);
            wrote('groups', { ...before, ...change(before) }, [path]);
            return;
          }
          case 'editClient': {
            const client = await choose('clients', op.pick);
            if (!client) return;
            const value =
              op.field === 'email'
                ? `${tag}@example.test`
                : op.field === 'phone'
                  ? `+40 ${index} ${seed}`
                  : `Client ${tag}`;
            const before = await patch(d, 'clients', client.id, () => ({ [op.field]: value }), now);
            if (!before) return;
            replacing('clients', before, [op.field]);
            wrote('clients', { id: client.id, [op.field]: value }, [op.field]);
            return;
          }
          case 'editMember': {
            const m = await choose('memberships', op.pick);
            if (!m) return;
            const candidate = DATES[DATES.length - 1 - (index % 2)] ?? '';
            // A real end date: never before the start (the seed's memberships may start later).
            const change = (current: SyncDocument) => ({
              endDate: candidate < String(current.startDate) ? String(current.startDate) : candidate,
            });
            const before = await patch(d, 'memberships', m.id, change, now);
            if (!before) return;
            replacing('memberships', before, ['endDate']);
            wrote('memberships', { id: m.id, ...change(before) }, ['endDate']);
            return;
          }
          case 'addMember': {
            const group = await choose('groups', op.pick);
            const client = await choose('clients', op.pickClient);
            if (!group || !client) return;
            const id = membershipId(group.id, client.id);
            if (await d.db.memberships.findOne(id).exec()) return;
            const m = createMembership(
              group.id,
              client.id,
              { startDate: DATES[op.date] ?? DATES[0] ?? '' },
              now,
            );
            // A pull may have brought the same membership since: then this device adds nothing.
            const added = await d.db.memberships.insert(m).then(
              () => true,
              () => false,
            );
            if (added) wrote('memberships', m, ['startDate']);
            return;
          }
          case 'deleteGroup':
          case 'deleteClient': {
            const collection = op.kind === 'deleteGroup' ? 'groups' : 'clients';
            const doc = await choose(collection, op.pick);
            if (!doc) return;
            // As the app does: the memberships it knows of go first, then the record.
            const field = collection === 'groups' ? 'groupId' : 'clientId';
            for (const m of await d.db.memberships.find({ selector: { [field]: doc.id } }).exec()) {
              const removed = await remove(d, 'memberships', m.id, now);
              if (removed) replacing('memberships', removed, ['startDate', 'endDate']);
            }
            const removed = await remove(d, collection, doc.id, now);
            if (removed) replacing(collection, removed, fieldPaths(removed));
            return;
          }
          case 'removeMember': {
            const m = await choose('memberships', op.pick);
            if (!m) return;
            const removed = await remove(d, 'memberships', m.id, now);
            if (removed) replacing('memberships', removed, ['startDate', 'endDate']);
            return;
          }
        }
      }
    } catch (error) {
      console.error(`chaos seed ${seed} failed: replay with COHORT_CHAOS_SEED=${seed} npm run test:chaos`);
      throw error;
    } finally {
      for (const d of devices) await d.close();
    }
  });
});

/**
 * Changes a document as the app does, and returns the state it replaced — read inside
 * the write, so a pull landing between choosing and writing cannot mislead the ledger —
 * or null when the document is gone by then.
 */
async function patch(
  d: TestDevice,
  collection: SyncCollection,
  id: string,
  change: (current: SyncDocument) => object,
  now: number,
  deleting = false,
): Promise<SyncDocument | null> {
  const doc = await (d.db.collections[collection] as unknown as RxCollection<SyncDocument>)
    .findOne(id)
    .exec();
  let replaced: SyncDocument | null = null;
  await doc?.incrementalModify((current: SyncDocument) => {
    if (current._deleted) return current;
    replaced = toWireDocument(current) as SyncDocument;
    return {
      ...current,
      ...change(current),
      updatedAt: Math.max(now, current.updatedAt + 1),
      ...(deleting ? { _deleted: true } : {}),
    };
  });
  return replaced;
}

function remove(
  d: TestDevice,
  collection: SyncCollection,
  id: string,
  now: number,
): Promise<SyncDocument | null> {
  return patch(d, collection, id, () => ({}), now, true);
}

/** Waits until every device holds the server's live documents; returns the server's state (deleted ones included). */
async function converge(server: TestServer, devices: TestDevice[], seed: number): Promise<State> {
  const { token } = await server.login('admin@demo.test');
  try {
    return await waitUntilConverged(server.url, token, devices, 60_000);
  } catch (error) {
    throw new Error(`seed ${seed}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
}

function checkReferences(state: State) {
  const alive = (collection: SyncCollection, id: unknown) =>
    state[collection].get(String(id))?._deleted === false;
  for (const m of state.memberships.values()) {
    if (m._deleted) continue;
    expect(alive('groups', m.groupId), `membership ${m.id} points at a deleted group`).toBe(true);
    expect(alive('clients', m.clientId), `membership ${m.id} points at a deleted client`).toBe(true);
  }
}

function checkNothingLost(state: State, ledger: Ledger, devices: TestDevice[], seed: number) {
  const logged = new Set<string>();
  for (const d of devices) {
    for (const e of d.log.entries) {
      if (e.kind === 'field' && e.field) logged.add(key(e.collection, e.docId, e.field, e.lost));
      else {
        const lost = e.lost as SyncDocument;
        for (const field of fieldPaths(lost))
          logged.add(key(e.collection, e.docId, field, valueAt(lost, field)));
      }
    }
  }
  const missing: string[] = [];
  for (const w of ledger.writes) {
    const final = state[w.collection].get(w.docId);
    if (final && !final._deleted && stableStringify(valueAt(final, w.field)) === stableStringify(w.value))
      continue;
    const k = key(w.collection, w.docId, w.field, w.value);
    if (ledger.replaced.has(k) || logged.has(k)) continue;
    // A deleted client is erased, their memberships with them, from the conflict logs too
    // (their right to erasure): the deletion is the later fact. A membership's id names its pair.
    const [groupId = '', clientId = ''] = w.collection === 'memberships' ? w.docId.split(':') : [];
    if (w.collection === 'clients' && final?._deleted) continue;
    if (w.collection === 'memberships' && state.clients.get(clientId)?._deleted) continue;
    // Deleted with its group (the server's cascade): the deletion is the later fact.
    if (w.collection === 'memberships' && final?._deleted && state.groups.get(groupId)?._deleted) continue;
    missing.push(
      `${k} (written by ${w.by}; end state ${final ? stableStringify(final) : 'absent'}; ` +
        `log ${stableStringify(devices.flatMap((d) => d.log.entries.filter((e) => e.docId === w.docId)))})`,
    );
  }
  expect(missing, `seed ${seed}: values neither in the end state nor in a conflict log`).toEqual([]);
}

/** A document's field paths: `name`, and `metadata.room` for each key of a map. */
function fieldPaths(doc: Record<string, unknown>): string[] {
  return Object.entries(doc).flatMap(([field, value]) =>
    value !== null && typeof value === 'object' ? Object.keys(value).map((k) => `${field}.${k}`) : [field],
  );
}

function valueAt(doc: Record<string, unknown>, path: string): unknown {
  const [head = '', inner] = path.split('.');
  const value = doc[head];
  return inner === undefined ? value : (value as Record<string, unknown> | undefined)?.[inner];
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
