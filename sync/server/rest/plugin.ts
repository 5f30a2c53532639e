/**
 * The REST API as a Fastify plugin under /api/v1: the operations, a smaller body limit,
 * `openapi.json` and a human-readable docs page. (Its rate limits are the server's: limits.ts.)
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import { API_PREFIX } from '../../protocol';
import type { AppContext } from '../app';
import { registerOperations } from './operation';
import { restOperations } from './operations';
import { openApiDocument } from './openapi';

/** Integrations send small documents; a larger body is refused with 413. */
export const REST_BODY_LIMIT_BYTES = 1024 * 1024;
export const API_VERSION = '1.0.0';

export async function restApi(api: FastifyInstance, ctx: AppContext): Promise<void> {
  const operations = restOperations(ctx);
  const document = openApiDocument(operations, API_VERSION);

  await api.register(async (rest) => {
    rest.addHook('onRoute', (route) => {
      route.bodyLimit ??= REST_BODY_LIMIT_BYTES;
    });
    registerOperations(rest, operations);
  });

  api.get('/openapi.json', async () => document);
  await api.register(swagger, { mode: 'static', specification: { document: document as never } });
  await api.register(swaggerUi, {
    routePrefix: '/docs',
    // The page's asset links are absolute: they need the /api/v1 this plugin is mounted under.
    indexPrefix: API_PREFIX,
    uiConfig: { docExpansion: 'list', deepLinking: true, defaultModelsExpandDepth: 0 },
  });
}
