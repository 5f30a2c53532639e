/**
 * What a fuzz run needs from its server: the demo accounts signed in, API tokens with
 * chosen permissions, a revoked session and a revoked token — and the server's own list
 * of routes, to hold the catalogue against.
 */
import { PERMISSIONS } from '../../../domain/permissions';
import { buildApp } from '../app';
import { createApiToken } from '../auth/apiTokens';
import { createLocalChangeBus } from '../changeBus';
import type { Database } from '../storage/database';
import type { TestServer } from '../testing';
import type { CatalogueIds } from './catalogue';
import type { FuzzContext } from './draft';
import type { Principal } from './endpoints';
import { protocolHeaders } from '../../protocol';

async function call(server: TestServer, token: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${server.url}/api/v1${path}`, {
    method,
    headers: {
      ...protocolHeaders,
      authorization: `Bearer ${token}`,
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.status === 204 ? null : ((await res.json()) as Record<string, unknown>);
}

async function makeToken(server: TestServer, admin: string, name: string, permissions: readonly string[]) {
  const answer = (await call(server, admin, 'POST', '/tokens', { name, permissions })) as {
    token: string;
    apiToken: { id: string };
  };
  return { secret: answer.token, id: answer.apiToken.id };
}

/** Signs in every principal of the catalogue; all of it before the fuzz, so the fuzz itself changes nothing. */
export async function signInForFuzz(server: TestServer): Promise<{ ctx: FuzzContext; ids: CatalogueIds }> {
  const session = async (email: string) => (await server.login(email)).token;
  const admin = await session('admin@demo.test');
  const tokens: Record<Principal, string> = {
    admin,
    practitioner: await session('practitioner@demo.test'),
    viewer: await session('viewer@demo.test'),
    logoutSession: await session('viewer@demo.test'),
    fullToken: (await makeToken(server, admin, 'Fuzz: everything', PERMISSIONS)).secret,
    readToken: (await makeToken(server, admin, 'Fuzz: read', ['client_groups.read', 'clients.read'])).secret,
    clientsOnlyToken: (await makeToken(server, admin, 'Fuzz: clients', ['clients.read'])).secret,
  };
  const live = await makeToken(server, admin, 'Fuzz: to revoke', ['clients.read']);
  const revoked = await makeToken(server, admin, 'Fuzz: revoked', ['clients.read']);
  await call(server, admin, 'DELETE', `/tokens/${revoked.id}`);
  const other = await createApiToken(server.db, 'org-other', {
    name: 'Fuzz: other',
    permissions: ['clients.read'],
  });
  const revokedSession = await session('admin@demo.test');
  await call(server, revokedSession, 'POST', '/auth/logout');
  return {
    ctx: { tokens, revokedSession, revokedApiToken: revoked.secret },
    ids: { liveTokenId: live.id, revokedTokenId: revoked.id, otherTokenId: other.apiToken.id },
  };
}

/**
 * The server's routes as `METHOD /path` under /api/v1 (OpenAPI-style parameters, HEAD
 * left out), read from Fastify's own route tree of an app built on `db`.
 */
export async function serverRoutes(db: Database): Promise<string[]> {
  const bus = createLocalChangeBus();
  const app = await buildApp({ db, bus, config: { tokenTtlMs: 60_000, logLevel: 'silent' } });
  await app.ready();
  const tree = app.printRoutes({ commonPrefix: false });
  await app.close();
  await bus.close();
  const routes: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const match = /^([│ ]*)[├└]── (.+?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = (match[1] as string).length / 4;
    const path = (depth > 0 ? (paths[depth - 1] ?? '') : '') + match[2];
    paths[depth] = path;
    for (const method of match[3]?.split(', ') ?? []) {
      if (method !== 'HEAD')
        routes.push(`${method} ${path.replace(/^\/api\/v1/, '').replace(/:(\w+)/g, '{$1}')}`);
    }
  }
  return routes.sort();
}
