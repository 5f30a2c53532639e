/** For the storage tests: an instance of collection `rows`, made straight from a storage (no RxDB collection around it). */
import type { RxDocumentData, RxJsonSchema, RxStorage, RxStorageInstance } from 'rxdb';

export async function openRows<T, Internals = unknown>(
  storage: RxStorage<unknown, unknown>,
  databaseName: string,
  schema: RxJsonSchema<RxDocumentData<T>>,
): Promise<RxStorageInstance<T, Internals, unknown>> {
  return (await storage.createStorageInstance<T>({
    databaseName,
    collectionName: 'rows',
    schema,
    options: {},
    multiInstance: false,
    devMode: false,
    databaseInstanceToken: 'test',
  })) as unknown as RxStorageInstance<T, Internals, unknown>;
}
