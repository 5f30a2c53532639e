import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { isPlainText } from '../../../domain/text';
import { login, revokeSession } from '../auth/accounts';
import { LoginThrottle } from '../auth/throttle';
import { ApiError } from '../errors';
import type { AppContext } from '../app';
import { closeStreamsOf } from '../streams';
import { parseBody, requireAuth } from '../http';

// An email address with a control character is no address: refused here, it never reaches the database.
const loginBody = z
  .object({
    email: z.string().min(1).max(320).refine(isPlainText, 'not an email address'),
    password: z.string().min(1).max(1024),
  })
  .strict();

export async function authRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  const throttle = new LoginThrottle();
  app.post('/auth/login', async (request, reply) => {
    const { email, password } = parseBody(loginBody, request.body);
    const who = email.trim().toLowerCase();
    const wait = throttle.waitFor(who, request.ip);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      reply.header('retry-after', String(seconds));
      throw new ApiError(
        429,
        'too_many_attempts',
        `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
      );
    }
    const session = await login(ctx.db, email, password, ctx.config.tokenTtlMs);
    if (!session) {
      throttle.failed(who, request.ip);
      throw new ApiError(401, 'invalid_credentials', 'The email or password is not right.');
    }
    throttle.succeeded(who, request.ip);
    ctx.knownTokens.add(session.token);
    return session;
  });

  app.post('/auth/logout', async (request, reply) => {
    const auth = requireAuth(request);
    // An integration's token is no sign-in: it is revoked by an administrator, on purpose, not by a stray logout.
    if (auth.kind === 'token')
      throw new ApiError(
        400,
        'not_a_session',
        'This is an API token, not a sign-in: an administrator revokes it (DELETE /api/v1/tokens/{id} or `npm run cli token:revoke`).',
      );
    await revokeSession(ctx.db, auth.tokenHash);
    closeStreamsOf(ctx, auth.tokenHash);
    return reply.code(204).send();
  });

  app.get('/me', async (request) => {
    const { user, organization, permissions } = requireAuth(request);
    return { user, organization, permissions };
  });
}
