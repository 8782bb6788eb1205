-- Human review: coders' decisions on what the automation was unsure of, the checks of human
-- codings against later automated coders, and the terms coders propose for the lexicon.
-- Everything here is append-only: a decision, a check or an approval is a new row, never an edit,
-- so the history of who decided what stays readable.

CREATE SEQUENCE review_decision_seq START 1;

-- One coder's decision on one record's coding. A correction also adds the corrected coding as a
-- new current version (coded_deaths / coded_ed_visits, coder 'human:<token id>'); the automated
-- row stays, retired. The reviewed_* columns copy what the coder saw, so agreement between coder
-- and automation is computed from this table alone, whatever happens to the codings later.
CREATE TABLE review_decisions (
  decision_id                BIGINT PRIMARY KEY DEFAULT nextval('review_decision_seq'),
  source                     VARCHAR NOT NULL CHECK (source IN ('deaths', 'ed')),
  record_id                  BIGINT NOT NULL,
  decision                   VARCHAR NOT NULL CHECK (decision IN ('accept', 'correct')),
  reviewer                   VARCHAR NOT NULL,   -- api_tokens.token_id
  reviewer_role              VARCHAR NOT NULL,
  comment                    VARCHAR,
  decided_at                 TIMESTAMPTZ NOT NULL,
  -- The coding the decision is about: its coder, lexicon and time identify the version.
  reviewed_coder             VARCHAR NOT NULL,
  reviewed_lexicon_version   VARCHAR NOT NULL,
  reviewed_coded_at          TIMESTAMPTZ NOT NULL,
  review_reasons             VARCHAR[] NOT NULL,
  -- Deaths: underlying cause and record axis; ED: no underlying cause, the ICD-10-CM codes.
  reviewed_underlying_cause  VARCHAR,
  reviewed_codes             VARCHAR[] NOT NULL,
  decided_underlying_cause   VARCHAR,
  decided_codes              VARCHAR[] NOT NULL
);

-- A recode never retires a human coding. Instead the automated coder codes the record again and
-- the result is kept here; when it disagrees (another underlying cause or record axis) the record
-- is back in the review queue until a coder decides again. Deaths only.
CREATE TABLE human_coding_checks (
  record_id        BIGINT NOT NULL,
  human_coded_at   TIMESTAMPTZ NOT NULL,   -- the human coding checked (coded_deaths.coded_at)
  coder            VARCHAR NOT NULL,       -- the automated coder and lexicon that checked it
  lexicon_version  VARCHAR NOT NULL,
  checked_at       TIMESTAMPTZ NOT NULL,
  agrees           BOOLEAN NOT NULL,
  underlying_cause VARCHAR,
  record_axis      VARCHAR[] NOT NULL,
  coded            JSON NOT NULL           -- the automated result (`vigil code deaths` contract, with its trace)
);

CREATE SEQUENCE lexicon_proposal_seq START 1;

-- A term a coder proposes for the death coder's lexicon: from a correction, from the emerging
-- substances list, or on its own. An admin approves or rejects it (lexicon_proposal_decisions).
CREATE TABLE lexicon_proposals (
  proposal_id         BIGINT PRIMARY KEY DEFAULT nextval('lexicon_proposal_seq'),
  term                VARCHAR NOT NULL,   -- normalised (normaliseText), as the matcher compares it
  written             VARCHAR NOT NULL,   -- as the coder wrote it
  code                VARCHAR NOT NULL,   -- dotted WHO ICD-10
  kind                VARCHAR NOT NULL CHECK (kind IN ('drug', 'condition', 'injury', 'external', 'ill_defined', 'mechanism')),
  drug_name           VARCHAR,            -- canonical substance a drug term names ("tranq" → xylazine)
  comment             VARCHAR,
  origin              VARCHAR NOT NULL CHECK (origin IN ('correction', 'emerging', 'coder')),
  decision_id         BIGINT,             -- the correction it came from
  evidence_record_ids BIGINT[] NOT NULL,
  proposed_by         VARCHAR NOT NULL,
  proposed_role       VARCHAR NOT NULL,
  proposed_at         TIMESTAMPTZ NOT NULL
);

-- At most one decision per proposal (the primary key makes a second one fail, even in a race).
CREATE TABLE lexicon_proposal_decisions (
  proposal_id     BIGINT PRIMARY KEY,
  decision        VARCHAR NOT NULL CHECK (decision IN ('approve', 'reject')),
  decided_by      VARCHAR NOT NULL,
  decided_role    VARCHAR NOT NULL,
  decided_at      TIMESTAMPTZ NOT NULL,
  comment         VARCHAR,
  lexicon_version VARCHAR                 -- the lexicon version an approval produced
);

-- The approved terms: runtime data laid over the committed lexicon (pipeline/coding/lexicon/
-- overlay.ts). A term carries one code; a later approval for the same term replaces it (the
-- latest row per term is the one in force), as a curated row replaces generated ones.
CREATE TABLE lexicon_overlay_terms (
  term        VARCHAR NOT NULL,
  code        VARCHAR NOT NULL,
  kind        VARCHAR NOT NULL,
  drug_name   VARCHAR,
  proposal_id BIGINT NOT NULL,
  added_at    TIMESTAMPTZ NOT NULL,
  added_by    VARCHAR NOT NULL
);

-- Every lexicon version an approval produced: the committed version it lies over and how many
-- terms it adds, so a lexicon_version stored with a coding can be traced to its terms.
CREATE TABLE lexicon_versions (
  lexicon_version VARCHAR PRIMARY KEY,
  base_version    VARCHAR NOT NULL,
  overlay_terms   INTEGER NOT NULL,
  created_at      TIMESTAMPTZ NOT NULL,
  proposal_id     BIGINT NOT NULL
);

-- The review items: every current record version whose current coding a coder flagged, or a
-- human decided on (named queries review_queue_items and review_queue_page read it).
--   item_source        'deaths' | 'ed' | 'all'
--   item_jurisdiction  two-letter code of the certificate's jurisdiction, '' = any (deaths)
--   item_state_fips    that jurisdiction's state FIPS for ED visits (patient's county), '' = any
--   item_records       JSON list of record ids, '[]' = every item
-- state:
--   pending    the current automated coding is flagged and no coder accepted it (an accept carries
--              over to a later automated coding with the same codes), or the current coding is a
--              human's and a later automated coder disagreed (human_coding_checks) since the last
--              decision;
--   accepted   the last decision accepted the codes the current automated coding has;
--   corrected  the current coding is a human's;
--   NULL       not an item (an automated coding no longer flagged after earlier decisions).
-- reasons: the coder's flags; for a correction, the reasons the coder saw when correcting; for a
-- disagreement, what the automated coder says. pending_since: when the item entered the queue (the
-- record's arrival, the last decision it reopened after, or the disagreeing check).
CREATE MACRO review_items(item_source, item_jurisdiction, item_state_fips, item_records) AS TABLE
WITH last_decision AS (
  SELECT source, record_id, decision, decided_at, decided_underlying_cause, decided_codes, review_reasons AS decided_reasons
  FROM review_decisions
  QUALIFY row_number() OVER (PARTITION BY source, record_id ORDER BY decided_at DESC, decision_id DESC) = 1
),
latest_check AS (
  SELECT record_id, human_coded_at, checked_at, agrees, lexicon_version, underlying_cause
  FROM human_coding_checks
  QUALIFY row_number() OVER (PARTITION BY record_id, human_coded_at ORDER BY checked_at DESC) = 1
),
-- Candidates first, from the coding tables alone: a flagged or human coding, or a record a coder
-- decided on. Joining certificates before this filter measured ~30x slower (every current coding
-- of every certificate would be joined).
flagged_deaths AS (
  SELECT record_id, coder, coded_at, underlying_cause, record_axis, is_drug_overdose, review_required, review_reasons
  FROM coded_deaths
  WHERE is_current AND item_source IN ('all', 'deaths')
    AND (review_required OR coder LIKE 'human:%' OR record_id IN (SELECT record_id FROM review_decisions WHERE source = 'deaths'))
    AND (item_records = '[]' OR list_contains(from_json(item_records, '["BIGINT"]'), record_id))
),
flagged_visits AS (
  SELECT record_id, coder, codes, drug_classes, syndromes, review_required, review_reasons
  FROM coded_ed_visits
  WHERE is_current AND item_source IN ('all', 'ed')
    AND (review_required OR coder LIKE 'human:%' OR record_id IN (SELECT record_id FROM review_decisions WHERE source = 'ed'))
    AND (item_records = '[]' OR list_contains(from_json(item_records, '["BIGINT"]'), record_id))
),
death_items AS (
  SELECT 'deaths' AS source, d.record_id, c.jurisdiction, c.residence_county_fips AS county_fips,
    strftime(c.death_date, '%Y-%m-%d') AS event_date, c.part1_a AS summary,
    d.coder, d.underlying_cause, d.record_axis AS codes, d.is_drug_overdose AS overdose,
    d.review_reasons, l.decided_reasons, l.decided_at, k.checked_at, k.lexicon_version AS check_lexicon, k.underlying_cause AS check_cause,
    d.coder LIKE 'human:%' AS human,
    k.checked_at IS NOT NULL AND (l.decided_at IS NULL OR l.decided_at < k.checked_at) AS disputed,
    l.decision = 'accept' AND l.decided_underlying_cause IS NOT DISTINCT FROM d.underlying_cause
      AND list_sort(l.decided_codes) = list_sort(d.record_axis) AS accepted,
    d.review_required, c.loaded_at
  FROM flagged_deaths d
  JOIN certificates c ON c.record_id = d.record_id AND c.is_current AND NOT c.voided
  LEFT JOIN last_decision l ON l.source = 'deaths' AND l.record_id = d.record_id
  LEFT JOIN latest_check k ON k.record_id = d.record_id AND k.human_coded_at = d.coded_at AND NOT k.agrees
  WHERE item_jurisdiction = '' OR c.jurisdiction = item_jurisdiction
),
ed_items AS (
  SELECT 'ed' AS source, v.record_id, CAST(NULL AS VARCHAR) AS jurisdiction, e.patient_county_fips AS county_fips,
    strftime(e.visit_datetime, '%Y-%m-%d') AS event_date, e.chief_complaint AS summary,
    v.coder, CAST(NULL AS VARCHAR) AS underlying_cause, v.codes,
    -- A drug poisoning (T36-T50 classes; alcohol T51 is not a drug overdose) or the CDC all-drug syndrome.
    len(list_filter(v.drug_classes, x -> x < 'T51')) > 0 OR list_contains(v.syndromes, 'all_drug') AS overdose,
    v.review_reasons, l.decided_reasons, l.decided_at, CAST(NULL AS TIMESTAMPTZ) AS checked_at, CAST(NULL AS VARCHAR) AS check_lexicon, CAST(NULL AS VARCHAR) AS check_cause,
    v.coder LIKE 'human:%' AS human, false AS disputed,
    l.decision = 'accept' AND list_sort(l.decided_codes) = list_sort(v.codes) AS accepted,
    v.review_required, e.loaded_at
  FROM flagged_visits v
  JOIN ed_visits e ON e.record_id = v.record_id AND e.is_current
  LEFT JOIN last_decision l ON l.source = 'ed' AND l.record_id = v.record_id
  WHERE item_state_fips = '' OR substr(e.patient_county_fips, 1, 2) = item_state_fips
)
SELECT source, record_id, source || '-' || record_id AS item_id, jurisdiction, county_fips, event_date, summary, coder,
  underlying_cause, codes, overdose,
  CASE
    WHEN human AND disputed THEN 'pending'
    WHEN human THEN 'corrected'
    WHEN accepted THEN 'accepted'
    WHEN review_required THEN 'pending'
  END AS state,
  CASE
    WHEN human AND disputed THEN ['automated recode disagrees with the human coding: ' || check_lexicon || ' codes ' || coalesce(check_cause, 'no underlying cause')]
    WHEN human THEN coalesce(decided_reasons, []::VARCHAR[])
    ELSE review_reasons
  END AS reasons,
  CASE WHEN human AND disputed THEN checked_at ELSE greatest(loaded_at, decided_at) END AS pending_since,
  decided_at
FROM (SELECT * FROM death_items UNION ALL SELECT * FROM ed_items);
