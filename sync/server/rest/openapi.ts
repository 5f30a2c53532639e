/**
 * `openapi.json` (OpenAPI 3.1), generated from the operations' own zod schemas — the
 * ones that validate requests — so the document cannot drift from the API.
 */
import { z } from 'zod';
import { API_PREFIX } from '../../protocol';
import type { Operation } from './operation';
import { errorBody } from './schemas';

const ERROR_TEXT: Record<number, string> = {
  400: 'Malformed request: wrong types, unknown fields, bad query or path parameters.',
  401: 'No valid bearer token.',
  403: 'The token lacks the permission this needs.',
  404: 'No such record in this organisation.',
  409: 'Conflicts with the current state (for example: already a member).',
  413: 'The body is too large (over 1 MB).',
  415: 'The body is not JSON (send content-type application/json).',
  422: 'Well-formed, but breaks a rule (lengths, dates, references).',
  429: 'Too many requests for this token: wait and retry (see Retry-After).',
};

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const json = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

/** The properties of an object schema, as OpenAPI parameters. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

export function openApiDocument(operations: Operation[], version: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const error = schemaOf(errorBody, 'output');
  for (const op of operations) {
    const responses: Record<string, JsonSchema> = {
      [String(op.success.status)]: {
        description: op.success.description,
        content: { 'application/json': { schema: schemaOf(op.success.schema, 'output') } },
      },
    };
    const common = op.body ? [401, 415, 429] : [401, 429];
    for (const status of [...new Set([...op.errors, ...common])].sort()) {
      responses[String(status)] = {
        description: ERROR_TEXT[status] ?? 'Error',
        content: { 'application/json': { schema: error } },
      };
    }
    const item = (paths[op.path] ??= {});
    item[op.method.toLowerCase()] = {
      operationId: op.operationId,
      summary: op.summary,
      ...(op.description ? { description: op.description } : {}),
      tags: [op.tag],
      parameters: [...parameters(op.params, 'path'), ...parameters(op.query, 'query')],
      ...(op.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: schemaOf(op.body, 'input') } },
            },
          }
        : {}),
      responses,
      ...(op.permission ? { 'x-permission': op.permission } : {}),
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Cohort API',
      version,
      description:
        'Client groups, their members and clients, for integrations (billing, CRM, web shop). ' +
        'Authenticate with `Authorization: Bearer <token>`: an API token made by an administrator ' +
        '(`npm run cli -- token:add`, or `POST /tokens`). The organisation always comes from the token. ' +
        'Every change made here reaches the desktop apps by sync, and theirs appear here. ' +
        'Errors are `{error: {code, message, details?}}`.',
    },
    servers: [{ url: API_PREFIX }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    tags: [
      { name: 'Groups', description: 'Client groups with search, sort and paging.' },
      { name: 'Members', description: 'Who is in a group, and when.' },
      { name: 'Clients', description: 'The people in the groups.' },
      { name: 'API tokens', description: 'Tokens for integrations, managed by administrators.' },
    ],
    paths,
  };
}
