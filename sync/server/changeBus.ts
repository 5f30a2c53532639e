/**
 * Tells open sync streams that a collection of their organisation changed.
 *
 * One server process: an in-process emitter. Several processes on one PostgreSQL
 * database (behind a load balancer, no sticky routing): LISTEN/NOTIFY carries every
 * event to every process, so a change pushed through one reaches the streams of all.
 */
import { EventEmitter } from 'node:events';
import pg from 'pg';
import { SYNC_COLLECTIONS, type StreamEvent } from '../protocol';

export interface ChangeBus {
  publish(organizationId: string, event: StreamEvent): void;
  subscribe(organizationId: string, listener: (event: StreamEvent) => void): () => void;
  close(): Promise<void>;
}

export function createLocalChangeBus(): ChangeBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    publish: (organizationId, event) => emitter.emit(organizationId, event),
    subscribe(organizationId, listener) {
      emitter.on(organizationId, listener);
      return () => emitter.off(organizationId, listener);
    },
    close: async () => {
      emitter.removeAllListeners();
    },
  };
}

export const NOTIFY_CHANNEL = 'cohort_changes';

type Notice = { organizationId: string; event: StreamEvent };

/**
 * A bus over PostgreSQL LISTEN/NOTIFY, on one dedicated connection. Events published
 * here come back through LISTEN like everyone else's. When the connection drops it
 * reconnects, and tells every open stream to re-sync, since notices sent meanwhile
 * are lost.
 */
export async function createPostgresChangeBus(
  connectionString: string,
  log: (message: string) => void = () => undefined,
): Promise<ChangeBus> {
  const local = createLocalChangeBus();
  const organizations = new Map<string, number>();
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | undefined;

  const connect = async (attempt = 0): Promise<void> => {
    const next = new pg.Client({ connectionString });
    next.on('notification', (message) => {
      if (message.channel !== NOTIFY_CHANNEL || !message.payload) return;
      const notice = JSON.parse(message.payload) as Notice;
      local.publish(notice.organizationId, notice.event);
    });
    next.on('error', (error) => {
      log(`change bus connection lost: ${error.message}`);
      void next.end().catch(() => undefined);
      if (client === next) client = null;
      scheduleReconnect(0);
    });
    try {
      await next.connect();
      await next.query(`LISTEN ${NOTIFY_CHANNEL}`);
      client = next;
      if (attempt > 0 || organizations.size > 0) resyncEveryone();
    } catch (error) {
      await next.end().catch(() => undefined);
      if (attempt === 0 && !client && organizations.size === 0) throw error;
      scheduleReconnect(attempt + 1);
    }
  };
  const scheduleReconnect = (attempt: number) => {
    if (closed || retry) return;
    retry = setTimeout(
      () => {
        retry = undefined;
        void connect(Math.max(1, attempt));
      },
      Math.min(10_000, 250 * 2 ** attempt),
    );
  };
  const resyncEveryone = () => {
    for (const organizationId of organizations.keys()) {
      for (const collection of SYNC_COLLECTIONS)
        local.publish(organizationId, { collection, checkpoint: { seq: 0 } });
    }
  };

  await connect();
  let notifying: Promise<void> = Promise.resolve();
  return {
    publish(organizationId, event) {
      const payload = JSON.stringify({ organizationId, event } satisfies Notice);
      const target = client;
      if (!target) return; // Reconnecting: streams re-sync when the connection is back.
      // One query at a time on the connection (pg queues them, but is to refuse that soon).
      notifying = notifying
        .then(() => target.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, payload]))
        .then(
          () => undefined,
          (error: Error) => log(`change bus could not notify: ${error.message}`),
        );
    },
    subscribe(organizationId, listener) {
      organizations.set(organizationId, (organizations.get(organizationId) ?? 0) + 1);
      const unsubscribe = local.subscribe(organizationId, listener);
      return () => {
        unsubscribe();
        const left = (organizations.get(organizationId) ?? 1) - 1;
        if (left > 0) organizations.set(organizationId, left);
        else organizations.delete(organizationId);
      };
    },
    async close() {
      closed = true;
      clearTimeout(retry);
      await local.close();
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}

/** The bus for a configured server: PostgreSQL's when there is one, else in-process. */
export function openChangeBus(
  databaseUrl: string | undefined,
  log?: (message: string) => void,
): Promise<ChangeBus> {
  return databaseUrl ? createPostgresChangeBus(databaseUrl, log) : Promise.resolve(createLocalChangeBus());
}
