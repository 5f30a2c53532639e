-- A deletion erases the document's content (a client's right to erasure): a deleted row
-- keeps its id and its times; every other column is NULL. Rows deleted before this
-- migration are erased now, with new sequence numbers, so every device pulls the erased
-- tombstones and erases its own copies too.

ALTER TABLE groups ALTER COLUMN name DROP NOT NULL;
ALTER TABLE groups ALTER COLUMN description DROP NOT NULL;
ALTER TABLE groups ALTER COLUMN metadata DROP NOT NULL;
ALTER TABLE clients ALTER COLUMN name DROP NOT NULL;
ALTER TABLE memberships ALTER COLUMN group_id DROP NOT NULL;
ALTER TABLE memberships ALTER COLUMN client_id DROP NOT NULL;
ALTER TABLE memberships ALTER COLUMN start_date DROP NOT NULL;

UPDATE groups SET name = NULL, description = NULL, metadata = NULL, seq = nextval('change_seq')
WHERE deleted;
UPDATE clients SET name = NULL, email = NULL, phone = NULL, birth_date = NULL, seq = nextval('change_seq')
WHERE deleted;
UPDATE memberships SET group_id = NULL, client_id = NULL, start_date = NULL, end_date = NULL,
  seq = nextval('change_seq')
WHERE deleted;

-- A live row still needs its content.
ALTER TABLE groups ADD CONSTRAINT groups_content CHECK (deleted OR (name IS NOT NULL AND description IS NOT NULL AND metadata IS NOT NULL));
ALTER TABLE clients ADD CONSTRAINT clients_content CHECK (deleted OR name IS NOT NULL);
ALTER TABLE memberships ADD CONSTRAINT memberships_content CHECK (deleted OR (group_id IS NOT NULL AND client_id IS NOT NULL AND start_date IS NOT NULL));
