import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { login, revokeSession } from '../auth/accounts';
import { ApiError } from '../errors';
import type { AppContext } from '../app';
import { parseBody, requireAuth } from '../http';

const loginBody = z
  .object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) })
  .strict();

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.post('/auth/login', async (request) => {
    const { email, password } = parseBody(loginBody, request.body);
    const session = await login(ctx.db, email, password, ctx.config.tokenTtlMs);
    if (!session) throw new ApiError(401, 'invalid_credentials', 'The email or password is not right.');
    return session;
  });

  app.post('/auth/logout', async (request, reply) => {
    const auth = requireAuth(request);
    await revokeSession(ctx.db, auth.tokenHash);
    return reply.code(204).send();
  });

  app.get('/me', async (request) => {
    const { user, organization, permissions } = requireAuth(request);
    return { user, organization, permissions };
  });
}
