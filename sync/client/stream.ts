/**
 * Listens to `GET /sync/stream` with fetch (EventSource cannot send a bearer token)
 * and reconnects with backoff until closed.
 */
import { createParser } from 'eventsource-parser';
import { API_PREFIX, protocolHeaders, streamEventSchema, type StreamEvent } from '../protocol';
import { NO_STORE, normalizeServerUrl } from './api';
import { backoffDelay } from './backoff';

export type StreamHandlers = {
  /** Connected (again): the device should pull, it may have missed events meanwhile. */
  onOpen(): void;
  onChange(event: StreamEvent): void;
  /** The connection failed or dropped; `status` is the HTTP status when the server answered. */
  onError(error: unknown, status?: number): void;
};

export type StreamOptions = {
  /** Wait before reconnect attempt `n` (default: exponential backoff with jitter). */
  backoff?: (attempt: number) => number;
  serverUrl: string;
  token: string;
  fetch?: typeof fetch;
  handlers: StreamHandlers;
};

export type ChangeStream = { close(): void; reconnectNow(): void };

function parseEvent(data: string): StreamEvent | null {
  try {
    const result = streamEventSchema.safeParse(JSON.parse(data));
    return result.success ? result.data : null;
  } catch {
    return null;
  }
}

export function openChangeStream(options: StreamOptions): ChangeStream {
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  let closed = false;
  let attempt = 0;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by each connect: a superseded connection's failure must not schedule another. */
  let generation = 0;

  async function connect() {
    if (closed) return;
    const current = ++generation;
    const stale = () => closed || current !== generation;
    controller = new AbortController();
    try {
      const url = normalizeServerUrl(options.serverUrl) + API_PREFIX + '/sync/stream';
      const response = await doFetch(url, {
        headers: {
          ...protocolHeaders,
          authorization: `Bearer ${options.token}`,
          accept: 'text/event-stream',
        },
        ...NO_STORE,
        signal: controller.signal,
      });
      if (stale()) return;
      if (!response.ok || !response.body) {
        options.handlers.onError(new Error(`stream answered ${response.status}`), response.status);
        if (response.status === 401) return; // a dead token does not come back by retrying
        throw new Error('retry');
      }
      const parser = createParser({
        onEvent(message) {
          if (stale()) return;
          if (message.event === 'ready') {
            attempt = 0;
            options.handlers.onOpen();
          } else if (message.event === 'change') {
            // An event the device does not understand is dropped: the next pull brings what changed.
            const event = parseEvent(message.data);
            if (event) options.handlers.onChange(event);
          }
        },
      });
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        parser.feed(value);
      }
      if (stale()) return;
      options.handlers.onError(new Error('stream ended'));
    } catch (error) {
      if (stale()) return;
      if (!(error instanceof Error && error.message === 'retry')) options.handlers.onError(error);
    }
    scheduleReconnect();
  }

  function scheduleReconnect() {
    if (closed) return;
    timer = setTimeout(() => void connect(), (options.backoff ?? backoffDelay)(attempt++));
  }

  void connect();
  return {
    close() {
      closed = true;
      clearTimeout(timer);
      controller?.abort();
    },
    reconnectNow() {
      if (closed) return;
      clearTimeout(timer);
      controller?.abort();
      attempt = 0;
      void connect();
    },
  };
}
