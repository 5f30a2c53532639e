/** The device's HTTP client for the sync protocol and sign-in. */
import { loginResponseSchema, meSchema, type LoginResponse, type Me } from '../../domain/session';
import type { z } from 'zod';
import {
  API_PREFIX,
  protocolHeaders,
  syncAnswerSchemas,
  SYNC_COLLECTIONS,
  type ApiErrorBody,
  type Checkpoint,
  type PullResponse,
  type PushResponse,
  type PushRow,
  type SyncCollection,
} from '../protocol';

/** The server answered, with an error status. */
export class ApiRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** The server could not be reached at all (offline, DNS, refused). */
export class NetworkError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : 'The server could not be reached.');
    this.name = 'NetworkError';
  }
}

export function isAuthError(error: unknown): boolean {
  return error instanceof ApiRequestError && error.status === 401;
}

export type ApiClientOptions = {
  serverUrl: string;
  token?: string | null;
  fetch?: typeof fetch;
};

/** A server address the device will not use: not an address, or plain http to another computer. */
export class ServerAddressError extends Error {
  constructor(
    readonly reason: 'invalid' | 'insecure',
    message: string,
  ) {
    super(message);
    this.name = 'ServerAddressError';
  }
}

/**
 * Whether `hostname` (as URL gives it) is this computer, by the names the desktop app's
 * connection policy lets through (a policy cannot name an IPv6 address).
 */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '127.0.0.1';
}

/**
 * The server's address as the device uses it: https unless it says otherwise, no trailing
 * slash. Plain http is refused except to this computer (a server for development): a
 * session token and client data would cross the network readable by anyone on it.
 */
export function normalizeServerUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let parsed: URL;
  try {
    parsed = new URL(withScheme);
  } catch {
    throw new ServerAddressError('invalid', `"${url}" is not a server address.`);
  }
  if (parsed.protocol === 'http:' && !isLoopback(parsed.hostname)) {
    throw new ServerAddressError('insecure', 'Plain http is only for a server on this computer: use https.');
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') {
    throw new ServerAddressError('invalid', `"${url}" is not an http(s) address.`);
  }
  return withScheme;
}

/**
 * Never from or into the browser's HTTP cache: it would keep client data in plain text
 * beside the sealed database (the server says no-store as well). Spread in, since Node's
 * fetch types lack the option that browsers and Node's fetch both take.
 */
export const NO_STORE = { cache: 'no-store' } as const;

/** Each collection's answer schemas, made once. */
const ANSWERS = Object.fromEntries(SYNC_COLLECTIONS.map((c) => [c, syncAnswerSchemas(c)])) as Record<
  SyncCollection,
  ReturnType<typeof syncAnswerSchemas>
>;

/**
 * `json` checked with `schema`: the device's one check of what the server sends (a pulled
 * document is written to the local database as it is, without a second one). An answer
 * that does not fit is refused whole, with where it went wrong.
 */
function checked<T>(schema: z.ZodType, json: unknown, what: string): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data as T;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? ` at ${issue.path.join('.')}` : '';
  throw new ApiRequestError(
    200,
    'bad_response',
    `The server's ${what} is not what this Cohort understands${where}: ${issue?.message ?? 'invalid'}.`,
  );
}

export function createApiClient(options: ApiClientOptions) {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    // Checked at each request: a session kept from before plain http was refused fails here, with why.
    const base = normalizeServerUrl(options.serverUrl) + API_PREFIX;
    const headers: Record<string, string> = { ...protocolHeaders };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(base + path, {
        method,
        headers,
        ...NO_STORE,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (error) {
      throw new NetworkError(error);
    }
    if (response.status === 204) return undefined as T;
    const text = await response.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      throw new ApiRequestError(
        response.status,
        'bad_response',
        `The server answered ${response.status} without JSON.`,
      );
    }
    if (!response.ok) {
      const error = (json as ApiErrorBody | undefined)?.error;
      throw new ApiRequestError(
        response.status,
        error?.code ?? 'error',
        error?.message ?? `HTTP ${response.status}`,
      );
    }
    return json as T;
  }

  return {
    async login(email: string, password: string): Promise<LoginResponse> {
      return loginResponseSchema.parse(await request('POST', '/auth/login', { email, password }));
    },
    async logout(): Promise<void> {
      await request('POST', '/auth/logout');
    },
    async me(): Promise<Me> {
      return meSchema.parse(await request('GET', '/me'));
    },
    async pull<T>(
      collection: SyncCollection,
      checkpoint: Checkpoint | null | undefined,
      limit: number,
    ): Promise<PullResponse<T>> {
      const query = new URLSearchParams({ limit: String(limit) });
      if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
      const json = await request<unknown>('GET', `/sync/${collection}/pull?${query}`);
      return checked(ANSWERS[collection].pull, json, `page of ${collection}`);
    },
    async push<T>(collection: SyncCollection, rows: PushRow<T>[]): Promise<PushResponse<T>> {
      const json = await request<unknown>('POST', `/sync/${collection}/push`, rows);
      return checked(ANSWERS[collection].push, json, `answer to a push of ${collection}`);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
