/**
 * API tokens for integrations (billing, CRM, web shop): scoped to one organisation and a
 * set of permissions, stored as a SHA-256 hash, shown once when made. A token is
 * `cohort_` and 32 random bytes; the prefix tells it apart from a sign-in session.
 */
import crypto from 'node:crypto';
import type { Permission } from '../../../domain/permissions';
import { toNumber, type Sql } from '../storage/database';
import { hashToken } from './hash';

export const API_TOKEN_PREFIX = 'cohort_';

export type ApiToken = {
  id: string;
  name: string;
  organizationId: string;
  permissions: Permission[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
  /** When it stops working by itself; null: when it is revoked. */
  expiresAt: number | null;
};

export type NewApiToken = { name: string; permissions: Permission[]; expiresAt?: number | null };

type Row = {
  id: string;
  name: string;
  organization_id: string;
  permissions: string;
  created_at: unknown;
  last_used_at: unknown;
  revoked_at: unknown;
  expires_at: unknown;
};

function toApiToken(row: Row): ApiToken {
  return {
    id: row.id,
    name: row.name,
    organizationId: row.organization_id,
    permissions: JSON.parse(row.permissions) as Permission[],
    createdAt: toNumber(row.created_at),
    lastUsedAt: row.last_used_at === null ? null : toNumber(row.last_used_at),
    revokedAt: row.revoked_at === null ? null : toNumber(row.revoked_at),
    expiresAt: row.expires_at === null || row.expires_at === undefined ? null : toNumber(row.expires_at),
  };
}

const COLUMNS = 'id, name, organization_id, permissions, created_at, last_used_at, revoked_at, expires_at';

export function isApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

/** Makes a token; the secret is in the answer and nowhere else. */
export async function createApiToken(
  db: Sql,
  organizationId: string,
  input: NewApiToken,
): Promise<{ token: string; apiToken: ApiToken }> {
  const token = API_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  const id = `tok_${crypto.randomBytes(8).toString('hex')}`;
  const permissions = [...new Set(input.permissions)].sort();
  const rows = await db.query<Row>(
    `INSERT INTO api_tokens (id, organization_id, name, token_hash, permissions, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
    [
      id,
      organizationId,
      input.name,
      hashToken(token),
      JSON.stringify(permissions),
      Date.now(),
      input.expiresAt ?? null,
    ],
  );
  const row = rows[0];
  if (!row) throw new Error('The token was not stored.');
  return { token, apiToken: toApiToken(row) };
}

export async function listApiTokens(db: Sql, organizationId?: string): Promise<ApiToken[]> {
  const rows = organizationId
    ? await db.query<Row>(
        `SELECT ${COLUMNS} FROM api_tokens WHERE organization_id = $1 ORDER BY created_at, id`,
        [organizationId],
      )
    : await db.query<Row>(`SELECT ${COLUMNS} FROM api_tokens ORDER BY organization_id, created_at, id`);
  return rows.map(toApiToken);
}

/**
 * Revokes a token of the organisation (any organisation when none is given). Returns
 * its hash, so open streams can be ended, or null when there is none to revoke.
 */
export async function revokeApiToken(db: Sql, id: string, organizationId?: string): Promise<string | null> {
  const rows = await db.query<{ token_hash: string }>(
    `UPDATE api_tokens SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL
     ${organizationId ? 'AND organization_id = $3' : ''} RETURNING token_hash`,
    organizationId ? [id, Date.now(), organizationId] : [id, Date.now()],
  );
  return rows[0]?.token_hash ?? null;
}

/** The live token behind a secret, marking it used; null when unknown, revoked or expired. */
export async function authenticateApiToken(
  db: Sql,
  token: string,
): Promise<{ apiToken: ApiToken; organizationName: string; tokenHash: string } | null> {
  const tokenHash = hashToken(token);
  const rows = await db.query<Row & { organization_name: string }>(
    `UPDATE api_tokens t SET last_used_at = $2 FROM organizations o
     WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > $2)
       AND o.id = t.organization_id
     RETURNING t.id, t.name, t.organization_id, t.permissions, t.created_at, t.last_used_at, t.revoked_at,
       t.expires_at, o.name AS organization_name`,
    [tokenHash, Date.now()],
  );
  const row = rows[0];
  return row ? { apiToken: toApiToken(row), organizationName: row.organization_name, tokenHash } : null;
}
