/**
 * How many requests the server takes, per minute, from whom (@fastify/rate-limit):
 *
 * - Until a bearer token is known to be valid, a request counts against its address: a
 *   flood of made-up tokens shares one bucket (and gets refused before any lookup of its
 *   tokens), instead of one bucket and one database query per token.
 * - A known token has a budget of its own per area: the REST API (an integration), sync
 *   (a device: a first sync of a large organisation pulls ~30 pages a second, the limit is
 *   several times that) and the signed-in calls of auth.
 * - A sign-in counts against its address, generously (an office signs in behind one
 *   address); guessing is slowed by the login throttle (auth/throttle.ts).
 *
 * The limits are far above what a real device or the 200-device load test sends; what
 * they stop is a flood. Per server process, in memory.
 */
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { API_PREFIX } from '../protocol';
import { hashToken } from './auth/hash';
import { ApiError } from './errors';
import { bearerToken } from './http';

export type RateLimits = {
  /** Requests per minute and address that carry no token known to be valid. */
  unknownPerAddress: number;
  /** Sign-ins per minute and address. */
  signInPerAddress: number;
  /** REST API requests per minute and token. */
  restPerToken: number;
  /** Sync requests (pull, push, stream) per minute and token. */
  syncPerToken: number;
};

export const DEFAULT_LIMITS: RateLimits = {
  unknownPerAddress: 1200,
  signInPerAddress: 600,
  restPerToken: 600,
  syncPerToken: 12_000,
};

/** How long a token that authenticated counts as known (it is still checked on every request). */
const KNOWN_MS = 10 * 60_000;
const KNOWN_MAX = 100_000;

/** Tokens that authenticated lately, by hash: which bucket a request counts against. */
export class KnownTokens {
  private readonly until = new Map<string, number>();

  add(token: string): void {
    this.addHash(hashToken(token));
  }

  addHash(tokenHash: string): void {
    this.until.delete(tokenHash);
    this.until.set(tokenHash, Date.now() + KNOWN_MS);
    if (this.until.size > KNOWN_MAX) {
      const oldest = this.until.keys().next().value;
      if (oldest !== undefined) this.until.delete(oldest);
    }
  }

  has(token: string): boolean {
    const hash = hashToken(token);
    const until = this.until.get(hash);
    if (until === undefined) return false;
    if (until > Date.now()) return true;
    this.until.delete(hash);
    return false;
  }
}

type Area = 'auth' | 'sync' | 'rest' | 'public';

function areaOf(request: FastifyRequest): Area {
  const path = (request.routeOptions.url ?? request.url).slice(API_PREFIX.length);
  if (path.startsWith('/auth/') || path === '/me') return 'auth';
  if (path.startsWith('/sync/')) return 'sync';
  if (path === '/health' || path === '/openapi.json' || path.startsWith('/docs')) return 'public';
  return 'rest';
}

type Limit = Awaited<ReturnType<ReturnType<FastifyInstance['createRateLimit']>>>;

/** Refuses the request when `limit` is spent: 429 with Retry-After. */
function enforce(reply: FastifyReply, limit: Limit, what: string): void {
  if (limit.isAllowed || !limit.isExceeded) return;
  reply.header('retry-after', String(Math.max(1, limit.ttlInSeconds)));
  throw new ApiError(
    429,
    'rate_limited',
    `Too many requests: at most ${limit.max} a minute ${what}. Retry in ${Math.max(1, limit.ttlInSeconds)} s.`,
  );
}

/**
 * Adds the limits to `api` (the /api/v1 scope): the address check before authentication,
 * the token's budget after it. `known` is shared with sign-in, which knows its new token.
 */
export async function registerLimits(
  api: FastifyInstance,
  limits: RateLimits,
  known: KnownTokens,
): Promise<void> {
  await api.register(rateLimit, { global: false, timeWindow: 60_000, cache: 50_000 });
  const byAddress = api.createRateLimit({
    max: limits.unknownPerAddress,
    keyGenerator: (request) => `address:${request.ip}`,
  });
  const signIns = api.createRateLimit({
    max: limits.signInPerAddress,
    keyGenerator: (request) => `sign-in:${request.ip}`,
  });
  const budget = (max: number, area: Area) =>
    api.createRateLimit({
      max,
      keyGenerator: (request) => `${area}:${request.auth?.tokenHash ?? ''}`,
    });
  const budgets = {
    rest: budget(limits.restPerToken, 'rest'),
    sync: budget(limits.syncPerToken, 'sync'),
    auth: budget(limits.syncPerToken, 'auth'),
  };

  api.addHook('onRequest', async (request, reply) => {
    if (request.method === 'OPTIONS') return;
    const area = areaOf(request);
    if (area === 'public') return;
    if (request.method === 'POST' && request.url.startsWith(`${API_PREFIX}/auth/login`)) {
      enforce(reply, await signIns(request), 'to sign in from one address');
      return;
    }
    const token = bearerToken(request);
    if (token && known.has(token)) return;
    enforce(reply, await byAddress(request), 'from one address without a valid token');
  });

  api.addHook('preHandler', async (request, reply) => {
    const area = areaOf(request);
    if (!request.auth || area === 'public') return;
    known.addHash(request.auth.tokenHash);
    enforce(reply, await budgets[area](request), 'for one token');
  });
}
