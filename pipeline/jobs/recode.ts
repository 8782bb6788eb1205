/**
 * The recode job: certificates whose current automated coding was made by another coder or
 * lexicon version are coded again, a chunk at a time, each chunk in one transaction. The earlier
 * result stays in coded_deaths (no longer current).
 *
 * The lexicon is the committed one plus the terms approved at run time (lexicon_overlay_terms,
 * pipeline/review/lexicon-overlay.ts), whatever the caller's coder was built from. Given the
 * process's DeathCodingSource (or the runtime's coder, which comes from it), the job codes with the
 * same coder new batches use, read when the job starts.
 *
 * Human codings are never retired by a machine. The rule: a record whose current coding is a
 * human's is skipped by recoding; instead the automated coder codes it and the result is stored
 * as a check (human_coding_checks), once per coder and lexicon version. A check that disagrees
 * (another underlying cause or set of multiple causes) puts the record back in the review queue,
 * where a coder keeps or changes the human coding.
 */
import { BIGINT, BOOLEAN, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { isDrugOverdoseCause } from '../coding/deaths/overdose-cause.ts';
import { toContractJson, type DeathCoder } from '../coding/deaths/types.ts';
import type { CertificateRow } from '../records/certificate.ts';
import { validateCertificateRow } from '../records/certificate-schema.ts';
import { approvedLexiconVersion, DeathCodingSource, withApprovedTerms } from '../review/lexicon-overlay.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import type { Mutex } from '../ingest/mutex.ts';
import type { Database } from '../store/database.ts';
import { QueryCatalog, readSqlFiles, runScript, type Row } from '../store/sql-files.ts';
import { inTransaction } from '../store/transaction.ts';

export interface RecodeSummary {
  coder: string;
  lexiconVersion: string;
  /** Certificate versions re-coded. */
  recoded: number;
  /** Of those, how many got another underlying cause. */
  underlyingCauseChanged: number;
  /** Stored certificates the current validation refuses (left as they are, and reported). */
  invalid: number;
  chunks: number;
  /** Human codings checked against the automated coder (left current). */
  humanChecked: number;
  /** Of those, how many the automated coder disagrees with (back in the review queue). */
  humanDisagreements: number;
}

const loaderSql = readSqlFiles('loader');
const queries = new QueryCatalog();
const AUTOMATED = 'vigil-death-coder/%';

/** Current automated results another coder or lexicon version made. */
const SELECT_STALE = `
SELECT d.record_id, d.underlying_cause AS previous_cause
FROM coded_deaths d JOIN certificates c USING (record_id)
WHERE d.is_current AND d.coder LIKE '${AUTOMATED}' AND (d.coder <> $coder OR d.lexicon_version <> $lexicon_version)
  AND c.record_id > $after
ORDER BY c.record_id
LIMIT $limit`;

/** The coder a recode runs with: the source's current one, or `coder` with the approved terms. */
async function recodingCoder(db: Database, coding: DeathCoder | DeathCodingSource): Promise<DeathCoder> {
  return coding instanceof DeathCodingSource ? (await coding.current(db.connection, queries)).coder : withApprovedTerms(db.connection, queries, coding);
}

/** How many current automated results another coder or lexicon version made. */
export async function countStale(db: Database, coding: DeathCoder | DeathCodingSource): Promise<number> {
  const coder = coding instanceof DeathCodingSource ? (await coding.current(db.connection, queries)).coder : coding;
  const lexiconVersion = await approvedLexiconVersion(db.connection, queries, coder);
  const rows = (
    await db.connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM coded_deaths WHERE is_current AND coder LIKE '${AUTOMATED}' AND (coder <> $coder OR lexicon_version <> $lexicon_version)`,
      { coder: coder.coderVersion, lexicon_version: lexiconVersion },
    )
  ).getRowObjects();
  return Number(rows[0]!.n);
}

type Select = (connection: DuckDBConnection, after: bigint, limit: number) => Promise<Row[]>;

/** Re-codes stale results, then checks human codings; `commitLock` is the one batch commits take, so the two never interleave. */
export async function recodeStale(db: Database, coding: DeathCoder | DeathCodingSource, commitLock: Mutex, chunkSize = 20_000): Promise<RecodeSummary> {
  const effective = await recodingCoder(db, coding);
  const versions = { coder: effective.coderVersion, lexicon_version: effective.lexiconVersion };
  const select: Select = async (connection, after, limit) => (await connection.runAndReadAll(SELECT_STALE, { ...versions, after, limit })).getRowObjects();
  return recodeSelected(db, effective, commitLock, chunkSize, select, '[]');
}

/**
 * After a term is approved: re-codes the certificates whose cause text contains one of `terms`
 * (normalised), and checks the human codings among them. `coder` must already have the terms.
 */
export async function recodeCertificatesWithTerms(db: Database, coder: DeathCoder, commitLock: Mutex, terms: readonly string[], chunkSize = 20_000): Promise<RecodeSummary> {
  const versions = { coder: coder.coderVersion, lexicon_version: coder.lexiconVersion, terms: JSON.stringify(terms) };
  const select: Select = (connection, after, limit) => queries.rows(connection, 'lexicon_affected_certificates', { ...versions, after, limit });
  return recodeSelected(db, coder, commitLock, chunkSize, select, JSON.stringify(terms));
}

async function recodeSelected(db: Database, coder: DeathCoder, commitLock: Mutex, chunkSize: number, select: Select, checkTerms: string): Promise<RecodeSummary> {
  const summary: RecodeSummary = {
    coder: coder.coderVersion, lexiconVersion: coder.lexiconVersion, recoded: 0, underlyingCauseChanged: 0, invalid: 0, chunks: 0, humanChecked: 0, humanDisagreements: 0,
  };
  const connection = await db.connect();
  try {
    let after = 0n;
    for (;;) {
      const selected = await select(connection, after, chunkSize);
      if (selected.length === 0) break;
      after = BigInt(String(selected[selected.length - 1]!.record_id));
      const previousCause = new Map(selected.map((r) => [String(r.record_id), r.previous_cause ?? null]));
      const rows = await certificateRows(connection, selected);
      await runScript(connection, loaderSql.get('create_recode_staging')!);
      const appender = await ChunkAppender.create(connection, 'staging_recode', [BIGINT, VARCHAR, BOOLEAN]);
      try {
        for (const row of rows) {
          const coded = codeRow(coder, row);
          if (coded === null) {
            summary.invalid++;
            continue;
          }
          if (coded.underlyingCause !== previousCause.get(String(row.record_id))) summary.underlyingCauseChanged++;
          appender.add([BigInt(String(row.record_id)), JSON.stringify(toContractJson(coded)), isDrugOverdoseCause(coded.underlyingCause)]);
          summary.recoded++;
        }
      } finally {
        appender.close();
      }
      await commitLock.run(() =>
        inTransaction(connection, () =>
          runScript(connection, loaderSql.get('commit_recode')!, { coded_at: new Date().toISOString(), coder: coder.coderVersion, lexicon_version: coder.lexiconVersion }),
        ),
      );
      summary.chunks++;
    }
    await checkHumanCodings(connection, coder, commitLock, chunkSize, checkTerms, summary);
  } finally {
    connection.closeSync();
  }
  return summary;
}

/** Codes the human codings not yet checked at this coder and lexicon version, and stores the checks. */
async function checkHumanCodings(connection: DuckDBConnection, coder: DeathCoder, commitLock: Mutex, chunkSize: number, terms: string, summary: RecodeSummary): Promise<void> {
  const versions = { coder: coder.coderVersion, lexicon_version: coder.lexiconVersion };
  let after = 0n;
  for (;;) {
    const selected = await queries.rows(connection, 'review_human_codings_to_check', { ...versions, terms, after, limit: chunkSize });
    if (selected.length === 0) break;
    after = BigInt(String(selected[selected.length - 1]!.record_id));
    const humanVersion = new Map(selected.map((r) => [String(r.record_id), String(r.human_version)]));
    const rows = await certificateRows(connection, selected);
    await runScript(connection, loaderSql.get('create_human_check_staging')!);
    const appender = await ChunkAppender.create(connection, 'staging_human_checks', [BIGINT, VARCHAR, VARCHAR]);
    try {
      for (const row of rows) {
        const coded = codeRow(coder, row);
        if (coded === null) continue;
        appender.add([BigInt(String(row.record_id)), humanVersion.get(String(row.record_id))!, JSON.stringify(toContractJson(coded))]);
      }
    } finally {
      appender.close();
    }
    const checkedAt = new Date().toISOString();
    await commitLock.run(() => inTransaction(connection, () => runScript(connection, loaderSql.get('commit_human_checks')!, { ...versions, checked_at: checkedAt })));
    const [counts] = await queries.rows(connection, 'review_check_counts', { ...versions, checked_at: checkedAt });
    summary.humanChecked += Number(counts!.checked);
    summary.humanDisagreements += Number(counts!.disagreements);
  }
}

async function certificateRows(connection: DuckDBConnection, selected: readonly Row[]): Promise<Row[]> {
  return queries.rows(connection, 'review_certificate_rows', { record_ids: JSON.stringify(selected.map((r) => String(r.record_id))) });
}

/** The coder's result for a stored certificate, or null when today's validation refuses it. */
function codeRow(coder: DeathCoder, row: Row) {
  const validated = validateCertificateRow(row as unknown as CertificateRow);
  return validated.ok ? coder.code(validated.certificate) : null;
}
