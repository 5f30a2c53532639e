/** Small helpers shared by the route files: auth from the request, body parsing with zod. */
import type { FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Permission } from '../../domain/permissions';
import type { AuthContext } from './auth/accounts';
import { badRequest, forbidden, unauthorized } from './errors';

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext | null;
  }
}

export function requireAuth(request: FastifyRequest, permission?: Permission): AuthContext {
  const auth = request.auth;
  if (!auth) throw unauthorized();
  if (permission && !auth.permissions.includes(permission)) throw forbidden(permission);
  return auth;
}

/** Parses the body (or, with `where`, the query) with a zod schema; a mismatch is a 400 naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, body: unknown, where: 'body' | 'query' = 'body'): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const details = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = details[0];
    throw badRequest(
      first ? `${first.path || where}: ${first.message}` : `The request ${where} is not valid.`,
      details,
    );
  }
  return result.data;
}

/** The bearer token of a request, if it carries one. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  return match?.[1] ?? null;
}

/**
 * Whether `value` nests arrays and objects more than `limit` levels deep. Iterative:
 * a body nested a million levels must not overflow the stack here either.
 */
export function nestsDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 1]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [here, depth] = next;
    if (here === null || typeof here !== 'object') continue;
    if (depth > limit) return true;
    for (const child of Object.values(here)) pending.push([child, depth + 1]);
  }
  return false;
}
