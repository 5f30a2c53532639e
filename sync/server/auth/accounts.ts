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
    'INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
    [hashToken(token), row.id, now, now + ttlMs],
  );
  return { token, ...toMe(row) };
}

/**
 * The caller behind a bearer token — a signed-in user, or an API token with its own
 * permissions — or null when it is unknown, expired or revoked.
 */
export async function authenticate(db: Sql, token: string): Promise<AuthContext | null> {
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
  const rows = await db.query<UserRow & { expires_at: unknown; revoked_at: unknown }>(
    `SELECT ${USER_COLUMNS}, s.expires_at, s.revoked_at FROM sessions s
     JOIN users u ON u.id = s.user_id JOIN organizations o ON o.id = u.organization_id
     WHERE s.token_hash = $1`,
    [tokenHash],
  );
  const row = rows[0];
  if (!row || row.revoked_at !== null || toNumber(row.expires_at) <= Date.now()) return null;
  return { ...toMe(row), tokenHash, kind: 'session' };
}

export async function revokeSession(db: Sql, tokenHash: string): Promise<void> {
  await db.query('UPDATE sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL', [
    tokenHash,
    Date.now(),
  ]);
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

/** Creates the user, or updates name, role and password of the user with that email. */
export async function upsertUser(db: Sql, user: NewUser): Promise<void> {
  await db.query(
    `INSERT INTO users (id, organization_id, email, name, role, password_hash, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (email) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role,
       password_hash = EXCLUDED.password_hash, organization_id = EXCLUDED.organization_id`,
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
