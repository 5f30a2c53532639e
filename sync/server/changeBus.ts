/**
 * Tells open sync streams that a collection of their organisation changed. This one
 * lives in the process; a PostgreSQL LISTEN/NOTIFY bus can stand in its place for
 * several server processes, with the same interface.
 */
import { EventEmitter } from 'node:events';
import type { StreamEvent } from '../protocol';

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
