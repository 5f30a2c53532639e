-- A sign-in ends after a time without use, besides its lifetime: when it was last used
-- (updated at most every few minutes). An API token may be given an expiry.

ALTER TABLE sessions ADD COLUMN last_used_at bigint;
UPDATE sessions SET last_used_at = created_at;
ALTER TABLE sessions ALTER COLUMN last_used_at SET NOT NULL;
ALTER TABLE api_tokens ADD COLUMN expires_at bigint;
