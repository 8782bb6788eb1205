-- FHIR messages (VRDR submission, update, void) already loaded, by message id: a resent message
-- changes nothing even when it arrives in another file (another checksum).
CREATE TABLE received_messages (
  message_id  VARCHAR PRIMARY KEY,
  batch_id    VARCHAR NOT NULL,
  received_at TIMESTAMPTZ NOT NULL
);
