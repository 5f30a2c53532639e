/** What the server CLI can do, as functions over the database (cli.ts parses arguments). */
import crypto from 'node:crypto';
import { PERMISSIONS, ROLES, type Permission, type Role } from '../../domain/permissions';
import { ensureOrganization, moveUser, organizationOfUser, upsertUser } from './auth/accounts';
import { createApiToken, listApiTokens, revokeApiToken } from './auth/apiTokens';
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
  options: {
    email: string;
    name: string;
    role: string;
    organizationId: string;
    password: string;
    /** Move a user of another organisation here (without it, that is refused). */
    move?: boolean;
  },
): Promise<string> {
  if (!(ROLES as readonly string[]).includes(options.role))
    throw new CliError(`The role is one of ${ROLES.join(', ')}.`);
  if (!/^[^\s@]+@[^\s@]+$/.test(options.email)) throw new CliError('That is not an email address.');
  if (options.password.length < 10) throw new CliError('A password has at least 10 characters.');
  const org = await db.query('SELECT id FROM organizations WHERE id = $1', [options.organizationId]);
  if (org.length === 0) throw new CliError(`There is no organisation ${options.organizationId}.`);
  const current = await organizationOfUser(db, options.email);
  const moving = current !== null && current !== options.organizationId;
  if (moving && !options.move) {
    throw new CliError(
      `${options.email.toLowerCase()} belongs to ${current}. To move them to ${options.organizationId} ` +
        `(their sign-ins end, and they see ${current}'s data no more), add --move.`,
    );
  }
  if (moving) await moveUser(db, options.email, options.organizationId);
  await upsertUser(db, {
    id: `user-${crypto.randomUUID()}`,
    organizationId: options.organizationId,
    email: options.email,
    name: options.name || options.email,
    role: options.role as Role,
    password: options.password,
  });
  const moved = moving ? ` (moved from ${current}; their sign-ins ended)` : '';
  return `User ${options.email.toLowerCase()} (${options.role}) can sign in to ${options.organizationId}${moved}.`;
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

/** Makes an API token for an integration; the secret is printed this once. */
export async function addApiToken(
  db: Sql,
  options: {
    organizationId: string;
    name: string;
    permissions: string[];
    /** The last day it works (YYYY-MM-DD, UTC); absent: until revoked. */
    expires?: string;
  },
): Promise<string> {
  const org = await db.query('SELECT id FROM organizations WHERE id = $1', [options.organizationId]);
  if (org.length === 0) throw new CliError(`There is no organisation ${options.organizationId}.`);
  if (!options.name.trim())
    throw new CliError('Give the token a name (--name), such as the system it is for.');
  const unknown = options.permissions.filter((p) => !(PERMISSIONS as readonly string[]).includes(p));
  if (options.permissions.length === 0 || unknown.length > 0) {
    throw new CliError(`--permissions is a comma-separated list of: ${PERMISSIONS.join(', ')}.`);
  }
  const expiresAt = options.expires === undefined ? null : endOfDay(options.expires);
  const { token, apiToken } = await createApiToken(db, options.organizationId, {
    name: options.name.trim(),
    permissions: options.permissions as Permission[],
    expiresAt,
  });
  const until = expiresAt === null ? '' : ` (works until the end of ${options.expires} UTC)`;
  return [
    `API token ${apiToken.id} (${apiToken.name}) for ${apiToken.organizationId}: ${apiToken.permissions.join(', ')}${until}`,
    `Secret (shown once, store it now): ${token}`,
  ].join('\n');
}

/** The end of `day` (YYYY-MM-DD, a real date, in the future), in ms since the epoch. */
function endOfDay(day: string): number {
  const at = Date.parse(`${day}T23:59:59.999Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== day)
    throw new CliError('--expires is the last day the token works: YYYY-MM-DD.');
  if (at <= Date.now()) throw new CliError('--expires is a day to come.');
  return at;
}

export async function listTokens(db: Sql, organizationId?: string): Promise<string> {
  const tokens = await listApiTokens(db, organizationId);
  if (tokens.length === 0) return 'No API tokens.';
  const when = (ms: number | null) =>
    ms === null ? '-' : new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
  return tokens
    .map(
      (t) =>
        `${t.id}  ${t.organizationId.padEnd(14)} ${t.name.padEnd(24)} last used ${when(t.lastUsedAt).padEnd(16)} ` +
        `${t.revokedAt ? `revoked ${when(t.revokedAt)}` : t.expiresAt && t.expiresAt <= Date.now() ? `expired ${when(t.expiresAt)}` : t.expiresAt ? `live until ${when(t.expiresAt)}` : 'live'}  ${t.permissions.join(',')}`,
    )
    .join('\n');
}

export async function revokeToken(db: Sql, id: string): Promise<string> {
  if (!(await revokeApiToken(db, id))) throw new CliError(`There is no live API token ${id}.`);
  return `API token ${id} is revoked: it no longer works.`;
}
