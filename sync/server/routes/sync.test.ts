import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Group } from '../../../domain/group';
import { protocolHeaders, type Checkpoint, type PullResponse, type PushResponse } from '../../protocol';
import { startTestServer, testStorages, type TestServer } from '../testing';

type Doc = Group & { _deleted: boolean };

function group(id: string, name = `Group ${id}`, at = 1_700_000_000_000): Doc {
  return { id, name, description: '', metadata: {}, createdAt: at, updatedAt: at, _deleted: false };
}

describe.each(testStorages())('sync protocol over HTTP (%s storage)', (storage) => {
  let server: TestServer;
  let admin: string;
  let viewer: string;
  let other: string;

  beforeAll(async () => {
    server = await startTestServer(storage);
    admin = (await server.login('admin@demo.test')).token;
    viewer = (await server.login('viewer@demo.test')).token;
    other = (await server.login('admin@other.test')).token;
  });
  afterAll(() => server.close());

  async function pull(token: string, checkpoint: Checkpoint | null, limit = 100) {
    const query = new URLSearchParams({ limit: String(limit) });
    if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
    const res = await fetch(`${server.url}/api/v1/sync/groups/pull?${query}`, {
      headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as PullResponse<Group>;
  }
  async function pullAll(token: string, from: Checkpoint | null = null, limit = 100) {
    const docs: Doc[] = [];
    let checkpoint = from;
    for (;;) {
      const page = await pull(token, checkpoint, limit);
      docs.push(...page.documents);
      if (page.documents.length < limit) return { docs, checkpoint: page.checkpoint };
      checkpoint = page.checkpoint;
    }
  }
  async function push(token: string, rows: { assumedMasterState: Doc | null; newDocumentState: Doc }[]) {
    const res = await fetch(`${server.url}/api/v1/sync/groups/push`, {
      method: 'POST',
      headers: { ...protocolHeaders, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(rows),
    });
    expect(res.status).toBe(200);
    return (await res.json()) as PushResponse<Group>;
  }

  it('pulls the organisation’s groups in pages that follow the checkpoint', async () => {
    const first = await pull(admin, null, 3);
    expect(first.documents).toHaveLength(3);
    expect(first.checkpoint).not.toBeNull();
    const rest = await pullAll(admin, first.checkpoint, 3);
    const ids = [...first.documents, ...rest.docs].map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining(['demo-mindfulness', 'demo-grief', 'demo-parents', 'demo-running']),
    );
    expect(ids.some((id) => id.startsWith('other-'))).toBe(false);
    // The wire document is exactly the schema's fields plus _deleted.
    expect(Object.keys(first.documents[0] as object).sort()).toEqual(
      ['_deleted', 'createdAt', 'description', 'id', 'metadata', 'name', 'updatedAt'].sort(),
    );
    // A pull from the last checkpoint is empty and keeps the checkpoint.
    const empty = await pull(admin, rest.checkpoint);
    expect(empty).toEqual({ documents: [], checkpoint: rest.checkpoint });
  });

  it('writes a new group, then refuses a push whose assumed state is stale with the server’s state', async () => {
    const created = group('conflict-1', 'First name');
    expect(await push(admin, [{ assumedMasterState: null, newDocumentState: created }])).toEqual({
      conflicts: [],
      rejections: [],
    });
    const renamed = { ...created, name: 'Renamed', updatedAt: created.updatedAt + 1 };
    expect(
      (await push(admin, [{ assumedMasterState: created, newDocumentState: renamed }])).conflicts,
    ).toEqual([]);
    // A second device still assumes the first state.
    const stale = { ...created, name: 'Stale edit', updatedAt: created.updatedAt + 2 };
    const answer = await push(admin, [{ assumedMasterState: created, newDocumentState: stale }]);
    expect(answer.conflicts).toEqual([renamed]);
    expect(answer.rejections).toEqual([]);
    const { docs } = await pullAll(admin);
    expect(docs.find((d) => d.id === 'conflict-1')?.name).toBe('Renamed');
  });

  it('refuses a viewer’s push as a conflict with a tombstone and a forbidden rejection', async () => {
    const doc = group('viewer-try', 'Viewer group');
    const answer = await push(viewer, [{ assumedMasterState: null, newDocumentState: doc }]);
    // The server never had it: a tombstone, the pushed content not echoed.
    expect(answer.conflicts).toEqual([
      { id: 'viewer-try', createdAt: doc.createdAt, updatedAt: doc.updatedAt, _deleted: true },
    ]);
    expect(answer.rejections).toEqual([
      { id: 'viewer-try', code: 'forbidden', message: expect.stringContaining('client_groups.create') },
    ]);
    const { docs } = await pullAll(admin);
    expect(docs.some((d) => d.id === 'viewer-try')).toBe(false);
  });

  it('answers a push only to a caller who may read the collection: a made-up row reads nothing', async () => {
    // The attack of issue 17: a token that may read groups but not clients pushes a row
    // naming a client's id, to get the stored client back as the conflict.
    const made = await fetch(`${server.url}/api/v1/tokens`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Groups reader', permissions: ['client_groups.read'] }),
    });
    const { token } = (await made.json()) as { token: string };
    for (const [collection, id] of [
      ['clients', 'demo-c-anna'],
      ['groups', 'demo-grief'],
    ] as const) {
      const res = await fetch(`${server.url}/api/v1/sync/${collection}/push`, {
        method: 'POST',
        headers: {
          ...protocolHeaders,
          authorization: `Bearer ${viewer}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify([{ newDocumentState: { id, _deleted: false } }]),
      });
      // A viewer may read both: the made-up row is refused, the conflict is the stored state.
      expect(res.status).toBe(200);
      const asToken = await fetch(`${server.url}/api/v1/sync/${collection}/push`, {
        method: 'POST',
        headers: { ...protocolHeaders, authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify([{ newDocumentState: { id, _deleted: false } }]),
      });
      const text = await asToken.text();
      if (collection === 'clients') {
        expect(asToken.status).toBe(403);
        expect(JSON.parse(text)).toEqual({
          error: { code: 'forbidden', message: 'This needs the permission clients.read.' },
        });
        for (const value of ['Anna de Vries', 'anna.devries@example.nl', '+31 6 1234 5678', '1986-04-12'])
          expect(text).not.toContain(value);
      } else {
        expect(asToken.status).toBe(200);
      }
    }
  });

  it('refuses a practitioner’s delete, keeping the group', async () => {
    const practitioner = (await server.login('practitioner@demo.test')).token;
    const doc = group('keep-me');
    await push(practitioner, [{ assumedMasterState: null, newDocumentState: doc }]);
    const answer = await push(practitioner, [
      { assumedMasterState: doc, newDocumentState: { ...doc, _deleted: true } },
    ]);
    expect(answer.conflicts).toEqual([doc]);
    expect(answer.rejections[0]).toMatchObject({ id: 'keep-me', code: 'forbidden' });
    const deleted = await push(admin, [
      { assumedMasterState: doc, newDocumentState: { ...doc, _deleted: true } },
    ]);
    expect(deleted).toEqual({ conflicts: [], rejections: [] });
  });

  it('rejects documents that break the domain rules', async () => {
    const tooLong = group('too-long', 'x'.repeat(101));
    const untrimmed = group('untrimmed', '  padded ');
    const empty = group('empty-name', '');
    const answer = await push(admin, [
      { assumedMasterState: null, newDocumentState: tooLong },
      { assumedMasterState: null, newDocumentState: untrimmed },
      { assumedMasterState: null, newDocumentState: empty },
    ]);
    expect(answer.rejections.map((r) => [r.id, r.code])).toEqual([
      ['too-long', 'invalid'],
      ['untrimmed', 'invalid'],
      ['empty-name', 'invalid'],
    ]);
    expect(answer.conflicts.every((c) => c._deleted)).toBe(true);
  });

  it('answers client mistakes with 4xx and {error}', async () => {
    const headers = {
      ...protocolHeaders,
      authorization: `Bearer ${admin}`,
      'content-type': 'application/json',
    };
    const cases: [string, RequestInit, number][] = [
      ['/api/v1/sync/groups/pull?checkpoint=nope', { headers }, 400],
      ['/api/v1/sync/groups/pull?checkpoint=%7B%22seq%22%3A-1%7D', { headers }, 400],
      ['/api/v1/sync/groups/pull?limit=0', { headers }, 400],
      ['/api/v1/sync/groups/pull?limit=100000', { headers }, 400],
      ['/api/v1/sync/widgets/pull', { headers }, 404],
      ['/api/v1/sync/groups/push', { method: 'POST', headers, body: '{"not":"an array"}' }, 400],
      [
        '/api/v1/sync/groups/push',
        { method: 'POST', headers, body: '[{"newDocumentState":{"id":"a b"}}]' },
        400,
      ],
      ['/api/v1/sync/groups/push', { method: 'POST', headers, body: '[' }, 400],
    ];
    for (const [path, init, status] of cases) {
      const res = await fetch(server.url + path, init);
      expect(res.status, path).toBe(status);
      const body = (await res.json()) as { error: { code: string; message: string } };
      expect(body.error.code, path).toEqual(expect.any(String));
      expect(body.error.message, path).toEqual(expect.any(String));
    }
  });

  it('tells a device of an older protocol to update, and one of a newer that the server is behind', async () => {
    const auth = { authorization: `Bearer ${admin}`, 'content-type': 'application/json' };
    const row = JSON.stringify([{ assumedMasterState: null, newDocumentState: group('from-an-old-device') }]);
    // A device before protocol 2 sends no version; one that sends 1, or nonsense, is as old.
    for (const version of [undefined, '1', 'two']) {
      const headers = version === undefined ? auth : { ...auth, 'cohort-protocol': version };
      for (const [path, init] of [
        ['/api/v1/sync/groups/pull', { headers }],
        ['/api/v1/sync/groups/push', { method: 'POST', headers, body: row }],
        ['/api/v1/sync/stream', { headers }],
      ] as const) {
        const res = await fetch(server.url + path, init);
        expect(res.status, `${path} ${version}`).toBe(426);
        const body = (await res.json()) as { error: { code: string; message: string } };
        expect(body.error.code).toBe('update_required');
        expect(body.error.message).toMatch(/update the app/);
      }
    }
    const newer = await fetch(`${server.url}/api/v1/sync/groups/pull`, {
      headers: { ...auth, 'cohort-protocol': '3' },
    });
    expect(newer.status).toBe(400);
    expect(((await newer.json()) as { error: { code: string } }).error.code).toBe('server_outdated');
    // The old device's push wrote nothing.
    expect((await pullAll(admin)).docs.some((d) => d.id === 'from-an-old-device')).toBe(false);
    // A browser may send the header across origins.
    const preflight = await fetch(`${server.url}/api/v1/sync/groups/pull`, { method: 'OPTIONS' });
    expect(preflight.headers.get('access-control-allow-headers')).toContain('cohort-protocol');
  });

  it('keeps a group’s archivedAt: a time while archived, absent (null sent) while not', async () => {
    const archived = { ...group('archived'), archivedAt: 1_700_000_000_500 };
    expect(await push(admin, [{ assumedMasterState: null, newDocumentState: archived }])).toEqual({
      conflicts: [],
      rejections: [],
    });
    const pulled = (await pullAll(admin)).docs.find((d) => d.id === 'archived');
    expect(pulled).toEqual(archived);
    // Restored with null: the server keeps it absent, and takes null and absent as the same state.
    const restored = { ...archived, archivedAt: null, updatedAt: archived.updatedAt + 1 };
    expect(await push(admin, [{ assumedMasterState: archived, newDocumentState: restored }])).toEqual({
      conflicts: [],
      rejections: [],
    });
    const after = (await pullAll(admin)).docs.find((d) => d.id === 'archived');
    expect(after).toEqual({ ...group('archived'), updatedAt: archived.updatedAt + 1 });
    const again = { ...restored, name: 'Renamed', updatedAt: restored.updatedAt + 1 };
    expect(await push(admin, [{ assumedMasterState: restored, newDocumentState: again }])).toEqual({
      conflicts: [],
      rejections: [],
    });
    // Not a time: refused.
    const bad = { ...again, archivedAt: 'yesterday', updatedAt: again.updatedAt + 1 } as unknown as Doc;
    const answer = await push(admin, [{ assumedMasterState: again, newDocumentState: bad }]);
    expect(answer.rejections.map((r) => [r.id, r.code])).toEqual([['archived', 'invalid']]);
  });

  it('keeps organisations apart: same ids, separate documents, no cross reads', async () => {
    const mine = group('shared-id', 'Demo’s group');
    const theirs = group('shared-id', 'Other’s group');
    await push(admin, [{ assumedMasterState: null, newDocumentState: mine }]);
    expect(await push(other, [{ assumedMasterState: null, newDocumentState: theirs }])).toEqual({
      conflicts: [],
      rejections: [],
    });
    const demoDocs = (await pullAll(admin)).docs;
    const otherDocs = (await pullAll(other)).docs;
    expect(demoDocs.find((d) => d.id === 'shared-id')?.name).toBe('Demo’s group');
    expect(otherDocs.find((d) => d.id === 'shared-id')?.name).toBe('Other’s group');
    expect(otherDocs.some((d) => d.id.startsWith('demo-'))).toBe(false);
    // Editing the other organisation's group by guessing its id only ever touches one's own.
    const guess = { ...theirs, name: 'Hijacked', updatedAt: theirs.updatedAt + 5 };
    const answer = await push(admin, [{ assumedMasterState: theirs, newDocumentState: guess }]);
    expect(answer.conflicts).toEqual([mine]);
    expect((await pullAll(other)).docs.find((d) => d.id === 'shared-id')?.name).toBe('Other’s group');
  });

  it('tells open streams of the organisation about a push, and only them', async () => {
    const controller = new AbortController();
    const received: string[] = [];
    const otherReceived: string[] = [];
    const listen = async (token: string, into: string[]) => {
      const res = await fetch(`${server.url}/api/v1/sync/stream`, {
        headers: { ...protocolHeaders, authorization: `Bearer ${token}` },
        signal: controller.signal,
      });
      expect(res.headers.get('content-type')).toContain('text/event-stream');
      // Browsers read the stream cross-origin (the renderer is not served by the sync server).
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      const reader = (res.body as ReadableStream<Uint8Array>)
        .pipeThrough(new TextDecoderStream())
        .getReader();
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true }));
        if (done) return;
        into.push(value ?? '');
      }
    };
    void listen(admin, received);
    void listen(other, otherReceived);
    await expect.poll(() => received.join('')).toContain('event: ready');
    await expect.poll(() => otherReceived.join('')).toContain('event: ready');
    await push(admin, [{ assumedMasterState: null, newDocumentState: group('streamed') }]);
    await expect
      .poll(() => received.join(''))
      .toMatch(/event: change\ndata: \{"collection":"groups","checkpoint":\{"seq":\d+\}\}/);
    expect(otherReceived.join('')).not.toContain('event: change');
    controller.abort();
  });

  it('never skips a change while many pushes commit concurrently', async () => {
    const before = (await pullAll(admin)).checkpoint;
    const devices = 12;
    const perDevice = 15;
    const pulledLive = new Map<string, number>();
    let done = false;
    // A device pulling in small pages the whole time the pushes run.
    const livePuller = (async () => {
      let checkpoint = before;
      while (!done) {
        const page = await pull(admin, checkpoint, 7);
        for (const d of page.documents) pulledLive.set(d.id, d.updatedAt);
        checkpoint = page.checkpoint;
      }
      const rest = await pullAll(admin, checkpoint, 7);
      for (const d of rest.docs) pulledLive.set(d.id, d.updatedAt);
    })();
    const expected = new Map<string, number>();
    await Promise.all(
      Array.from({ length: devices }, async (_, device) => {
        for (let i = 0; i < perDevice; i++) {
          const id = `concurrent-${device}-${i}`;
          const doc = group(id, `Device ${device} #${i}`, 1_700_000_000_000 + i);
          expected.set(id, doc.updatedAt);
          const answer = await push(admin, [{ assumedMasterState: null, newDocumentState: doc }]);
          expect(answer.conflicts).toEqual([]);
        }
      }),
    );
    done = true;
    await livePuller;
    for (const [id, updatedAt] of expected) expect(pulledLive.get(id), id).toBe(updatedAt);

    // From the start and from every intermediate checkpoint, the pages add up to the same set.
    const full = await pullAll(admin, before, 10);
    expect(new Set(full.docs.map((d) => d.id))).toEqual(new Set(expected.keys()));
    let checkpoint = before;
    const seen: string[] = [];
    for (;;) {
      const page = await pull(admin, checkpoint, 25);
      seen.push(...page.documents.map((d) => d.id));
      const fromHere = await pullAll(admin, page.checkpoint, 50);
      expect(new Set([...seen, ...fromHere.docs.map((d) => d.id)])).toEqual(new Set(expected.keys()));
      if (page.documents.length < 25) break;
      checkpoint = page.checkpoint;
    }
  });
});
