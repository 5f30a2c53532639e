-- API tokens for integrations: one organisation, a set of permissions, stored hashed.

CREATE TABLE api_tokens (
  id text PRIMARY KEY,
  organization_id text NOT NULL REFERENCES organizations (id),
  name text NOT NULL,
  token_hash text NOT NULL UNIQUE,
  permissions text NOT NULL,
  created_at bigint NOT NULL,
  last_used_at bigint,
  revoked_at bigint
);

CREATE INDEX api_tokens_by_organization ON api_tokens (organization_id);
