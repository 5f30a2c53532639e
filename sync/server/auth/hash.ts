import crypto from 'node:crypto';

/** Bearer tokens (sessions and API tokens) are stored only as this hash. */
export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}
