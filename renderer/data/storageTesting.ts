/**
 * For the storage tests: membership storage instances made straight from a storage
 * (without RxDB's collections), each in a database of its own, removed after each test.
 */
import type { RxStorage, RxStorageInstance } from 'rxdb';
import { fillWithDefaultSettings } from 'rxdb';
import { afterEach } from 'vitest';
import type { Membership } from '../../domain/membership';
import { membershipRxSchema } from './schemas';

export const membershipSchema = fillWithDefaultSettings(membershipRxSchema);

type Instance = RxStorageInstance<Membership, unknown, unknown>;

/** The function that opens a fresh membership instance of a storage; call it at the top of a test file. */
export function membershipInstances(): (storage: RxStorage<unknown, unknown>) => Promise<Instance> {
  const opened: Instance[] = [];
  afterEach(async () => {
    for (const instance of opened.splice(0)) await instance.remove();
  });
  let n = 0;
  return async (storage) => {
    const instance = (await storage.createStorageInstance<Membership>({
      databaseName: `storage-test-${Date.now()}-${n++}`,
      collectionName: 'memberships',
      schema: membershipSchema,
      options: {},
      multiInstance: false,
      devMode: false,
      databaseInstanceToken: 'token',
    })) as Instance;
    opened.push(instance);
    return instance;
  };
}
