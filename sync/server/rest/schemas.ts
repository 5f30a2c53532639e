/**
 * The REST API's request and response shapes, as zod schemas: they validate every
 * request and are what `openapi.json` is generated from, so the two cannot drift.
 * The entity rules themselves come from domain/ (the same the app and sync apply).
 */
import { z } from 'zod';
import { calendarDateSchema } from '../../../domain/dates';
import { clientInputSchema } from '../../../domain/client';
import { groupInputSchema } from '../../../domain/group';
import { idSchema } from '../../../domain/ids';
import { PERMISSIONS } from '../../../domain/permissions';
import { isPlainText } from '../../../domain/text';

export const LIMIT_DEFAULT = 20;
export const LIMIT_MAX = 100;
export const BATCH_MAX = 500;

const limit = z.coerce
  .number()
  .int()
  .min(1)
  .max(LIMIT_MAX)
  .default(LIMIT_DEFAULT)
  .describe('Page size, 1–100.');
const offset = z.coerce.number().int().min(0).default(0).describe('How many to skip.');

export const idParams = z.object({ id: idSchema }).strict();
export const tokenParams = z
  .object({ id: z.string().regex(/^tok_[0-9a-f]{16}$/, 'Not an API token id.') })
  .strict();
export const memberParams = z.object({ id: idSchema, clientId: idSchema }).strict();

export const groupListQuery = z
  .object({
    q: z.string().max(200).optional().describe('Matches name and description, ignoring case and accents.'),
    sort: z.enum(['name', '-name', 'createdAt', '-createdAt']).default('name'),
    limit,
    offset,
    clientId: idSchema.optional().describe('Only groups this client is a member of.'),
  })
  .strict();

export const membersQuery = z
  .object({
    limit,
    offset,
    activeOn: calendarDateSchema.optional().describe('Only members in the group on this day (YYYY-MM-DD).'),
  })
  .strict();

export const clientListQuery = z
  .object({
    q: z.string().max(200).optional().describe('Matches name, email and phone.'),
    limit,
    offset,
  })
  .strict();

/** Checked once, here: createGroup takes the parsed body as it is. */
export const groupCreateBody = groupInputSchema
  .extend({
    description: groupInputSchema.shape.description.default(''),
    metadata: groupInputSchema.shape.metadata.default({}),
  })
  .brand<'CheckedGroupInput'>();
export const groupPatchBody = groupInputSchema.partial().strict();

export const clientCreateBody = clientInputSchema;
/** `null` clears an optional field. */
export const clientPatchBody = z
  .object({
    name: z.string(),
    email: z.string().nullable(),
    phone: z.string().nullable(),
    birthDate: z.string().nullable(),
  })
  .partial()
  .strict();

export const memberBatchAddBody = z
  .object({
    members: z
      .array(
        z
          .object({
            clientId: idSchema,
            startDate: calendarDateSchema,
            endDate: calendarDateSchema.optional(),
          })
          .strict(),
      )
      .min(1)
      .max(BATCH_MAX),
  })
  .strict();
export const memberBatchRemoveBody = z
  .object({ clientIds: z.array(idSchema).min(1).max(BATCH_MAX) })
  .strict();
export const memberPatchBody = z
  .object({ startDate: calendarDateSchema, endDate: calendarDateSchema.nullable() })
  .partial()
  .strict();

/** The longest an API token may be made to last: a token that ends is the safer token. */
export const TOKEN_EXPIRY_MAX_MS = 5 * 365 * 24 * 3600_000;

export const tokenCreateBody = z
  .object({
    name: z.string().trim().min(1).max(100).refine(isPlainText, 'name.invalidCharacters'),
    permissions: z.array(z.enum(PERMISSIONS)).min(1).max(PERMISSIONS.length),
    expiresAt: z
      .number()
      .int()
      .nullable()
      .optional()
      .refine((at) => at == null || (at > Date.now() && at <= Date.now() + TOKEN_EXPIRY_MAX_MS), {
        message: 'expiresAt.outOfRange',
      })
      .describe(
        'When the token stops working by itself (ms since the epoch, within five years); absent: when revoked.',
      ),
  })
  .strict();

// Responses.

const timestamp = z.number().int().describe('Milliseconds since the epoch.');

export const apiGroup = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  metadata: z.record(z.string(), z.string()),
  memberCount: z.number().int(),
  activeMemberCount: z.number().int().describe('Members whose period includes today.'),
  archivedAt: timestamp.nullable().describe('When the group was archived; null while it is not.'),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ApiGroup = z.infer<typeof apiGroup>;

export const apiClient = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
  birthDate: z.string().nullable(),
  createdAt: timestamp,
  updatedAt: timestamp,
});
export type ApiClient = z.infer<typeof apiClient>;

export const apiClientWithGroups = apiClient.extend({
  groups: z
    .array(
      z.object({ id: z.string(), name: z.string(), startDate: z.string(), endDate: z.string().nullable() }),
    )
    .optional()
    .describe('Only for callers who may read groups (`client_groups.read`).'),
});

export const apiMember = z.object({
  client: z
    .object({ id: z.string(), name: z.string().optional(), email: z.string().nullable().optional() })
    .describe('Name and email only for callers who may read clients (`clients.read`).'),
  startDate: z.string(),
  endDate: z.string().nullable(),
});
export type ApiMember = z.infer<typeof apiMember>;

const page = { count: z.number().int(), limit: z.number().int(), offset: z.number().int() };

/**
 * What a write answers to a caller who may make it but not read the result (visibility.ts):
 * the id alone.
 */
const idOnly = (what: string, permission: string) =>
  z
    .object({ id: z.string() })
    .strict()
    .describe(`The ${what} as a caller without \`${permission}\` sees it.`);
const unseenMember = z
  .object({ client: z.object({ id: z.string() }).strict() })
  .strict()
  .describe('The member as a caller without `client_groups.read` sees it.');

export const groupEnvelope = z.object({ group: z.union([apiGroup, idOnly('group', 'client_groups.read')]) });
export const groupList = z.object({ groups: z.array(apiGroup), ...page });
export const memberEnvelope = z.object({ member: z.union([apiMember, unseenMember]) });
export const memberList = z.object({ members: z.array(apiMember), ...page });
export const clientEnvelope = z.object({ client: z.union([apiClient, idOnly('client', 'clients.read')]) });
export const clientDetailEnvelope = z.object({ client: apiClientWithGroups });
export const clientList = z.object({ clients: z.array(apiClient), ...page });
export const deleted = (object: string) =>
  z.object({ id: z.string(), object: z.literal(object), deleted: z.literal(true) });

export const apiToken = z.object({
  id: z.string(),
  name: z.string(),
  permissions: z.array(z.string()),
  createdAt: timestamp,
  lastUsedAt: timestamp.nullable(),
  revokedAt: timestamp.nullable(),
  expiresAt: timestamp.nullable(),
});
export const tokenCreated = z.object({
  token: z.string().describe('The secret: shown this once, stored only as a hash.'),
  apiToken,
});
export const tokenList = z.object({ tokens: z.array(apiToken) });

export const errorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
