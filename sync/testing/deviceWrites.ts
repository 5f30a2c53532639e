/**
 * Test support: a test device's own writes as the app makes them, each recorded in a
 * ledger (the last state the device wrote of each document), and the wait until devices
 * and the server hold the same documents.
 */
import type { RxCollection } from 'rxdb';
import { stableStringify, toWireDocument } from '../../domain/documents';
import type { SyncDocument } from '../../domain/merge';
import { replicaOf } from '../../renderer/data/engine/replicate';
import { SYNC_COLLECTIONS, type SyncCollection } from '../protocol';
import type { TestDevice } from './devices';
import { pullEverything, type State } from './pushBurst';

/** `collection/id` → the state a device last wrote of that document. */
export type DeviceLedger = Map<string, SyncDocument>;

function collectionOf(d: TestDevice, collection: SyncCollection): RxCollection<SyncDocument> {
  return d.db.collections[collection] as unknown as RxCollection<SyncDocument>;
}

export async function insertOnDevice(
  d: TestDevice,
  ledger: DeviceLedger,
  collection: SyncCollection,
  doc: { id: string; createdAt: number; updatedAt: number },
): Promise<void> {
  const wire: SyncDocument = { ...doc, _deleted: false };
  await collectionOf(d, collection).insert(wire);
  ledger.set(`${collection}/${doc.id}`, wire);
}

/** Changes (or with `_deleted: true` deletes) a document as the app does, with a later `updatedAt`. */
export async function changeOnDevice(
  d: TestDevice,
  ledger: DeviceLedger,
  collection: SyncCollection,
  id: string,
  change: Partial<SyncDocument>,
): Promise<void> {
  const doc = await collectionOf(d, collection).findOne(id).exec();
  if (!doc) throw new Error(`${d.name} lost its own ${collection}/${id}`);
  const written = await doc.incrementalModify((current) => ({
    ...current,
    ...change,
    updatedAt: Math.max(Date.now(), current.updatedAt + 1),
  }));
  ledger.set(`${collection}/${id}`, toWireDocument(written.toJSON(true)) as SyncDocument);
}

/** Waits until the server has taken every change the device made. */
export async function nothingWaiting(d: TestDevice, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (d.sync.status$.value.pending > 0) {
    if (Date.now() > deadline) throw new Error(`${d.name} still has changes waiting after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/**
 * Waits until every device holds exactly the server's live documents with nothing
 * waiting; returns the server's state (tombstones included).
 */
export async function waitUntilConverged(
  url: string,
  token: string,
  devices: TestDevice[],
  timeoutMs = 30_000,
): Promise<State> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    for (const d of devices) d.sync.syncNow();
    // awaitInSync never times out on its own.
    await Promise.race([Promise.all(devices.map((d) => d.sync.awaitInSync())), sleep(5_000)]);
    const state = await pullEverything(url, token);
    let difference = '';
    for (const d of devices) {
      for (const collection of SYNC_COLLECTIONS) {
        const local = await collectionOf(d, collection).find().exec();
        const onDevice = new Map(local.map((x) => [x.primary, stableStringify(toWireDocument(x.toJSON()))]));
        const live = [...state[collection].values()].filter((x) => !x._deleted);
        const onServer = new Map(live.map((x) => [x.id, stableStringify(x)]));
        for (const id of new Set([...onDevice.keys(), ...onServer.keys()])) {
          if (onDevice.get(id) !== onServer.get(id)) {
            difference = `${d.name} ${collection}/${id}: device ${onDevice.get(id) ?? 'absent'}, server ${onServer.get(id) ?? 'absent'}`;
          }
        }
      }
    }
    const pending = devices.reduce((n, d) => n + d.sync.status$.value.pending, 0);
    if (!difference && pending === 0) return state;
    if (Date.now() > deadline) {
      const waiting = pending > 0 ? ` [${await waitingOn(devices)}]` : '';
      throw new Error(
        `no convergence after ${timeoutMs} ms (${pending} changes waiting${waiting}): ${difference}`,
      );
    }
    await sleep(200);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Which changes wait on which device (`collection/id`), for a failure message. */
async function waitingOn(devices: TestDevice[]): Promise<string> {
  const lines = await Promise.all(
    devices.map(async (d) => {
      const keys: string[] = [];
      for (const collection of SYNC_COLLECTIONS) {
        const waiting = await replicaOf(collectionOf(d, collection) as unknown as RxCollection).waiting();
        keys.push(...waiting.map((w) => `${collection}/${String(w.doc.id)}`));
      }
      return keys.length > 0 ? `${d.name}: ${keys.join(', ')}` : '';
    }),
  );
  return lines.filter(Boolean).join('; ');
}
