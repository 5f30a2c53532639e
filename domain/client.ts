import { z } from 'zod';
import { calendarDateSchema } from './dates';
import { idSchema } from './ids';
import { timestampSchema } from './group';
import { isPlainText } from './text';

export const CLIENT_NAME_MAX = 200;
export const CLIENT_EMAIL_MAX = 254;
export const CLIENT_PHONE_MAX = 40;

const optionalText = (max: number, key: string) => z.string().trim().max(max, { message: key }).optional();

/** What a person types into the client form. Empty optional fields are left out. */
export const clientInputSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { message: 'name.required' })
      .max(CLIENT_NAME_MAX, { message: 'name.tooLong' })
      .refine(isPlainText, { message: 'name.invalidCharacters' }),
    email: optionalText(CLIENT_EMAIL_MAX, 'email.tooLong').refine(
      (v) => !v || (/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v) && isPlainText(v)),
      {
        message: 'email.invalid',
      },
    ),
    phone: optionalText(CLIENT_PHONE_MAX, 'phone.tooLong').refine((v) => !v || /^[+0-9 ()./-]{3,}$/.test(v), {
      message: 'phone.invalid',
    }),
    birthDate: calendarDateSchema.optional(),
  })
  .strict();
export type ClientInput = z.infer<typeof clientInputSchema>;

export const clientSchema = z
  .object({
    id: idSchema,
    name: z
      .string()
      .min(1, { message: 'name.required' })
      .max(CLIENT_NAME_MAX, { message: 'name.tooLong' })
      .refine((s) => s === s.trim(), { message: 'name.notTrimmed' })
      .refine(isPlainText, { message: 'name.invalidCharacters' }),
    email: z.string().max(CLIENT_EMAIL_MAX).refine(isPlainText, { message: 'email.invalid' }).optional(),
    phone: z.string().max(CLIENT_PHONE_MAX).refine(isPlainText, { message: 'phone.invalid' }).optional(),
    birthDate: calendarDateSchema.optional(),
    createdAt: timestampSchema,
    updatedAt: timestampSchema,
  })
  .strict();
export type Client = z.infer<typeof clientSchema>;

function withoutEmpty(input: ClientInput): ClientInput {
  const out: ClientInput = { name: input.name };
  if (input.email) out.email = input.email;
  if (input.phone) out.phone = input.phone;
  if (input.birthDate) out.birthDate = input.birthDate;
  return out;
}

export function createClient(input: ClientInput, id: string, now: number): Client {
  return { id, ...withoutEmpty(clientInputSchema.parse(input)), createdAt: now, updatedAt: now };
}

export function updateClient(client: Client, input: ClientInput, now: number): Client {
  return {
    id: client.id,
    ...withoutEmpty(clientInputSchema.parse(input)),
    createdAt: client.createdAt,
    updatedAt: Math.max(now, client.updatedAt),
  };
}
