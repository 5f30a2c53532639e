/**
 * Scale-out: two server processes (`npm run server`, as deployed) on one PostgreSQL
 * database, no sticky routing. A change pushed through one reaches a device that
 * streams from the other, through PostgreSQL LISTEN/NOTIFY.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkGroupInput, createGroup } from '../../domain/group';
import { openTestDevice, type TestDevice } from '../testing/devices';
import { startServerProcess, stopServerProcess } from '../testing/serverProcess';
import { loginAt, seededStorage, testStorages } from './testing';
import { protocolHeaders } from '../protocol';

const withPostgres = testStorages().includes('postgres');

describe.skipIf(!withPostgres)('two server processes on one PostgreSQL database', () => {
  let storage: Awaited<ReturnType<typeof seededStorage>>;
  const processes: ChildProcess[] = [];
  let one: string;
  let two: string;
  const devices: TestDevice[] = [];

  beforeAll(async () => {
    storage = await seededStorage('postgres');
    const [a, b] = await Promise.all([startServerProcess(storage.env), startServerProcess(storage.env)]);
    processes.push(a.child, b.child);
    one = a.url;
    two = b.url;
  }, 60_000);

  afterAll(async () => {
    for (const d of devices) await d.close();
    for (const p of processes) await stopServerProcess(p);
    await storage.drop();
  });

  it('a change pushed through one process reaches a device streaming from the other, live', async () => {
    const login = (url: string) => ({ url, login: (email: string) => loginAt(url, email) });
    const writer = await openTestDevice(login(one), 'fanout-writer');
    const reader = await openTestDevice(login(two), 'fanout-reader', {
      // No periodic re-sync to fall back on: only the stream can bring the change.
      resyncIntervalMs: 3600_000,
    });
    devices.push(writer, reader);
    await expect.poll(() => reader.sync.status$.value.phase, { timeout: 15_000 }).toBe('synced');

    await writer.db.groups.insert(
      createGroup(
        checkGroupInput({ name: 'Across processes', description: '', metadata: {} }),
        'fanout',
        Date.now(),
      ),
    );
    await expect
      .poll(async () => (await reader.db.groups.findOne('fanout').exec())?.name, { timeout: 10_000 })
      .toBe('Across processes');
  });

  it('the raw stream of one process announces a push made through the other', async () => {
    const { token } = await loginAt(two, 'admin@demo.test');
    const controller = new AbortController();
    const stream = await fetch(`${two}/api/v1/sync/stream`, {
      headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    const reader = stream.body?.getReader();
    if (!reader) throw new Error('no stream body');
    const received: string[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        received.push(decoder.decode(value));
      }
    })();
    const writerToken = (await loginAt(one, 'practitioner@demo.test')).token;
    const doc = {
      ...createGroup(
        checkGroupInput({ name: 'Raw', description: '', metadata: {} }),
        'fanout-raw',
        Date.now(),
      ),
      _deleted: false,
    };
    const push = await fetch(`${one}/api/v1/sync/groups/push`, {
      method: 'POST',
      headers: {
        ...protocolHeaders,
        authorization: `Bearer ${writerToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify([{ assumedMasterState: null, newDocumentState: doc }]),
    });
    expect(push.status).toBe(200);
    await expect.poll(() => received.join(''), { timeout: 5_000 }).toContain('"collection":"groups"');
    controller.abort();
    await reading;
  });
});
