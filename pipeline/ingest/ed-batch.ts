/**
 * ED visit batches (ED CSV, ED NDJSON, HL7 v2 ADT) through the same batch runner as certificates:
 * read, validate, code, evaluate syndromes, stage with the Appender, then one transaction
 * (commit_ed_visits.sql) that versions visits by (facility_id, visit_id). Every visit is coded on
 * this thread with the coding the batch started with; its coder and lexicon version (the ED
 * overlay version when approved terms reach ED) are recorded on each coding.
 */
import fs from 'node:fs';
import { INTEGER, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import { readEdFeed, type EdFormat } from '../formats/ed-feed.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
import type { BatchPlan, IncomingBatch, StagedCounts } from './batch-runner.ts';
import { batchEdCoding } from './ed-coding.ts';
import { stageEdResults, type EdCoding } from './ed-staging.ts';

const loaderSql = readSqlFiles('loader');
const STAGING_TYPES = [INTEGER, INTEGER, VARCHAR, VARCHAR];
const ERROR_TYPES = [INTEGER, VARCHAR, VARCHAR, VARCHAR];

export function edPlan(coding: () => EdCoding, format: EdFormat): BatchPlan {
  // One coding for the whole batch, even if definitions change or a term is approved while it
  // loads: asked for when the batch starts (the approved terms are read then), recorded at commit.
  let used: EdCoding | null = null;
  return {
    kind: 'ed',
    format,
    stage: async (connection, batch) => {
      used = await batchEdCoding(connection, coding());
      return stageEdFile(connection, batch, format, used);
    },
    commit: async (connection, batch) => {
      const c = used!;
      await runScript(connection, loaderSql.get('commit_ed_visits')!, {
        batch_id: batch.batchId,
        loaded_at: new Date().toISOString(),
        coder: c.coder.coderVersion,
        lexicon_version: c.coder.lexiconVersion,
        syndrome_set: c.syndromeSet,
      });
      const counted = await connection.runAndReadAll('SELECT count(*)::INTEGER AS n FROM versioned_ed_visits');
      return Number(counted.getRowObjects()[0]!.n);
    },
  };
}

async function stageEdFile(connection: DuckDBConnection, batch: IncomingBatch, format: EdFormat, coding: EdCoding): Promise<StagedCounts> {
  await runScript(connection, loaderSql.get('create_ed_staging')!);
  const records = await ChunkAppender.create(connection, 'staging_ed_visits', STAGING_TYPES);
  const errors = await ChunkAppender.create(connection, 'staging_errors', ERROR_TYPES);
  const input = fs.createReadStream(batch.raw.path);
  let seq = 0;
  let valid = 0;
  let rejected = 0;
  try {
    for await (const results of readEdFeed(input, format)) {
      const staged = stageEdResults(results, coding, batch.jurisdiction);
      for (const row of staged.rows) records.add([seq++, ...row]);
      for (const error of staged.errors) errors.add(error);
      valid += staged.rows.length;
      rejected += staged.rejected;
      batch.onProgress?.(valid + rejected, input.bytesRead);
    }
  } finally {
    input.destroy();
    records.close();
    errors.close();
  }
  return { recordsRead: valid + rejected, recordsValid: valid, recordsRejected: rejected };
}
