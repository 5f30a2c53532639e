import { z } from 'zod';
import { idSchema } from './ids';
import { isPlainMultilineText, isPlainText } from './text';

export const GROUP_NAME_MAX = 100;
export const GROUP_DESCRIPTION_MAX = 500;
export const GROUP_METADATA_MAX_KEYS = 50;
export const GROUP_METADATA_KEY_MAX = 40;
export const GROUP_METADATA_VALUE_MAX = 500;

/** Integer milliseconds since the epoch, set by the writing device. */
export const timestampSchema = z.number().int().nonnegative().max(8.64e15);

/** What a person types into the group form: the rules of DESIGN.md, written once. */
export const groupInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { message: 'name.required' })
      .max(GROUP_NAME_MAX, { message: 'name.tooLong' })
      .refine(isPlainText, { message: 'name.invalidCharacters' }),
    description: z
      .string()
      .trim()
      .max(GROUP_DESCRIPTION_MAX, { message: 'description.tooLong' })
      .refine(isPlainMultilineText, { message: 'description.invalidCharacters' }),
    metadata: z
      .record(
        z
          .string()
          .min(1)
          .max(GROUP_METADATA_KEY_MAX, { message: 'metadata.keyTooLong' })
          .refine(isPlainText, { message: 'metadata.invalidCharacters' }),
        z
          .string()
          .max(GROUP_METADATA_VALUE_MAX, { message: 'metadata.valueTooLong' })
          .refine(isPlainMultilineText, { message: 'metadata.invalidCharacters' }),
      )
      .refine((m) => Object.keys(m).length <= GROUP_METADATA_MAX_KEYS, { message: 'metadata.tooManyKeys' }),
  })
  .strict();

export type GroupInput = z.infer<typeof groupInputSchema>;

/**
 * A stored group as it travels between device and server. `name` must already be
 * trimmed here: a document is what was saved, not what was typed.
 */
export const groupSchema = z
  .object({
    id: idSchema,
    name: z
      .string()
      .min(1, { message: 'name.required' })
      .max(GROUP_NAME_MAX, { message: 'name.tooLong' })
      .refine((s) => s === s.trim(), { message: 'name.notTrimmed' })
      .refine(isPlainText, { message: 'name.invalidCharacters' }),
    description: z
      .string()
      .max(GROUP_DESCRIPTION_MAX, { message: 'description.tooLong' })
      .refine(isPlainMultilineText, { message: 'description.invalidCharacters' }),
    metadata: groupInputSchema.shape.metadata,
    /** When the group was archived; absent or null while it is not (the server keeps it absent). */
    archivedAt: timestampSchema.nullable().optional(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict();

export type Group = z.infer<typeof groupSchema>;

/** Error keys used by forms (translated in the renderer) and sent as messages by the server. */
export type GroupFieldError = { field: string; key: string };

export function groupFieldErrors(error: z.ZodError): GroupFieldError[] {
  return error.issues.map((issue) => ({
    field: String(issue.path[0] ?? ''),
    key: issue.message,
  }));
}

/**
 * Form input that passed `groupInputSchema` at its trust boundary: the form on the device,
 * the request body on the server. `createGroup` and `updateGroup` take nothing else, so
 * the rules run once there (and once more on the server, for what a device sends) — the
 * type says the check was made instead of making it again.
 */
export const checkedGroupInputSchema = groupInputSchema.brand<'CheckedGroupInput'>();
export type CheckedGroupInput = z.output<typeof checkedGroupInputSchema>;

/** Checks input that no form checked (the demo seed, tests); throws on what a form would refuse. */
export function checkGroupInput(input: z.input<typeof groupInputSchema>): CheckedGroupInput {
  return checkedGroupInputSchema.parse(input);
}

/** Builds a new group document from checked input at time `now`. */
export function createGroup(input: CheckedGroupInput, id: string, now: number): Group {
  const { name, description, metadata } = input;
  return { id, name, description, metadata, createdAt: now, updatedAt: now };
}

/** Applies checked input to a stored group, keeping its id and creation time. */
export function updateGroup(group: Group, input: CheckedGroupInput, now: number): Group {
  const { name, description, metadata } = input;
  return { ...group, name, description, metadata, updatedAt: Math.max(now, group.updatedAt) };
}
