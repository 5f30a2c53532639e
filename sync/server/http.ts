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

export function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) {
    const details = result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
    const first = details[0];
    throw badRequest(
      first ? `${first.path || 'body'}: ${first.message}` : 'The request body is not valid.',
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
