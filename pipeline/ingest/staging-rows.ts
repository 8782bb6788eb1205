/**
 * What one certificate becomes for the staging table, and the rows of a rejected record: the
 * same code whether it runs on the main thread or in a coding worker.
 */
import type { DeathCoder } from '../coding/deaths/types.ts';
import { fromTemplateResult, stageDeathRecords } from './death-records.ts';
import { brokenChunk, type StagingPlace } from './staging-csv.ts';
import { mapRecord, validateRowRecord, type CertificateRowRecord } from '../formats/certificate-csv.ts';
import { CsvParser, CsvSyntaxError } from '../formats/csv.ts';

/** [line, record id, field, message] */
export type ErrorRow = [number, string | null, string | null, string];

/** What a chunk of certificates becomes for staging (certificate-batch.ts). */
export interface StagedBatch {
  /** Rows of the staging file of staging_certificates, in STAGED_CERTIFICATE_COLUMNS order (staging-csv.ts dialect). */
  rows: string;
  /** [coded id, coded JSON (the contract without the certificate id), is drug overdose] for staging_death_coded. */
  coded: [number, string, boolean][];
  errors: ErrorRow[];
  valid: number;
  rejected: number;
  /** Set when the chunk's CSV is broken (the whole file is then rejected). */
  syntaxError?: { line: number; message: string };
}

/** A chunk of whole records of a template file, with the header's column positions. */
export interface CsvTextRequest {
  kind: 'csv-text';
  text: string;
  firstLine: number;
  positions: [string, number][];
  headerLength: number;
}

export type StageRequest = (CsvTextRequest | { kind: 'records'; records: CertificateRowRecord[] }) & StagingPlace;

/** Parses a chunk of template records, then validates and codes them (stageRecords). */
export function stageCsvText(request: CsvTextRequest & StagingPlace, coder: DeathCoder): StagedBatch {
  const parser = new CsvParser(request.firstLine);
  let records;
  try {
    records = parser.end(parser.push(request.text));
  } catch (error) {
    if (error instanceof CsvSyntaxError) return brokenChunk(error);
    throw error;
  }
  const positions = new Map(request.positions);
  return stageRecords(records.map((record) => mapRecord(record, positions, request.headerLength)), coder, request);
}

/**
 * Validates and codes records. With `jurisdiction`, a record of another jurisdiction is rejected:
 * an office loads its own certificates only.
 */
export function stageRecords(records: readonly CertificateRowRecord[], coder: DeathCoder, place: StagingPlace): StagedBatch {
  return stageDeathRecords(records.map((record) => fromTemplateResult(validateRowRecord(record))), coder, place);
}
