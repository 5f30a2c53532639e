/** Organisations, users and sign-in sessions in the database. */
import crypto from 'node:crypto';
import type { Me } from '../../../domain/session';
import { permissionsForRole, type Role } from '../../../domain/permissions';
import { toNumber, type Sql } from '../storage/database';
import { authenticateApiToken, isApiToken } from './apiTokens';
import { hashToken } from './hash';
import { dummyPasswordHash, hashPassword, verifyPassword } from './passwords';

/** Who is calling: a signed-in user (`session`) or an integration's API token (`token`). */
export type AuthContext = Me & { tokenHash: string; kind: 'session' | 'token' };

type UserRow = {
  id: string;
  email: string;
  name: string;
  role: Role;
  organization_id: string;
  organization_name: string;
  password_hash: string;
};

const USER_COLUMNS = `u.id, u.email, u.name, u.role, u.organization_id, o.name AS organization_name, u.password_hash`;

function toMe(row: UserRow): Me {
  return {
    user: { id: row.id, email: row.email, name: row.name, role: row.role },
    organization: { id: row.organization_id, name: row.organization_name },
    permissions: permissionsForRole(row.role),
  };
}

export { hashToken };

/** Checks a password and, when right, opens a session. Returns null for any wrong pair. */
export async function login(
  db: Sql,
  email: string,
  password: string,
  ttlMs: number,
): Promise<(Me & { token: string }) | null> {
  const rows = await db.query<UserRow>(
    `SELECT ${USER_COLUMNS} FROM users u JOIN organizations o ON o.id = u.organization_id WHERE u.email = $1`,
    [email.trim().toLowerCase()],
  );
  const row = rows[0];
  const ok = await verifyPassword(row?.password_hash ?? (await dummyPasswordHash()), password);
  if (!row || !ok) return null;
  const token = crypto.randomBytes(32).toString('base64url');
  const now = Date.now();
  await db.query(
    'INSERT INTO sessions (token_hash, user_id, created_at, expires_at, last_used_at) VALUES ($1, $2, $3, $4, $3)',
    [hashToken(token), row.id, now, now + ttlMs],
  );
  return { token, ...toMe(row) };
}

/** How long a sign-in lasts without use, unless the server says otherwise (COHORT_SESSION_IDLE_HOURS). */
export const SESSION_IDLE_MS = 30 * 24 * 3600_000;

/**
 * The caller behind a bearer token — a signed-in user, or an API token with its own
 * permissions — or null when it is unknown, expired, unused too long, or revoked.
 */
export async function authenticate(
  db: Sql,
  token: string,
  { sessionIdleMs = SESSION_IDLE_MS } = {},
): Promise<AuthContext | null> {
  if (isApiToken(token)) {
    const found = await authenticateApiToken(db, token);
    if (!found) return null;
    const { apiToken } = found;
    return {
      kind: 'token',
      tokenHash: found.tokenHash,
      // An integration is no person: it has the token's name and exactly the token's permissions.
      user: { id: apiToken.id, email: '', name: apiToken.name, role: 'viewer' },
      organization: { id: apiToken.organizationId, name: found.organizationName },
      permissions: apiToken.permissions,
    };
  }
  const tokenHash = hashToken(token);
  const rows = await db.query<UserRow & { expires_at: unknown; revoked_at: unknown; last_used_at: unknown }>(
    `SELECT ${USER_COLUMNS}, s.expires_at, s.revoked_at, s.last_used_at FROM sessions s
     JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id
     WHERE s.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  const now = Date.now();
  if (!row || row.revoked_at !== null || toNumber(row.expires_at) <= now) return null;
  const lastUsed = toNumber(row.last_used_at);
  if (lastUsed <= now - sessionIdleMs) return null;
  // Marked used now and then, not at every request: a device's sync makes many.
  if (now - lastUsed > Math.min(10 * 60_000, sessionIdleMs / 10)) {
    await db.query('UPDATE sessions SET last_used_at = $2 WHERE token_hash = $1', [tokenHash, now]);
  }
  return { ...toMe(row), tokenHash, kind: 'session' };
}

export async function revokeSession(db: Sql, tokenHash: string): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
    tokenHash,
    Date.now(),
  ]);
}

/** The organisation the user with `email` belongs to, if there is one. */
export async function organizationOfUser(db: Sql, email: string): Promise<string | null> {
  const rows = await db.query<{ organization_id: string }>(
    'SELECT organization_id FROM users WHERE email = $1',
    [email.trim().toLowerCase()],
  );
  return rows[0]?.organization_id ?? null;
}

/** Moves a user to another organisation and ends their sign-ins (they held the old one's data). */
export async function moveUser(db: Sql, email: string, organizationId: string): Promise<void> {
  const who = email.trim().toLowerCase();
  await db.query('UPDATE users SET organization_id = $2 WHERE email = $1', [who, organizationId]);
  await db.query(
    `UPDATE sessions SET revoked_at = $2 WHERE revoked_at IS NULL AND user_id = (SELECT id FROM users WHERE email = $1)`,
    [who, Date.now()],
  );
}

export async function ensureOrganization(db: Sql, id: string, name: string): Promise<void> {
  await db.query(
    'INSERT INTO organizations (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name',
    [id, name, Date.now()],
  );
}

export type NewUser = {
  id: string;
  organizationId: string;
  email: string;
  name: string;
  role: Role;
  password: string;
};

/**
 * Creates the user, or updates name, role and password of the user with that email — in
 * their own organisation: a user is moved to another one only by moveUser.
 */
export async function upsertUser(db: Sql, user: NewUser): Promise<void> {
  await db.query(
    `INSERT INTO users (id, organization_id, email, name, role, password_hash, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,
       password_hash = EXCLUDED.password_hash
     WHERE users.organization_id = EXCLUDED.organization_id`,
    [
      user.id,
      user.organizationId,
      user.email.trim().toLowerCase(),
      user.name,
      user.role,
      await hashPassword(user.password),
      Date.now(),
    ],
  );
}
