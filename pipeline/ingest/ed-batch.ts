/**
 * ED visit batches (ED CSV, ED NDJSON, HL7 v2 ADT) through the same batch runner as certificates:
 * read, validate, code, evaluate syndromes, stage (the visits as a typed CSV file that DuckDB
 * reads, staging-csv.ts; each distinct coded result once, with the Appender), then one transaction
 * (commit_ed_visits.sql) that versions visits by (facility_id, visit_id). Every visit is coded
 * with the coding the batch started with; its coder and lexicon version (the ED overlay version
 * when approved terms reach ED) are recorded on each coding.
 *
 * ED CSV goes in bulk when it can (ed-csv-bulk.ts: DuckDB reads the raw file, each distinct value
 * is validated and each distinct text coded once), else row by row like the other formats, in the
 * coding workers when there are some.
 */
import fs from 'node:fs';
import { VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { edColumnPositions, edRecordResult } from '../formats/ed-csv.ts';
import type { Logger } from 'pino';
import { readEdFeed, type EdFormat } from '../formats/ed-feed.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
import type { BatchPlan, IncomingBatch, IngestContext, StagedCounts } from './batch-runner.ts';
import type { CodingPool } from './coding-pool.ts';
import { batchEdCoding } from './ed-coding.ts';
import { stageEdCsvInBulk } from './ed-csv-bulk.ts';
import { STAGED_VISIT_COLUMNS, stageEdResults, type EdCoding, type StagedEdChunk } from './ed-staging.ts';
import { readStagingCsv, stagingFileFor, type StagingCsvFile } from './staging-csv.ts';
import { StagingSink, stagingName, type StagingTables } from './staging-sink.ts';
import { stageCsvInWorkers } from './worker-chunks.ts';

const loaderSql = readSqlFiles('loader');
const ED_STAGING: StagingTables = {
  createSql: loaderSql.get('create_ed_staging')!,
  codedTable: 'staging_ed_coded',
  codedTypes: [VARCHAR],
  loadSql: loaderSql.get('load_ed_staging')!.replaceAll('{{read_staging}}', readStagingCsv(STAGED_VISIT_COLUMNS)),
};

export function edPlan(context: Pick<IngestContext, 'db' | 'pool' | 'logger' | 'csvBulk'> & { edCoding: () => EdCoding }, format: EdFormat): BatchPlan {
  // One coding for the whole batch, even if definitions change or a term is approved while it
  // loads: asked for when the batch starts (the approved terms are read then), recorded at commit.
  let used: EdCoding | null = null;
  return {
    kind: 'ed',
    format,
    stage: async (connection, batch) => {
      used = await batchEdCoding(connection, context.edCoding());
      return stageEdFile(connection, (table) => stagingFileFor(context.db.path, batch.batchId, table), batch, format, used, context.pool ?? null, context.logger, context.csvBulk !== false);
    },
    commit: async (connection, batch, log) => {
      const c = used!;
      await runScript(connection, loaderSql.get('commit_ed_visits')!, {
        batch_id: batch.batchId,
        loaded_at: new Date().toISOString(),
        coder: c.coder.coderVersion,
        lexicon_version: c.coder.lexiconVersion,
        syndrome_set: c.syndromeSet,
      }, (statement, ms) => log.debug({ ms: Math.round(ms), statement: statement.slice(0, 80) }, 'commit statement'));
      const counted = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM versioned_ed_visits');
      return Number(counted.getRowObjects()[0]!.n);
    },
  };
}

async function stageEdFile(
  connection: DuckDBConnection,
  stagingFile: (table: string) => StagingCsvFile,
  batch: IncomingBatch,
  format: EdFormat,
  coding: EdCoding,
  pool: CodingPool | null,
  log: Logger,
  bulk: boolean,
): Promise<StagedCounts> {
  const sink = await StagingSink.open(connection, stagingFile('ed_visits'), ED_STAGING);
  const staging = stagingName(batch.batchId);
  const input = fs.createReadStream(batch.raw.path);
  const progress = () => batch.onProgress?.(sink.valid + sink.rejected, input.bytesRead);
  try {
    if (format === 'ed-csv' && bulk && (await stageEdCsvInBulk(connection, batch.raw.path, sink, coding, { staging, jurisdiction: batch.jurisdiction, log, onProgress: batch.onProgress, stagingFile }))) {
      // staged by DuckDB's reader (ed-csv-bulk.ts)
    } else if (format === 'ed-csv' && pool && coding.portable) {
      await stageInWorkers(input, pool, coding, { staging, jurisdiction: batch.jurisdiction }, (chunk) => {
        sink.add(chunk);
        progress();
      });
    } else {
      for await (const results of readEdFeed(input, format)) {
        sink.add(stageEdResults(results, coding, { staging, firstSeq: sink.valid, jurisdiction: batch.jurisdiction }));
        progress();
      }
    }
  } catch (error) {
    sink.discard();
    throw error;
  } finally {
    input.destroy();
  }
  return sink.finish(connection);
}

/**
 * ED CSV through the coding workers (worker-chunks.ts), as certificates: each worker parses,
 * validates and codes its chunk with the batch's coding, rebuilt from its portable form.
 */
function stageInWorkers(
  input: fs.ReadStream,
  pool: CodingPool,
  coding: EdCoding,
  options: { staging: string; jurisdiction: string | null },
  accept: (chunk: StagedEdChunk) => void,
): Promise<void> {
  const portable = coding.portable!;
  return stageCsvInWorkers(input, {
    header: (first, rest) => {
      const header = { positions: edColumnPositions(first.fields), headerLength: first.fields.length };
      const results = rest.map((r) => edRecordResult(r.line, r.fields, header.positions, header.headerLength));
      return { header, staged: results.length > 0 ? stageEdResults(results, coding, { ...options, firstSeq: 0 }) : null };
    },
    post: (chunk, header, firstSeq) => pool.stageEd({ kind: 'ed-csv-text', ...chunk, ...options, ...header, firstSeq }, portable),
    accept,
    inFlight: pool.size * 3,
    emptyFile: 'the file is empty: expected the ED visit header and at least one record',
  });
}
