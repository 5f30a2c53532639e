-- A group can be archived (protocol version 2): when, or NULL while it is not. Existing
-- groups are not archived.

ALTER TABLE groups ADD COLUMN archived_at bigint;
