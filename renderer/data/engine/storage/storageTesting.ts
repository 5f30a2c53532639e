/** For the storage tests: an instance of collection `rows`, made straight from a storage (no RxDB collection around it). */
import {
  fillWithDefaultSettings,
  type RxDocumentData,
  type RxJsonSchema,
  type RxStorage,
  type RxStorageInstance,
} from 'rxdb';

/** The simplest rows: an id and a name (indexed). */
export type NamedRow = { id: string; name: string };

export const namedRowSchema = fillWithDefaultSettings<NamedRow>({
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: { id: { type: 'string', maxLength: 20 }, name: { type: 'string', maxLength: 40 } },
  required: ['id', 'name'],
  indexes: ['name'],
}) as RxJsonSchema<RxDocumentData<NamedRow>>;

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
