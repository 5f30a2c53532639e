-- Cohort's first schema. Portable SQL: runs on PGlite (PostgreSQL 18) and PostgreSQL 15.

-- One sequence for every synced write. Writes of an organisation take a transaction-level
-- advisory lock before they draw from it, so within an organisation sequence order is
-- commit order and a pull by `seq > checkpoint` can never step over a later-committing row.
CREATE SEQUENCE change_seq;

CREATE TABLE organizations (
  id text PRIMARY KEY,
  name text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE users (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id),
  email text NOT NULL UNIQUE,
  name text NOT NULL,
  role text NOT NULL CHECK (role IN ('admin', 'practitioner', 'viewer')),
  password_hash text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE sessions (
  token_hash text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  revoked_at bigint
);

CREATE TABLE groups (
  organization_id text NOT NULL REFERENCES organizations (id),
  id text NOT NULL,
  name text NOT NULL,
  description text NOT NULL,
  metadata jsonb NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  seq bigint NOT NULL,
  PRIMARY KEY (organization_id, id)
);

CREATE INDEX groups_by_seq ON groups (organization_id, seq);
