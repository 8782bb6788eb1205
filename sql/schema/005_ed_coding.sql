-- ED coding: the chief-complaint history a feed sent (HL7 updates), what the ED coder and the
-- syndrome engine decided per visit version, and the syndrome definitions, versioned.

-- Each chief complaint an HL7 feed sent for the visit, oldest first ([{text, at}]); null for CSV/NDJSON.
ALTER TABLE ed_visits ADD COLUMN chief_complaint_history JSON;

-- One row per visit version and coding; recoding adds a row and retires the previous (is_current).
CREATE TABLE coded_ed_visits (
  record_id        BIGINT NOT NULL,
  coder            VARCHAR NOT NULL,
  lexicon_version  VARCHAR NOT NULL,
  -- The active syndrome definitions the visit was evaluated against ("id@version,..."), so a new
  -- definition version makes the result stale.
  syndrome_set     VARCHAR NOT NULL,
  coded_at         TIMESTAMPTZ NOT NULL,
  is_current       BOOLEAN NOT NULL,
  codes            VARCHAR[] NOT NULL,
  drugs            JSON NOT NULL,
  -- Death-side (WHO) drug classes of the visit's poisonings, through the one bridge table: T40.4 ...
  drug_classes     VARCHAR[] NOT NULL,
  syndromes        VARCHAR[] NOT NULL,
  negated          VARCHAR[] NOT NULL,
  intent           VARCHAR,
  review_required  BOOLEAN NOT NULL,
  review_reasons   VARCHAR[] NOT NULL
);

-- Syndrome definitions: the built-ins and users' own, every version kept; one version of an id is active.
CREATE TABLE syndrome_definitions (
  id          VARCHAR NOT NULL,
  version     INTEGER NOT NULL,
  name        VARCHAR NOT NULL,
  description VARCHAR NOT NULL,
  definition  JSON NOT NULL,
  active      BOOLEAN NOT NULL,
  builtin     BOOLEAN NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL,
  created_by  VARCHAR,
  PRIMARY KEY (id, version)
);
