-- Clients and memberships sync like groups. Optional fields are NULL when absent.

CREATE TABLE clients (
  organization_id text NOT NULL REFERENCES organizations (id),
  id text NOT NULL,
  name text NOT NULL,
  email text,
  phone text,
  birth_date text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  seq bigint NOT NULL,
  PRIMARY KEY (organization_id, id)
);

CREATE INDEX clients_by_seq ON clients (organization_id, seq);

CREATE TABLE memberships (
  organization_id text NOT NULL REFERENCES organizations (id),
  id text NOT NULL,
  group_id text NOT NULL,
  client_id text NOT NULL,
  start_date text NOT NULL,
  end_date text,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  deleted boolean NOT NULL DEFAULT false,
  seq bigint NOT NULL,
  PRIMARY KEY (organization_id, id)
);

CREATE INDEX memberships_by_seq ON memberships (organization_id, seq);
CREATE INDEX memberships_by_group ON memberships (organization_id, group_id);
CREATE INDEX memberships_by_client ON memberships (organization_id, client_id);
