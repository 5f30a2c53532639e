/**
 * Tenant isolation matrix (issue 8): the seeded organisations "demo" and "other" on one
 * real server over HTTP, on every storage. Demo — signed in, and with an API token —
 * calls every route the server has, and:
 * - reading, listing, searching, pulling and streaming never show any of other's documents;
 * - requests naming other's ids (REST and sync push, create/update/delete) answer exactly
 *   as requests naming ids that exist nowhere, and change nothing of other's;
 * - demo's change streams get no event for other's writes, nor other's for demo's;
 * - no answer, error messages included, carries other's names, ids, emails or secrets
 *   unless the request itself carried them.
 * The last test fails when the server has a route this matrix never reached.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS } from '../../../domain/permissions';
import { SYNC_COLLECTIONS, type SyncCollection } from '../../protocol';
import type { WireDocument } from '../collections';
import { startTestServer, testStorages, type TestServer } from '../testing';
import {
  idsNamedIn,
  masked,
  nowhereIds,
  nowhereTwin,
  OWN_GROUP,
  PUSH_GUESSES,
  REST_GUESSES,
  type Ids,
} from './guesses';
import {
  apiAt,
  changeWatcher,
  clientDoc,
  expectError,
  freshId,
  groupDoc,
  idsOf,
  makeApiToken,
  openApiRoutes,
  pullAll,
  push,
  registeredRoutes,
  unreached,
  type Answer,
  type Api,
  type ChangeStreamRecorder,
} from './support';

type Tenant = { session: string; token: string; tokenId: string };
type Snapshot = Record<SyncCollection, Awaited<ReturnType<typeof pullAll>>>;

describe.each(testStorages())('tenant isolation (%s storage)', (kind) => {
  let server: TestServer;
  /** Demo's requests: each one checked for leaks and counted for route coverage. */
  let demoApi: Api;
  let otherApi: Api;
  let demo: Tenant;
  let other: Tenant;
  let demoStreams: ChangeStreamRecorder[];
  let otherStream: ChangeStreamRecorder;
  /** Other's documents added here through the server, besides the seeded ones. */
  let added: { groupId: string; clientId: string; deletedGroupId: string };
  let otherBefore: Snapshot;
  let otherEventsBefore: number;
  /** Other's names, ids, emails, phones, descriptions and credentials. */
  let secrets: string[] = [];

  function expectNoLeak(answer: Answer, request: { method: string; path: string; body: unknown }) {
    const sent = request.path + JSON.stringify(request.body ?? null);
    const leaked = secrets.filter((s) => answer.text.includes(s) && !sent.includes(s));
    expect(leaked, `${request.method} ${request.path} answered with other’s data: ${answer.text}`).toEqual(
      [],
    );
    expect(answer.status, `${request.method} ${request.path}: ${answer.text}`).toBeLessThan(500);
  }

  beforeAll(async () => {
    server = await startTestServer(kind);
    demoApi = apiAt(server.url, expectNoLeak);
    otherApi = apiAt(server.url);
    demo = await signIn(demoApi, 'admin@demo.test');
    other = await signIn(otherApi, 'admin@other.test');
    demoStreams = [await demoApi.stream(demo.session), await demoApi.stream(demo.token)];
    otherStream = await otherApi.stream(other.session);
    await Promise.all([...demoStreams, otherStream].map((s) => s.ready));

    added = await addOtherData();
    otherBefore = await snapshot(otherApi, other.session);
    // Every write of other's set-up announced on its own stream, the last one included.
    await otherStream.waitFor((events) =>
      SYNC_COLLECTIONS.every((c) =>
        events.some((e) => e.collection === c && e.checkpoint.seq === otherBefore[c].checkpoint?.seq),
      ),
    );
    otherEventsBefore = otherStream.events.length;
    secrets = await secretsOf(otherBefore);
    // The check can only be trusted if none of these is in demo's own data.
    const demoText = JSON.stringify(await snapshot(otherApi, demo.session));
    expect(secrets.filter((s) => demoText.includes(s))).toEqual([]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all([...demoStreams, otherStream].map((s) => s.close()));
    await server.close();
  });

  async function signIn(api: Api, email: string): Promise<Tenant> {
    const login = await api.call(null, 'POST', '/auth/login', { email, password: 'cohort-demo' });
    expect(login.status).toBe(200);
    const session = (login.body as { token: string }).token;
    const { token, id } = await makeApiToken(api, session, `Integration of ${email}`, PERMISSIONS);
    return { session, token, tokenId: id };
  }

  /** Other's admin adds groups, clients, memberships, an edit and a deletion through the server. */
  async function addOtherData() {
    const as = (method: string, path: string, body?: unknown) =>
      otherApi.call(other.session, method, path, body);
    const client = await as('POST', '/clients', {
      name: 'Olga Secretaru',
      email: 'olga.secretaru@other.test',
      phone: '+40 721 000 111',
      birthDate: '1970-01-02',
    });
    const group = await as('POST', '/groups', {
      name: 'Otherside pilates',
      description: 'Chair pilates, other practice only',
      metadata: { room: 'Otherside room 7' },
    });
    const closed = await as('POST', '/groups', { name: 'Otherside closed circle' });
    const clientId = (client.body as { client: { id: string } }).client.id;
    const groupId = (group.body as { group: { id: string } }).group.id;
    const deletedGroupId = (closed.body as { group: { id: string } }).group.id;
    const writes = [
      await as('POST', `/groups/${groupId}/members/batch`, {
        members: [
          { clientId, startDate: '2026-03-01' },
          { clientId: 'other-c-ion', startDate: '2026-03-01', endDate: '2026-06-30' },
        ],
      }),
      await as('PATCH', '/clients/other-c-maria', { phone: '+40 733 222 333' }),
      await as('DELETE', `/groups/${deletedGroupId}`),
      await push(otherApi, other.session, 'groups', [
        {
          assumedMasterState: null,
          newDocumentState: groupDoc('other-sync-circle', {
            name: 'Othersync circle',
            description: 'Pushed by a device of the other practice',
          }),
        },
      ]),
    ];
    for (const answer of [client, group, closed, ...writes])
      expect(answer.status, answer.text).toBeLessThan(300);
    return { groupId, clientId, deletedGroupId };
  }

  async function snapshot(api: Api, token: string): Promise<Snapshot> {
    const entries = await Promise.all(
      SYNC_COLLECTIONS.map(async (c) => [c, await pullAll(api, token, c)] as const),
    );
    return Object.fromEntries(entries) as Snapshot;
  }

  async function secretsOf(documents: Snapshot): Promise<string[]> {
    const me = (await otherApi.call(other.session, 'GET', '/me')).body as {
      user: Record<string, string>;
      organization: Record<string, string>;
    };
    const tokens = (await otherApi.call(other.session, 'GET', '/tokens')).body as {
      tokens: { id: string; name: string }[];
    };
    const fields = SYNC_COLLECTIONS.flatMap((c) => documents[c].documents).flatMap((d) => [
      d.id,
      d.name,
      d.email,
      d.phone,
      d.description,
      ...Object.values((d.metadata ?? {}) as Record<string, string>),
    ]);
    return [
      ...new Set([
        ...fields,
        me.user.id,
        me.user.email,
        me.user.name,
        me.organization.id,
        me.organization.name,
        ...tokens.tokens.flatMap((t) => [t.id, t.name]),
        other.session,
        other.token,
      ]),
    ].filter((s): s is string => typeof s === 'string' && s.length >= 4);
  }

  /** A write of `tenant`'s, and the stream event it must cause. */
  async function markerWrite(api: Api, tenant: Tenant) {
    const watch = changeWatcher(api, tenant.session);
    await watch.changes();
    const answer = await push(api, tenant.session, 'clients', [
      { assumedMasterState: null, newDocumentState: clientDoc(freshId('marker')) },
    ]);
    expect(answer.body).toEqual({ conflicts: [], rejections: [] });
    expect((await watch.changes()).clients).toHaveLength(1);
    return { collection: 'clients' as const, checkpoint: { seq: Number(watch.checkpoint('clients')?.seq) } };
  }

  /** After a marker write of the stream's own organisation, the events since `from` are the marker alone. */
  async function expectOnlyMarker(
    stream: ChangeStreamRecorder,
    from: number,
    marker: { checkpoint: { seq: number } },
  ) {
    await stream.waitFor((events) => events.some((e) => e.checkpoint.seq === marker.checkpoint.seq));
    expect(stream.events.slice(from)).toEqual([marker]);
  }

  it('demo’s change streams get no event for other’s writes; other’s own stream gets them', async () => {
    expect(otherEventsBefore).toBeGreaterThanOrEqual(3);
    const marker = await markerWrite(demoApi, demo);
    for (const stream of demoStreams) await expectOnlyMarker(stream, 0, marker);
  });

  it('reading, listing and pulling as demo shows demo’s documents and none of other’s', async () => {
    for (const token of [demo.session, demo.token]) {
      const me = await demoApi.call(token, 'GET', '/me');
      expect(me.body).toMatchObject({ organization: { id: 'org-demo', name: 'Demo practice' } });
      const groups = await demoApi.call(token, 'GET', '/groups?limit=100');
      expect(idsOf((groups.body as { groups: { id: string }[] }).groups)).toEqual(
        expect.arrayContaining(['demo-mindfulness', 'demo-grief', 'demo-parents', 'demo-running']),
      );
      await demoApi.call(token, 'GET', '/groups?sort=-createdAt&limit=100');
      const clients = await demoApi.call(token, 'GET', '/clients?limit=100');
      expect(idsOf((clients.body as { clients: { id: string }[] }).clients)).toContain('demo-c-anna');
      expect((await demoApi.call(token, 'GET', `/groups/${OWN_GROUP}`)).status).toBe(200);
      const members = await demoApi.call(token, 'GET', `/groups/${OWN_GROUP}/members?limit=100`);
      expect((members.body as { count: number }).count).toBeGreaterThan(0);
      const anna = await demoApi.call(token, 'GET', '/clients/demo-c-anna');
      expect((anna.body as { client: { groups: unknown[] } }).client.groups.length).toBeGreaterThan(0);
      expect((await demoApi.call(token, 'GET', '/groups?clientId=demo-c-anna')).status).toBe(200);
      for (const collection of SYNC_COLLECTIONS) {
        const { documents } = await pullAll(demoApi, token, collection);
        expect(documents.length).toBeGreaterThan(0);
        const fromZero = await demoApi.call(token, 'GET', `/sync/${collection}/pull?checkpoint={"seq":0}`);
        expect(fromZero.status).toBe(200);
      }
    }
    const tokens = await demoApi.call(demo.session, 'GET', '/tokens');
    expect(idsOf((tokens.body as { tokens: { id: string }[] }).tokens)).toContain(demo.tokenId);
  });

  it('searching as demo for other’s names, emails, phones, descriptions and ids finds nothing', async () => {
    // Deleted documents too: a search must not find what other deleted either.
    const docs = SYNC_COLLECTIONS.flatMap((c) => otherBefore[c].documents);
    const terms = [
      ...new Set(
        docs.flatMap((d) => [
          d.id,
          d.name,
          d.email,
          d.phone,
          d.description,
          ...Object.values(d.metadata ?? {}),
        ]),
      ),
    ].filter((t): t is string => typeof t === 'string' && t.length >= 4);
    expect(terms.length).toBeGreaterThan(10);
    for (const token of [demo.session, demo.token]) {
      for (const term of terms) {
        for (const list of ['groups', 'clients'] as const) {
          const found = await demoApi.call(token, 'GET', `/${list}?q=${encodeURIComponent(term)}&limit=100`);
          expect(found.status).toBe(200);
          expect(found.body, `${list}?q=${term}`).toMatchObject({ count: 0, [list]: [] });
        }
      }
    }
  });

  it('public routes and demo’s malformed requests answer without naming anything of other’s', async () => {
    for (const path of ['/health', '/openapi.json', '/docs', '/docs/', '/docs/json', '/docs/yaml']) {
      expect((await demoApi.call(demo.session, 'GET', path)).status).toBe(200);
    }
    for (const path of [
      '/docs/static/index.html',
      '/docs/static/swagger-initializer.js',
      '/docs/static/swagger-ui.css',
    ]) {
      expect((await demoApi.call(demo.session, 'GET', path)).status).toBe(200);
    }
    expectError(await demoApi.call(demo.session, 'GET', '/sync/other/pull'), 404);
    expectError(await demoApi.call(demo.session, 'GET', '/sync/groups/pull?checkpoint=nope'), 400);
    expectError(await demoApi.call(demo.session, 'POST', '/sync/groups/push', [{ nope: 1 }]), 400);
    expectError(await demoApi.call(demo.session, 'GET', '/groups/not%20an%20id'), 400);
    expectError(await demoApi.call(demo.session, 'POST', '/groups', { name: 'x'.repeat(101) }), 422);
    expectError(await demoApi.call(demo.session, 'POST', '/clients', { name: 'X', email: 'nope' }), 422);
    expectError(await demoApi.call(demo.session, 'GET', '/no-such-route'), 404);
    expectError(await demoApi.call('cohort_not-a-token', 'GET', '/groups'), 401);
  });

  it('auth and token routes answer for the caller’s own organisation only', async () => {
    const wrong = await demoApi.call(null, 'POST', '/auth/login', {
      email: 'admin@other.test',
      password: 'guess',
    });
    const nobody = await demoApi.call(null, 'POST', '/auth/login', {
      email: 'nobody@nowhere.test',
      password: 'guess',
    });
    expectError(wrong, 401);
    expect(wrong.body).toEqual(nobody.body);
    // The organisation comes from the token only: a body naming one is refused.
    const login = await demoApi.call(null, 'POST', '/auth/login', {
      email: 'admin@demo.test',
      password: 'cohort-demo',
      organizationId: 'org-other',
    });
    expectError(login, 400);
    const tokenFor = await demoApi.call(demo.session, 'POST', '/tokens', {
      name: 'Cross',
      permissions: ['client_groups.read'],
      organizationId: 'org-other',
    });
    expectError(tokenFor, 400);
    const made = await makeApiToken(demoApi, demo.session, 'Second', ['client_groups.read']);
    expect((await demoApi.call(made.token, 'GET', '/me')).body).toMatchObject({
      organization: { id: 'org-demo' },
    });

    const listed = await demoApi.call(demo.session, 'GET', '/tokens');
    expect(idsOf((listed.body as { tokens: { id: string }[] }).tokens).sort()).toEqual(
      [demo.tokenId, made.id].sort(),
    );

    // Signing out ends demo's session only.
    const second = await demoApi.call(null, 'POST', '/auth/login', {
      email: 'admin@demo.test',
      password: 'cohort-demo',
    });
    const secondToken = (second.body as { token: string }).token;
    expect((await demoApi.call(secondToken, 'POST', '/auth/logout')).status).toBe(204);
    expectError(await demoApi.call(secondToken, 'GET', '/me'), 401);
    expect((await otherApi.call(other.session, 'GET', '/me')).status).toBe(200);
    expect((await otherApi.call(other.token, 'GET', '/me')).status).toBe(200);
  });

  it('REST requests naming other’s ids answer as for ids that exist nowhere', async () => {
    const theirIdSets: Ids[] = [
      { group: 'other-anxiety', client: 'other-c-ion', token: other.tokenId },
      { group: added.groupId, client: added.clientId, token: other.tokenId },
      { group: added.deletedGroupId, client: 'other-c-maria', token: other.tokenId },
    ];
    for (const token of [demo.session, demo.token]) {
      for (const theirs of theirIdSets) {
        for (const guess of REST_GUESSES) {
          const nowhere = nowhereIds();
          const [method, path, body] = guess.request(theirs);
          const [, nowherePath, nowhereBody] = guess.request(nowhere);
          const their = await demoApi.call(token, method, path, body);
          const twin = await demoApi.call(token, method, nowherePath, nowhereBody);
          expect(
            { status: their.status, body: masked(their.text, theirs) },
            `${guess.name}: ${method} ${path}`,
          ).toEqual({ status: twin.status, body: masked(twin.text, nowhere) });
          if (their.status >= 400) expectError(their, their.status);
        }
      }
    }
  });

  it('sync pushes naming other’s documents answer as for ids that exist nowhere, and write in demo only', async () => {
    const theirs = (c: SyncCollection, id: string) => {
      const doc = otherBefore[c].documents.find((d) => d.id === id);
      if (!doc) throw new Error(`other has no ${c} ${id}`);
      return doc;
    };
    // Memberships first: their creation guesses name groups and clients demo creates later.
    const targets: Record<SyncCollection, Record<'unwritten' | 'created' | 'tombstoned', WireDocument>> = {
      memberships: {
        unwritten: theirs('memberships', 'other-anxiety:other-c-ion'),
        created: theirs('memberships', 'other-yoga:other-c-maria'),
        tombstoned: theirs('memberships', `${added.groupId}:${added.clientId}`),
      },
      groups: {
        unwritten: theirs('groups', 'other-anxiety'),
        created: theirs('groups', 'other-yoga'),
        tombstoned: theirs('groups', added.groupId),
      },
      clients: {
        unwritten: theirs('clients', 'other-c-ion'),
        created: theirs('clients', 'other-c-maria'),
        tombstoned: theirs('clients', added.clientId),
      },
    };
    // The API token repeats only the guesses that write nothing: after the session's, the
    // others would find demo's own documents under their ids, where the twins find none.
    const runs = [
      { token: demo.session, guesses: PUSH_GUESSES },
      { token: demo.token, guesses: PUSH_GUESSES.filter((g) => g.target === 'unwritten') },
    ];
    for (const { token, guesses } of runs) {
      for (const collection of ['memberships', 'groups', 'clients'] as const) {
        for (const guess of guesses) {
          const doc = targets[collection][guess.target];
          const { twin, ids: twinIds } = nowhereTwin(collection, doc);
          const their = await push(demoApi, token, collection, [guess.row(doc)]);
          const nowhere = await push(demoApi, token, collection, [guess.row(twin)]);
          expect(their.status).toBe(200);
          expect(masked(their.text, idsNamedIn(collection, doc)), `${collection}: ${guess.name}`).toEqual(
            masked(nowhere.text, twinIds),
          );
        }
      }
    }
    // Their id now also names a group of demo's own: each organisation sees its own.
    const ours = await demoApi.call(demo.session, 'GET', '/groups/other-yoga');
    const theirsNow = await otherApi.call(other.session, 'GET', '/groups/other-yoga');
    expect((ours.body as { group: { name: string } }).group.name).toBe('Demo’s own group');
    expect((theirsNow.body as { group: { name: string } }).group.name).toBe('Gentle yoga');
  });

  it('other’s documents, tokens and session are unchanged, and its stream got no event for demo’s writes', async () => {
    const marker = await markerWrite(otherApi, other);
    await expectOnlyMarker(otherStream, otherEventsBefore, marker);
    const now = await snapshot(otherApi, other.session);
    for (const collection of SYNC_COLLECTIONS) {
      const since = await pullAll(otherApi, other.session, collection, otherBefore[collection].checkpoint);
      const written = since.documents.filter((d) => !String(d.id).startsWith('marker-'));
      expect(written, `${collection} of other written since set-up`).toEqual([]);
      expect(now[collection].documents.filter((d) => !String(d.id).startsWith('marker-'))).toEqual(
        otherBefore[collection].documents,
      );
    }
    expect((await otherApi.call(other.token, 'GET', '/groups/other-anxiety')).status).toBe(200);
    const tokens = await otherApi.call(other.session, 'GET', '/tokens');
    expect((tokens.body as { tokens: { id: string; revokedAt: unknown }[] }).tokens).toEqual([
      expect.objectContaining({ id: other.tokenId, revokedAt: null }),
    ]);
  });

  it('reached every route the server registers, and every operation of openapi.json', async () => {
    const routes = await registeredRoutes(server.db);
    const documented = await openApiRoutes(otherApi);
    const key = (r: { method: string; path: string }) => `${r.method} ${r.path}`;
    expect(documented.map(key).filter((k) => !routes.map(key).includes(k))).toEqual([]);
    expect(routes.length).toBeGreaterThan(documented.length);
    expect(unreached(routes, demoApi.requests)).toEqual([]);
    console.info(`isolation matrix (${kind}): ${demoApi.requests.length} requests as demo`);
  });
});
