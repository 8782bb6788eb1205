-- Which version of each committed reference table (pipeline/reference/) is loaded, so a changed
-- file is reloaded at start-up and an unchanged one is not.
CREATE TABLE reference_data (
  name      VARCHAR PRIMARY KEY,
  sha256    VARCHAR NOT NULL,
  loaded_at TIMESTAMPTZ NOT NULL
);
