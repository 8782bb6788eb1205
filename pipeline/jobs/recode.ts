/**
 * The recode job: certificates whose current automated coding was made by another coder or
 * lexicon version are coded again, a chunk at a time, each chunk in one transaction. The earlier
 * result stays in coded_deaths (no longer current). Only automated results are replaced: a
 * human coder's correction is never overwritten by a machine.
 */
import { BIGINT, BOOLEAN, VARCHAR } from '@duckdb/node-api';
import { isDrugOverdoseCause } from '../coding/deaths/overdose-cause.ts';
import { toContractJson, type DeathCoder } from '../coding/deaths/types.ts';
import type { CertificateRow } from '../records/certificate.ts';
import { validateCertificateRow } from '../records/certificate-schema.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import type { Mutex } from '../ingest/mutex.ts';
import type { Database } from '../store/database.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
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
}

const loaderSql = readSqlFiles('loader');
const AUTOMATED = 'vigil-death-coder/%';

/** The template columns as stored, read back as the strings an upload would carry. */
const SELECT_STALE = `
SELECT c.record_id, c.certificate_id, c.jurisdiction, coalesce(strftime(c.death_date, '%Y-%m-%d'), '') AS death_date,
  coalesce(CAST(c.age AS VARCHAR), '') AS age, coalesce(c.sex, '') AS sex,
  coalesce(c.residence_county_fips, '') AS residence_county_fips, coalesce(c.occurrence_county_fips, '') AS occurrence_county_fips,
  coalesce(c.manner, '') AS manner, coalesce(c.part1_a, '') AS part1_a, coalesce(c.part1_b, '') AS part1_b,
  coalesce(c.part1_c, '') AS part1_c, coalesce(c.part1_d, '') AS part1_d, coalesce(c.part2, '') AS part2,
  coalesce(c.how_injury, '') AS how_injury, coalesce(c.interval_a, '') AS interval_a, coalesce(c.interval_b, '') AS interval_b,
  coalesce(c.interval_c, '') AS interval_c, coalesce(c.interval_d, '') AS interval_d,
  coalesce(strftime(c.injury_date, '%Y-%m-%d'), '') AS injury_date, coalesce(c.injury_place, '') AS injury_place,
  coalesce(c.race, '') AS race, coalesce(c.hispanic, '') AS hispanic, coalesce(c.autopsy, '') AS autopsy,
  coalesce(c.tobacco, '') AS tobacco, coalesce(c.pregnancy, '') AS pregnancy,
  d.underlying_cause AS previous_cause
FROM coded_deaths d JOIN certificates c USING (record_id)
WHERE d.is_current AND d.coder LIKE '${AUTOMATED}' AND (d.coder <> $coder OR d.lexicon_version <> $lexicon_version)
  AND c.record_id > $after
ORDER BY c.record_id
LIMIT $limit`;

/** How many current automated results another coder or lexicon version made. */
export async function countStale(db: Database, coder: DeathCoder): Promise<number> {
  const rows = (
    await db.connection.runAndReadAll(
      `SELECT count(*)::INTEGER AS n FROM coded_deaths WHERE is_current AND coder LIKE '${AUTOMATED}' AND (coder <> $coder OR lexicon_version <> $lexicon_version)`,
      { coder: coder.coderVersion, lexicon_version: coder.lexiconVersion },
    )
  ).getRowObjects();
  return Number(rows[0]!.n);
}

/** Re-codes stale results; `commitLock` is the one batch commits take, so the two never interleave. */
export async function recodeStale(db: Database, coder: DeathCoder, commitLock: Mutex, chunkSize = 20_000): Promise<RecodeSummary> {
  const summary: RecodeSummary = { coder: coder.coderVersion, lexiconVersion: coder.lexiconVersion, recoded: 0, underlyingCauseChanged: 0, invalid: 0, chunks: 0 };
  const connection = await db.connect();
  try {
    let after = 0n;
    for (;;) {
      const rows = (
        await connection.runAndReadAll(SELECT_STALE, { coder: coder.coderVersion, lexicon_version: coder.lexiconVersion, after, limit: chunkSize })
      ).getRowObjects();
      if (rows.length === 0) break;
      after = rows[rows.length - 1]!.record_id as bigint;
      await runScript(connection, loaderSql.get('create_recode_staging')!);
      const appender = await ChunkAppender.create(connection, 'staging_recode', [BIGINT, VARCHAR, BOOLEAN]);
      try {
        for (const row of rows) {
          const validated = validateCertificateRow(row as unknown as CertificateRow);
          if (!validated.ok) {
            summary.invalid++;
            continue;
          }
          const coded = coder.code(validated.certificate);
          if (coded.underlyingCause !== (row.previous_cause ?? null)) summary.underlyingCauseChanged++;
          appender.add([row.record_id as bigint, JSON.stringify(toContractJson(coded)), isDrugOverdoseCause(coded.underlyingCause)]);
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
  } finally {
    connection.closeSync();
  }
  return summary;
}
