/**
 * Validates every write to a local collection with the domain's zod schema, so the
 * device and the server apply the same rules; a deletion is checked as a tombstone (its
 * id and times: erasure.ts drops the rest). RxDB's internal stores pass unchecked.
 */
import { wrappedValidateStorageFactory, type RxJsonSchema, type RxValidationError } from 'rxdb';
import type { z } from 'zod';
import { DOCUMENT_SCHEMAS } from '../../sync/protocol';

const SCHEMAS_BY_TITLE: Record<string, { live: z.ZodType; deleted: z.ZodType }> = DOCUMENT_SCHEMAS;

function zodValidator(schema: RxJsonSchema<unknown>) {
  const zod = schema.title ? SCHEMAS_BY_TITLE[schema.title] : undefined;
  if (!zod) return (): RxValidationError[] => [];
  return (doc: Record<string, unknown>): RxValidationError[] => {
    const { _deleted, _rev, _meta, _attachments, ...fields } = doc;
    void _rev;
    void _meta;
    void _attachments;
    const result = (_deleted === true ? zod.deleted : zod.live).safeParse(fields);
    if (result.success) return [];
    return result.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
  };
}

export const wrappedZodValidateStorage = wrappedValidateStorageFactory(zodValidator, 'zod-domain');
