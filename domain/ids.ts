import { z } from 'zod';

/** Document ids are made on the device: 1–40 letters, digits, `-` and `_` (a UUID fits). */
export const ID_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;
export const ID_MAX_LENGTH = 40;

export const idSchema = z
  .string()
  .regex(ID_PATTERN, { message: 'An id is 1–40 letters, digits, "-" or "_".' });

/** A new random id (a UUID without dashes' ambiguity: it keeps them, 36 characters). */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}
