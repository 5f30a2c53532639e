/** What the server CLI can do, as functions over the database (cli.ts parses arguments). */
import crypto from 'node:crypto';
import { ROLES, type Role } from '../../domain/permissions';
import { ensureOrganization, upsertUser } from './auth/accounts';
import type { Sql } from './storage/database';

export class CliError extends Error {}

export async function addOrganization(db: Sql, id: string, name: string): Promise<string> {
  if (!/^[A-Za-z0-9_-]{1,40}$/.test(id))
    throw new CliError('An organisation id is 1–40 letters, digits, "-" or "_".');
  if (!name.trim()) throw new CliError('An organisation needs a name.');
  await ensureOrganization(db, id, name.trim());
  return `Organisation ${id} (${name.trim()}) is ready.`;
}

export async function addUser(
  db: Sql,
  options: { email: string; name: string; role: string; organizationId: string; password: string },
): Promise<string> {
  if (!(ROLES as readonly string[]).includes(options.role))
    throw new CliError(`The role is one of ${ROLES.join(', ')}.`);
  if (!/^[^\s@]+@[^\s@]+$/.test(options.email)) throw new CliError('That is not an email address.');
  if (options.password.length < 10) throw new CliError('A password has at least 10 characters.');
  const org = await db.query('SELECT id FROM organizations WHERE id = $1', [options.organizationId]);
  if (org.length === 0) throw new CliError(`There is no organisation ${options.organizationId}.`);
  await upsertUser(db, {
    id: `user-${crypto.randomUUID()}`,
    organizationId: options.organizationId,
    email: options.email,
    name: options.name || options.email,
    role: options.role as Role,
    password: options.password,
  });
  return `User ${options.email.toLowerCase()} (${options.role}) can sign in to ${options.organizationId}.`;
}

export async function listUsers(db: Sql): Promise<string> {
  const rows = await db.query<{ email: string; role: string; organization_id: string; name: string }>(
    'SELECT email, role, organization_id, name FROM users ORDER BY organization_id, email',
  );
  return rows
    .map((r) => `${r.organization_id.padEnd(16)} ${r.email.padEnd(30)} ${r.role.padEnd(13)} ${r.name}`)
    .join('\n');
}

/** Ends every sign-in of a user, on every device, at once. */
export async function revokeSessions(db: Sql, email: string): Promise<string> {
  const rows = await db.query(
    `UPDATE sessions SET revoked_at = $2 WHERE revoked_at IS NULL
     AND user_id = (SELECT id FROM users WHERE email = $1) RETURNING token_hash`,
    [email.trim().toLowerCase(), Date.now()],
  );
  return `Revoked ${rows.length} session(s) of ${email}.`;
}
