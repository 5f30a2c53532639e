import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { MEMBERSHIP_ID_MAX } from '../../../domain/membership';
import { isPlainText } from '../../../domain/text';
import {
  checkpointSchema,
  PULL_LIMIT_DEFAULT,
  PROTOCOL_HEADER,
  PROTOCOL_VERSION,
  PULL_LIMIT_MAX,
  PUSH_ROWS_MAX,
  SYNC_COLLECTIONS,
  syncCollectionSchema,
  type Checkpoint,
  type StreamEvent,
} from '../../protocol';
import type { AppContext } from '../app';
import { COLLECTIONS } from '../collections';
import { ApiError, badRequest } from '../errors';
import { authenticate } from '../auth/accounts';
import { bearerToken, parseBody, requireAuth } from '../http';
import { pullChanges, pushChanges } from '../syncStore';

// The id's exact form is the collection's schema's to check (a membership id is `group:client`);
// but every id is looked up before any row is checked, so one the database cannot hold
// (a control character, half a surrogate pair) refuses the whole push.
const wireDocument = z.looseObject({
  id: z.string().min(1).max(MEMBERSHIP_ID_MAX).refine(isPlainText, 'not a document id'),
  _deleted: z.boolean(),
});
const pushBody = z
  .array(
    z
      .object({ assumedMasterState: wireDocument.nullable().optional(), newDocumentState: wireDocument })
      .strict(),
  )
  .max(PUSH_ROWS_MAX, { message: `at most ${PUSH_ROWS_MAX} rows per push` });

const pullQuery = z
  .object({
    checkpoint: z.string().max(200).optional(),
    limit: z.coerce.number().int().min(1).max(PULL_LIMIT_MAX).default(PULL_LIMIT_DEFAULT),
  })
  .strict();

function collectionFrom(params: unknown) {
  const parsed = syncCollectionSchema.safeParse((params as { collection?: unknown }).collection);
  if (!parsed.success) {
    throw new ApiError(404, 'unknown_collection', `Collections are ${SYNC_COLLECTIONS.join(', ')}.`);
  }
  return COLLECTIONS[parsed.data];
}

function parseCheckpoint(raw: string | undefined): Checkpoint | null {
  if (raw === undefined || raw === '' || raw === 'null') return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    throw badRequest('checkpoint must be the JSON the server sent.');
  }
  const parsed = checkpointSchema.safeParse(json);
  if (!parsed.success) throw badRequest('checkpoint must be the JSON the server sent.');
  return parsed.data;
}

/**
 * The device's protocol version must be this server's (PROTOCOL_VERSION): an older
 * device — one that sends none, like every device before version 2 — is told plainly to
 * update instead of syncing with fields missing, a newer one that the server is behind.
 */
function requireProtocol(request: FastifyRequest): void {
  const sent = request.headers[PROTOCOL_HEADER];
  const version = typeof sent === 'string' && /^\d{1,6}$/.test(sent) ? Number(sent) : 1;
  if (version < PROTOCOL_VERSION) {
    throw new ApiError(
      426,
      'update_required',
      'This server works with a newer version of Cohort: update the app to keep syncing. ' +
        'Changes made on this device meanwhile stay on it and are sent after the update.',
      { protocol: PROTOCOL_VERSION },
    );
  }
  if (version > PROTOCOL_VERSION) {
    throw new ApiError(
      400,
      'server_outdated',
      `This server speaks sync protocol ${PROTOCOL_VERSION}, older than the app's ${version}: ` +
        'ask your administrator to update the server.',
      { protocol: PROTOCOL_VERSION },
    );
  }
}

/** How often an idle stream sends a comment, so proxies and the device know it is alive. */
const HEARTBEAT_MS = 20_000;

export async function syncRoutes(app: FastifyInstance, ctx: AppContext): Promise<void> {
  app.get('/sync/:collection/pull', async (request) => {
    requireProtocol(request);
    const spec = collectionFrom(request.params);
    const auth = requireAuth(request, spec.readPermission);
    const query = parseBody(pullQuery, request.query, 'query');
    return pullChanges(ctx.db, spec, auth.organization.id, parseCheckpoint(query.checkpoint), query.limit);
  });

  app.post('/sync/:collection/push', async (request) => {
    requireProtocol(request);
    const spec = collectionFrom(request.params);
    // A push answers with the server's state of every row it does not write (conflicts and
    // refusals alike): only a caller who may read the collection may push to it, or a push
    // of a made-up row would read any document by its id.
    const auth = requireAuth(request, spec.readPermission);
    const rows = parseBody(pushBody, request.body);
    const result = await pushChanges(
      ctx.db,
      spec,
      { organizationId: auth.organization.id, permissions: auth.permissions },
      rows.map((r) => ({
        assumedMasterState: r.assumedMasterState ?? null,
        newDocumentState: r.newDocumentState,
      })),
    );
    for (const [collection, checkpoint] of result.changed) {
      ctx.bus.publish(auth.organization.id, { collection, checkpoint });
    }
    return { conflicts: result.conflicts, rejections: result.rejections };
  });

  app.get('/sync/stream', async (request, reply) => {
    requireProtocol(request);
    const auth = requireAuth(request);
    // Events name a collection and a checkpoint: each goes only to a caller who may pull that collection.
    const readable = new Set(
      SYNC_COLLECTIONS.filter((c) => auth.permissions.includes(COLLECTIONS[c].readPermission)),
    );
    if (readable.size === 0) {
      throw new ApiError(
        403,
        'forbidden',
        'The change stream needs a permission to read something: client_groups.read or clients.read.',
      );
    }
    const token = bearerToken(request) ?? '';
    reply.hijack();
    const res = reply.raw;
    // A hijacked reply skips Fastify's headers: send what the stream needs, CORS included.
    res.writeHead(200, {
      ...(reply.getHeaders() as Record<string, string>),
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const send = (event: string, data: unknown) =>
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    send('ready', { collections: [...readable] });
    const unsubscribe = ctx.bus.subscribe(auth.organization.id, (event: StreamEvent) => {
      if (readable.has(event.collection)) send('change', event);
    });
    // Each heartbeat checks the token again: one revoked elsewhere (the CLI, another
    // process) or expired ends the stream within a heartbeat; a sign-out here ends it at once.
    const heartbeat = setInterval(() => {
      res.write(': heartbeat\n\n');
      void authenticate(ctx.db, token, ctx.config).then(
        (still) => {
          if (!still) end();
        },
        () => undefined,
      );
    }, HEARTBEAT_MS);
    const close = () => {
      clearInterval(heartbeat);
      unsubscribe();
      ctx.streams.delete(end);
    };
    const end = () => {
      close();
      res.end();
    };
    ctx.streams.set(end, auth.tokenHash);
    request.raw.on('close', close);
  });
}
