import type { ApiErrorBody } from '../protocol';

/** An error that becomes `{error: {code, message}}` with its HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  toBody(): ApiErrorBody {
    return {
      error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) },
    };
  }
}

export const unauthorized = () =>
  new ApiError(401, 'unauthorized', 'Sign in first: a valid bearer token is required.');
export const forbidden = (permission: string) =>
  new ApiError(403, 'forbidden', `This needs the permission ${permission}.`);
export const badRequest = (message: string, details?: unknown) =>
  new ApiError(400, 'bad_request', message, details);
