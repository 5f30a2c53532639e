/**
 * One REST operation, declared once: its path, permission, zod schemas for params,
 * query, body and answer, and its handler. `registerOperations` turns the list into
 * Fastify routes that validate with those schemas; openapi.ts turns the same list into
 * the OpenAPI document.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { Permission } from '../../../domain/permissions';
import type { AuthContext } from '../auth/accounts';
import { ApiError } from '../errors';
import { requireAuth } from '../http';
import { visibleTo } from './visibility';

export type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

export type Operation<P = unknown, Q = unknown, B = unknown> = {
  method: Method;
  /** OpenAPI style, under /api/v1: `/groups/{id}`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: 'Groups' | 'Members' | 'Clients' | 'API tokens';
  /** Needed besides the checks every write makes; `admin` is a signed-in administrator. */
  permission?: Permission | 'admin';
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  /** Its parsed output is the handler's `body` (a branded output, such as checked group input, keeps its brand). */
  body?: z.ZodType & z.core.$ZodType<B>;
  success: { status: number; schema: z.ZodType; description: string };
  /** The error statuses this operation documents (401 and 429 apply to every one). */
  errors: number[];
  handler(input: { auth: AuthContext; params: P; query: Q; body: B }): Promise<unknown>;
};

/** Builds an operation with its types inferred from its schemas. */
export function operation<P, Q, B>(op: Operation<P, Q, B>): Operation {
  return op as unknown as Operation;
}

/** Type errors and unknown fields are a malformed request (400); values that break a rule are 422. */
const MALFORMED = new Set([
  'invalid_type',
  'unrecognized_keys',
  'invalid_union',
  'invalid_key',
  'invalid_element',
]);

/** The domain's message keys, in words. */
const MESSAGES: Record<string, string> = {
  'name.required': 'A name is required.',
  'name.tooLong': 'The name is too long.',
  'name.notTrimmed': 'The name has spaces at its start or end.',
  'name.invalidCharacters': 'The name has control characters or broken Unicode in it.',
  'description.invalidCharacters': 'The description has control characters or broken Unicode in it.',
  'metadata.invalidCharacters': 'A metadata key or value has control characters or broken Unicode in it.',
  'description.tooLong': 'The description is too long (at most 500 characters).',
  'metadata.keyTooLong': 'A metadata key is too long (at most 40 characters).',
  'metadata.valueTooLong': 'A metadata value is too long (at most 500 characters).',
  'metadata.tooManyKeys': 'Too many metadata keys (at most 50).',
  'email.tooLong': 'The email address is too long.',
  'email.invalid': 'That is not an email address.',
  'phone.tooLong': 'The phone number is too long.',
  'phone.invalid': 'That is not a phone number.',
  'date.invalid': 'Not a real calendar date (YYYY-MM-DD).',
  'endDate.beforeStart': 'The end date is before the start date.',
  'expiresAt.outOfRange': 'The expiry is in the past, or more than five years ahead.',
};

export function validate<T>(schema: z.ZodType<T>, value: unknown, where: 'body' | 'query' | 'path'): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || where,
    code: issue.code === 'custom' ? issue.message : issue.code,
    message: MESSAGES[issue.message] ?? issue.message,
  }));
  const malformed = where !== 'body' || result.error.issues.some((i) => MALFORMED.has(i.code));
  const first = details[0];
  const summary = first ? `${first.field}: ${first.message}` : `The ${where} is not valid.`;
  throw malformed
    ? new ApiError(400, 'invalid_request', summary, details)
    : new ApiError(422, 'validation_failed', summary, details);
}

/** A domain rule broken on the way to the database (a merged PATCH, for instance): 422. */
export function ruleBroken(message: string, field?: string): ApiError {
  const text = MESSAGES[message] ?? message;
  return new ApiError(422, 'validation_failed', field ? `${field}: ${text}` : text, [
    { field: field ?? 'body', code: message, message: text },
  ]);
}

export const notFound = (what: string, id: string) =>
  new ApiError(404, 'not_found', `There is no ${what} ${id} in this organisation.`);

export function registerOperations(app: FastifyInstance, operations: Operation[]): void {
  for (const op of operations) {
    app.route({
      method: op.method,
      url: op.path.replace(/\{(\w+)\}/g, ':$1'),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const auth = requireAuth(request, op.permission === 'admin' ? undefined : op.permission);
        if (op.permission === 'admin' && (auth.kind !== 'session' || auth.user.role !== 'admin')) {
          throw new ApiError(403, 'forbidden', 'Only an administrator, signed in, can manage API tokens.');
        }
        const params = op.params ? validate(op.params, request.params, 'path') : undefined;
        const query = op.query ? validate(op.query, request.query, 'query') : undefined;
        if (op.body && request.body === undefined) {
          throw new ApiError(400, 'invalid_request', 'This request needs a JSON body.');
        }
        const body = op.body ? validate(op.body, request.body, 'body') : undefined;
        const answer = await op.handler({ auth, params, query, body });
        return reply.code(op.success.status).send(visibleTo(auth.permissions, answer));
      },
    });
  }
}
