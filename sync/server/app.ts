/** Builds the HTTP app: the sync protocol and auth under /api/v1, with one error shape. */
import http from 'node:http';
import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { API_PREFIX, PROTOCOL_HEADER } from '../protocol';
import { authenticate } from './auth/accounts';
import type { ChangeBus } from './changeBus';
import type { ServerConfig } from './config';
import { ApiError, badRequest } from './errors';
import { bearerToken, nestsDeeperThan } from './http';
import { DEFAULT_LIMITS, KnownTokens, registerLimits, type RateLimits } from './limits';
import { authRoutes } from './routes/auth';
import { healthRoutes } from './routes/health';
import { restApi } from './rest/plugin';
import { syncRoutes } from './routes/sync';
import type { Database } from './storage/database';

export type AppContext = {
  db: Database;
  bus: ChangeBus;
  config: Pick<ServerConfig, 'tokenTtlMs'> & Partial<Pick<ServerConfig, 'sessionIdleMs'>>;
  /** Open event streams, by the token that opened them: shutdown and revocations end them. */
  streams: Map<() => void, string>;
  /** Tokens known to be valid: their requests count against their own budget, not their address's. */
  knownTokens: KnownTokens;
};

export type AppOptions = {
  db: Database;
  bus: ChangeBus;
  config: Pick<ServerConfig, 'tokenTtlMs' | 'logLevel'> &
    Partial<Pick<ServerConfig, 'sessionIdleMs'>> & {
      rateLimits?: Partial<RateLimits>;
      trustProxy?: ServerConfig['trustProxy'];
    };
  /** Log requests (secrets redacted); a stream instead of stdout, for tests that read the log. */
  logger?: boolean | { stream: NodeJS.WritableStream };
};

const BODY_LIMIT_BYTES = 5 * 1024 * 1024;
/**
 * No request nests deeper than a push (rows, document, metadata): a body nested deeper
 * is refused before any route reads it, since comparing and echoing documents recurses.
 */
const BODY_DEPTH_MAX = 32;

/** Error codes of Fastify's and its plugins' own 4xx answers. */
const CLIENT_ERROR_CODES: Record<number, string> = {
  403: 'forbidden',
  404: 'not_found',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  429: 'rate_limited',
};

const errorText = (code: string, message: string) => JSON.stringify({ error: { code, message } });

/**
 * Requests Node's HTTP parser refuses (headers over 16 KB, broken HTTP) never reach
 * Fastify: answer them in the same error shape, and say the connection ends (it does).
 */
function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, body] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, errorText('headers_too_large', 'The URL and headers are too large (at most 16 KB).')]
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, errorText('timeout', 'The request took too long to arrive.')]
        : [400, errorText('bad_request', 'The request is not valid HTTP.')];
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nContent-Type: application/json; charset=utf-8\r\nCache-Control: no-store\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}

function answerFrameworkError(error: FastifyError, reply: FastifyReply): void {
  const tooLong = error.code === 'FST_ERR_MAX_PARAM_LENGTH';
  void reply
    .code(tooLong ? 414 : 400)
    .type('application/json; charset=utf-8')
    .send(
      tooLong
        ? errorText('uri_too_long', 'A part of the path is too long (at most 100 characters).')
        : errorText('bad_request', 'The URL is not valid: it has a broken percent-encoding.'),
    );
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: options.config.trustProxy ?? false,
    clientErrorHandler: answerClientError,
    // A path Fastify cannot route (broken percent-encoding, a parameter over 100 characters).
    frameworkErrors: (error, _request, reply) => answerFrameworkError(error, reply as FastifyReply),
    logger: options.logger
      ? {
          ...(typeof options.logger === 'object' ? { stream: options.logger.stream } : {}),
          level: options.config.logLevel,
          // Tokens and passwords never reach the log.
          redact: ['req.headers.authorization', 'req.headers.cookie', 'body.password'],
        }
      : false,
  });
  // JSON only: a text body is answered 415, not parsed as a string.
  app.removeContentTypeParser(['text/plain']);
  const ctx: AppContext = {
    db: options.db,
    bus: options.bus,
    config: options.config,
    streams: new Map(),
    knownTokens: new KnownTokens(),
  };

  // The renderer is served from another origin (Vite, the desktop app's own scheme), and
  // authenticates with a bearer token, never cookies: any origin may call, none gets credentials.
  // No answer may be kept by a cache: a browser's HTTP disk cache would hold every synced
  // page in plain text beside the encrypted local database (set here, before any route
  // runs, so hijacked answers such as the change stream carry it too).
  app.addHook('onRequest', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('access-control-allow-origin', '*');
    if (request.method === 'OPTIONS') {
      return reply
        .header('access-control-allow-methods', 'GET, POST, PATCH, DELETE, OPTIONS')
        .header('access-control-allow-headers', `authorization, content-type, ${PROTOCOL_HEADER}`)
        .header('access-control-max-age', '600')
        .code(204)
        .send();
    }
    return undefined;
  });

  app.addHook('preValidation', async (request) => {
    if (nestsDeeperThan(request.body, BODY_DEPTH_MAX))
      throw badRequest(`The body nests deeper than ${BODY_DEPTH_MAX} levels.`);
  });

  app.decorateRequest('auth', null);
  app.addHook('preHandler', async (request) => {
    const token = bearerToken(request);
    request.auth = token ? await authenticate(ctx.db, token, ctx.config) : null;
  });

  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return reply.code(error.statusCode).send(error.toBody());
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      const code = CLIENT_ERROR_CODES[status] ?? 'bad_request';
      const message = status === 415 ? 'Send JSON: content-type application/json.' : error.message;
      return reply.code(status).send({ error: { code, message } });
    }
    request.log.error(error);
    return reply
      .code(500)
      .send({ error: { code: 'internal', message: 'Something went wrong on the server.' } });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url}.` } }),
  );

  // Streams never end by themselves: close them before the server waits for its connections.
  app.addHook('preClose', async () => {
    for (const close of [...ctx.streams.keys()]) close();
  });

  await app.register(
    async (api) => {
      await registerLimits(api, { ...DEFAULT_LIMITS, ...options.config.rateLimits }, ctx.knownTokens);
      await healthRoutes(api);
      await authRoutes(api, ctx);
      await syncRoutes(api, ctx);
      await restApi(api, ctx);
    },
    { prefix: API_PREFIX },
  );
  return app;
}
