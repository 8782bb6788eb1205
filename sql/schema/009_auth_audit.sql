-- API tokens and the audit log.
--
-- A token is "vgl_<token_id>_<secret>"; only the SHA-256 of the secret is stored. The secret is 32
-- random bytes, so a fast hash is right here (a slow password hash defends low-entropy secrets).
-- Tokens are revoked, never deleted: the audit log refers to them.
CREATE TABLE api_tokens (
  token_id      VARCHAR PRIMARY KEY,
  name          VARCHAR NOT NULL,
  role          VARCHAR NOT NULL CHECK (role IN ('admin', 'uploader', 'coder', 'epidemiologist')),
  -- Uploaders: the jurisdictions (two-letter codes) they may upload for. NULL for other roles.
  jurisdictions VARCHAR[],
  secret_sha256 VARCHAR NOT NULL,
  created_at    TIMESTAMPTZ NOT NULL,
  created_by    VARCHAR NOT NULL,
  revoked_at    TIMESTAMPTZ,
  last_used_at  TIMESTAMPTZ
);

CREATE SEQUENCE audit_seq START 1;

-- Append-only: the application only ever INSERTs here (see pipeline/store/audit.ts). Who read
-- which records, who changed what, and every sign-in failure and token change.
CREATE TABLE audit_log (
  seq         BIGINT NOT NULL DEFAULT nextval('audit_seq'),
  logged_at   TIMESTAMPTZ NOT NULL,
  actor       VARCHAR NOT NULL,   -- token_id, 'public', or 'cli:<os user>'
  role        VARCHAR NOT NULL,
  action      VARCHAR NOT NULL,   -- e.g. 'read.records', 'review.correct', 'token.create'
  target      VARCHAR,            -- what was acted on: a batch id, a record id, a token id
  record_ids  BIGINT[],           -- the records read or changed
  detail      JSON,
  request_id  VARCHAR
);
