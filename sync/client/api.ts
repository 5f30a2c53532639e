/** The device's HTTP client for the sync protocol and sign-in. */
import { loginResponseSchema, meSchema, type LoginResponse, type Me } from '../../domain/session';
import {
  API_PREFIX,
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

export function normalizeServerUrl(url: string): string {
  const trimmed = url.trim().replace(/\/+$/, '');
  return /^https?:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
}

export function createApiClient(options: ApiClientOptions) {
  const base = normalizeServerUrl(options.serverUrl) + API_PREFIX;
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = {};
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await doFetch(base + path, {
        method,
        headers,
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
    pull<T>(collection: SyncCollection, checkpoint: Checkpoint | null | undefined, limit: number) {
      const query = new URLSearchParams({ limit: String(limit) });
      if (checkpoint) query.set('checkpoint', JSON.stringify(checkpoint));
      return request<PullResponse<T>>('GET', `/sync/${collection}/pull?${query}`);
    },
    push<T>(collection: SyncCollection, rows: PushRow<T>[]) {
      return request<PushResponse<T>>('POST', `/sync/${collection}/push`, rows);
    },
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
