/**
 * Recoding ED visits: a visit whose current automated result came from another ED coder or
 * lexicon version, or was evaluated against another set of active syndrome definitions, is coded
 * and evaluated again, a chunk at a time, each chunk in one transaction; the earlier result is
 * kept. So every visit ends up evaluated against every active definition, including one a user
 * added after the visit was loaded.
 *
 * The lexicon version is the committed ED tables plus the approved terms that reach ED
 * (pipeline/ingest/ed-coding.ts), whatever coding the caller holds: the process's source's
 * current one, read when the recode starts. After an approval, `recodeEdVisitsWithTerms` codes
 * the visits whose text contains the term at once; the nightly job codes every other stale one
 * (a misspelling the matcher corrects included).
 *
 * A visit a coder corrected (coder 'human:<token id>') is never re-coded: its codes are the
 * coder's. Its syndromes are evaluated again when the definitions change (they read the visit's
 * text and submitted diagnoses, not the codes), as a new version of the human coding.
 */
import { BIGINT, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { withApprovedEdTerms } from '../ingest/ed-coding.ts';
import type { EdCoding } from '../ingest/ed-staging.ts';
import { codeEdVisit } from '../ingest/ed-staging.ts';
import type { Mutex } from '../ingest/mutex.ts';
import type { EdVisit } from '../records/ed-visit.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import type { Database } from '../store/database.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
import { inTransaction } from '../store/transaction.ts';

export interface EdRecodeSummary {
  coder: string;
  /** The ED lexicon version the recode coded with (the overlay version when approved terms reach ED). */
  lexiconVersion: string;
  syndromeSet: string;
  recoded: number;
  /** Of those, how many got another set of syndromes. */
  syndromesChanged: number;
  chunks: number;
  /** Human-coded visits evaluated against the current syndrome definitions (their codes kept). */
  humanSyndromesRefreshed: number;
}

const loaderSql = readSqlFiles('loader');

const VISIT_COLUMNS = `e.record_id, e.visit_id, e.facility_id, strftime(e.visit_datetime, '%Y-%m-%dT%H:%M:%S') AS visit_datetime, e.age, e.sex,
  e.patient_county_fips, e.chief_complaint, e.triage_note, e.discharge_diagnoses, c.syndromes AS previous_syndromes`;

const SELECT_STALE = `
SELECT ${VISIT_COLUMNS}
FROM coded_ed_visits c JOIN ed_visits e USING (record_id)
WHERE c.is_current AND c.coder LIKE 'vigil-ed-coder/%'
  AND (c.coder <> $coder OR c.lexicon_version <> $lexicon_version OR c.syndrome_set <> $syndrome_set)
  AND e.record_id > $after
ORDER BY e.record_id
LIMIT $limit`;

/**
 * After an approval: current visit versions whose current coding is automated and not yet this
 * coder's and lexicon's, with a chief complaint or triage note containing one of the terms as
 * whole words after the coders' normalisation (normaliseText: lower case, no accents,
 * non-alphanumerics as one space), as lexicon_affected_certificates.sql does for certificates.
 * Human codings are not selected: a recode never retires them. Misspelled forms the matcher
 * would correct are not found here; the nightly recode codes them.
 */
const SELECT_WITH_TERMS = `
SELECT ${VISIT_COLUMNS}
FROM coded_ed_visits c JOIN ed_visits e ON e.record_id = c.record_id AND e.is_current
WHERE c.is_current AND c.coder LIKE 'vigil-ed-coder/%'
  AND (c.coder <> $coder OR c.lexicon_version <> $lexicon_version)
  AND e.record_id > $after
  -- A cheap first cut: the term's first word appears in the lower-cased text.
  AND list_bool_or(list_transform(from_json($terms, '["VARCHAR"]'),
        t -> contains(lower(strip_accents(concat_ws(' ', e.chief_complaint, e.triage_note))), split_part(t, ' ', 1))))
  AND list_bool_or(list_transform([e.chief_complaint, e.triage_note],
        field -> list_bool_or(list_transform(from_json($terms, '["VARCHAR"]'),
          t -> contains(' ' || trim(regexp_replace(lower(strip_accents(coalesce(field, ''))), '[^a-z0-9]+', ' ', 'g')) || ' ', ' ' || t || ' ')))))
ORDER BY e.record_id
LIMIT $limit`;

/** Human codings evaluated against other syndrome definitions than the active ones. */
const SELECT_HUMAN_STALE_SYNDROMES = `
SELECT ${VISIT_COLUMNS}
FROM coded_ed_visits c JOIN ed_visits e USING (record_id)
WHERE c.is_current AND c.coder LIKE 'human:%' AND c.syndrome_set <> $syndrome_set
  AND e.record_id > $after
ORDER BY e.record_id
LIMIT $limit`;

function visitOf(row: Record<string, unknown>): EdVisit {
  return {
    visitId: String(row.visit_id),
    facilityId: String(row.facility_id),
    visitDatetime: String(row.visit_datetime),
    age: row.age === null ? null : Number(row.age),
    sex: (row.sex as EdVisit['sex']) ?? null,
    patientCountyFips: row.patient_county_fips === null ? null : String(row.patient_county_fips),
    chiefComplaint: row.chief_complaint === null ? null : String(row.chief_complaint),
    triageNote: row.triage_note === null ? null : String(row.triage_note),
    dischargeDiagnoses: (row.discharge_diagnoses as string[] | null) ?? [],
  };
}

/** Run in the commit's transaction: drops the staged results of visits a coder corrected meanwhile. */
const KEEP_HUMAN_CODINGS = `DELETE FROM staging_ed_recode WHERE record_id IN (SELECT record_id FROM coded_ed_visits WHERE is_current AND coder LIKE 'human:%')`;

type Select = (connection: DuckDBConnection, after: bigint, limit: number) => Promise<Record<string, unknown>[]>;

/** Re-codes stale automated results with the approved terms, then refreshes the syndromes of human codings (their codes kept). */
export async function recodeStaleEd(db: Database, coding: EdCoding, commitLock: Mutex, chunkSize = 20_000): Promise<EdRecodeSummary> {
  const effective = await withApprovedEdTerms(db.connection, coding);
  const versions = versionsOf(effective);
  const select: Select = async (connection, after, limit) => (await connection.runAndReadAll(SELECT_STALE, { ...versions, after, limit })).getRowObjectsJson();
  return recodeSelected(db, effective, commitLock, chunkSize, select, true);
}

/**
 * After a term is approved: re-codes the current ED visits whose text contains one of `terms`
 * (normalised) and whose automated coding is not this coder's and lexicon's. `coding` must
 * already have the terms (a source's current coding). Human codings are kept as they are.
 */
export async function recodeEdVisitsWithTerms(db: Database, coding: EdCoding, commitLock: Mutex, terms: readonly string[], chunkSize = 20_000): Promise<EdRecodeSummary> {
  const versions = versionsOf(coding);
  const select: Select = async (connection, after, limit) =>
    (await connection.runAndReadAll(SELECT_WITH_TERMS, { coder: versions.coder, lexicon_version: versions.lexicon_version, terms: JSON.stringify(terms), after, limit })).getRowObjectsJson();
  return recodeSelected(db, coding, commitLock, chunkSize, select, false);
}

function versionsOf(coding: EdCoding) {
  return { coder: coding.coder.coderVersion, lexicon_version: coding.coder.lexiconVersion, syndrome_set: coding.syndromeSet };
}

async function recodeSelected(db: Database, coding: EdCoding, commitLock: Mutex, chunkSize: number, select: Select, refreshHumans: boolean): Promise<EdRecodeSummary> {
  const summary: EdRecodeSummary = {
    coder: coding.coder.coderVersion, lexiconVersion: coding.coder.lexiconVersion, syndromeSet: coding.syndromeSet, recoded: 0, syndromesChanged: 0, chunks: 0, humanSyndromesRefreshed: 0,
  };
  const connection = await db.connect();
  const versions = versionsOf(coding);
  try {
    let after = 0n;
    for (;;) {
      const rows = await select(connection, after, chunkSize);
      if (rows.length === 0) break;
      after = BigInt(String(rows[rows.length - 1]!.record_id));
      await runScript(connection, loaderSql.get('create_ed_recode_staging')!);
      const appender = await ChunkAppender.create(connection, 'staging_ed_recode', [BIGINT, VARCHAR]);
      try {
        for (const row of rows) {
          const { coded, syndromes, contract } = codeEdVisit(visitOf(row), coding);
          const previous = (row.previous_syndromes as string[] | null) ?? [];
          if (previous.length !== syndromes.length || previous.some((s, i) => s !== syndromes[i])) summary.syndromesChanged++;
          appender.add([BigInt(String(row.record_id)), JSON.stringify({ ...contract, drug_classes: [...new Set(coded.drugs.map((d) => d.deathClass))] })]);
          summary.recoded++;
        }
      } finally {
        appender.close();
      }
      await commitLock.run(() =>
        inTransaction(connection, async () => {
          // A coder may have corrected a visit since it was selected: its coding is theirs now, and stays current.
          await connection.run(KEEP_HUMAN_CODINGS);
          await runScript(connection, loaderSql.get('commit_ed_recode')!, { ...versions, coded_at: new Date().toISOString() });
        }),
      );
      summary.chunks++;
    }
    if (refreshHumans) summary.humanSyndromesRefreshed = await refreshHumanSyndromes(connection, coding, commitLock, chunkSize);
  } finally {
    connection.closeSync();
  }
  return summary;
}

/** Evaluates human-coded visits against the active definitions; returns how many. */
async function refreshHumanSyndromes(connection: DuckDBConnection, coding: EdCoding, commitLock: Mutex, chunkSize: number): Promise<number> {
  let refreshed = 0;
  let after = 0n;
  for (;;) {
    const rows = (await connection.runAndReadAll(SELECT_HUMAN_STALE_SYNDROMES, { syndrome_set: coding.syndromeSet, after, limit: chunkSize })).getRowObjectsJson();
    if (rows.length === 0) break;
    after = BigInt(String(rows[rows.length - 1]!.record_id));
    await runScript(connection, loaderSql.get('create_ed_human_syndrome_staging')!);
    const appender = await ChunkAppender.create(connection, 'staging_ed_human_syndromes', [BIGINT, VARCHAR]);
    try {
      for (const row of rows) appender.add([BigInt(String(row.record_id)), JSON.stringify(coding.syndromes.evaluate(visitOf(row)))]);
    } finally {
      appender.close();
    }
    await commitLock.run(() =>
      inTransaction(connection, () => runScript(connection, loaderSql.get('commit_ed_human_syndromes')!, { syndrome_set: coding.syndromeSet, coded_at: new Date().toISOString() })),
    );
    refreshed += rows.length;
  }
  return refreshed;
}
