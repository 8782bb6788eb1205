/**
 * ED CSV staged by DuckDB's own reader, for speed: an ED feed is mostly the same few thousand
 * facilities, ages, counties and code lists, and triage texts that recur, so instead of parsing,
 * validating and coding a million visits one by one in JavaScript, DuckDB reads the raw file on
 * its threads, and JavaScript sees each distinct value once:
 *
 * 1. DuckDB reads the file, every column as text, in file order (csv-bulk-read.ts).
 * 2. The few-valued columns (facility, age, sex, county) are validated per distinct value with
 *    the row validator's own field rules (ed-visit-schema.ts), and the county by jurisdiction.
 * 3. Each distinct (chief complaint, triage note, diagnoses, under-6) is validated and coded once
 *    (bulk_ed_keys.sql) with the code every ED path codes with (ed-staging.ts). The keys and
 *    their coded results pass through staging files, not lists: nothing here grows with the file.
 * 4. Every row whose fields all passed goes into staging_ed_visits in one statement
 *    (bulk_ed_stage.sql), which DuckDB runs while this thread codes the keys; the rest (errors,
 *    mostly) are validated row by row in JavaScript exactly as the streaming path does, so every
 *    message is the same.
 *
 * The file is taken this way only when DuckDB reads it as our parser would (csv-bulk-read.ts);
 * otherwise `stageEdCsvInBulk` declines before staging anything, and the batch goes the streaming
 * way (ed-batch.ts), which also reports file-level errors.
 */
import fs from 'node:fs';
import readline from 'node:readline';
import { BIGINT, BOOLEAN, SMALLINT, VARCHAR, type DuckDBConnection } from '@duckdb/node-api';
import type { Logger } from 'pino';
import { CHILD_INGESTION_AGE } from '../coding/ed/poisoning.ts';
import { edColumnPositions, edRecordResult } from '../formats/ed-csv.ts';
import { ED_VISIT_COLUMNS } from '../records/ed-visit.ts';
import { edAgeValue, edCountyValue, edFacilityValue, edSexValue, edTextValue, parseDiagnoses } from '../records/ed-visit-schema.ts';
import { ChunkAppender } from '../store/chunk-appender.ts';
import { readSqlFiles, runScript } from '../store/sql-files.ts';
import { edJurisdictionProblem } from './ed-jurisdiction.ts';
import { codeEdKeys, stageEdResults, type EdCoding, type EdCodingKey } from './ed-staging.ts';
import { codingProgress, declined, dropTables, keyJoin, lineOfRow, NULL_TEXT, readBulkHeader, readCsvIntoTable, stepTimer } from './csv-bulk-read.ts';
import { CODED_SEPARATOR, readCodedRows } from './coded-json.ts';
import { LIST_SEPARATOR, loadStagingFile, type StagingCsvFile } from './staging-csv.ts';
import type { StagingSink } from './staging-sink.ts';

const loaderSql = readSqlFiles('loader');

/** Rows read back from DuckDB at a time (distinct keys, rows left for JavaScript). */
const PAGE_ROWS = 20_000;
/** Keys coded between two turns of the event loop (~20 ms). */
const CODING_SLICE = 1_000;

interface Header {
  positions: number[];
  length: number;
}

export interface BulkEdOptions {
  staging: string;
  jurisdiction: string | null;
  log?: Logger;
  onProgress?: (recordsRead: number, bytesRead: number) => void;
  /** A new staging file of the batch (staging-csv.ts), for the keys and their coded results. */
  stagingFile: (table: string) => StagingCsvFile;
  /** Tests: join the rows to their keys by every column, as when two keys share a hash. */
  joinKeysByColumns?: boolean;
}

/** A key's columns (bulk_ed_keys) and the row's expression for each (bulk_ed_stage.sql). */
const KEY_COLUMNS = [
  { key: 'chief_complaint', row: 'r.chief_complaint' },
  { key: 'triage_note', row: 'r.triage_note' },
  { key: 'discharge_diagnoses', row: 'r.discharge_diagnoses' },
  { key: 'child', row: 'coalesce(a.age < $child_age, false)' },
];

/**
 * Stages an ED CSV file through DuckDB's reader (see above). Returns false, having staged nothing,
 * when the file must go the streaming way instead.
 */
export async function stageEdCsvInBulk(connection: DuckDBConnection, rawPath: string, sink: StagingSink, coding: EdCoding, options: BulkEdOptions): Promise<boolean> {
  const started = performance.now();
  const { steps, step } = stepTimer();
  const header = edHeader(rawPath);
  if (header === null) return declined(options.log, 'ED CSV', 'the header is not one line followed by a record');
  const fields = header.positions.map((p, i) => `c${p} AS ${ED_VISIT_COLUMNS[i]}`).join(', ');
  const read = await step('read', () => readCsvIntoTable(connection, rawPath, header.length, 'bulk_ed_rows', fields));
  if ('refused' in read) return declined(options.log, 'ED CSV', read.refused);
  const progress = codingProgress(read, options.onProgress);
  progress(0);

  await runScript(connection, loaderSql.get('bulk_ed_tables')!);
  await step('values', () => writeFieldValues(connection, options.jurisdiction));
  await step('keys', () => runScript(connection, loaderSql.get('bulk_ed_keys')!, { child_age: CHILD_INGESTION_AGE }));
  const keysFile = options.stagingFile('ed_keys');
  const codedFile = options.stagingFile('ed_coded');
  try {
    const keys = await step('texts', () => readKeyTexts(connection, keysFile));
    keysFile.close();
    // The rows are staged by DuckDB while this thread codes the keys: each needs only the other's
    // ids (a key's coded result is named -key_id), and the two together take what each takes alone.
    const stageFrom = performance.now();
    const stageSql = loaderSql.get('bulk_ed_stage')!.replaceAll('{{line}}', lineOfRow(read)).replaceAll('{{key_join}}', await keyJoin(connection, 'bulk_ed_keys', 'key_hash', KEY_COLUMNS, options.joinKeysByColumns === true));
    const stagedRows = runScript(connection, stageSql, { child_age: CHILD_INGESTION_AGE }).then(
      () => void (steps.stage = Math.round(performance.now() - stageFrom)),
    );
    try {
      await step('code', () => codeKeyFile(keysFile.filePath, keys, coding, codedFile, progress));
    } finally {
      await stagedRows; // never left running on the connection, even when coding failed
    }
    await step('coded', () => loadStagingFile(connection, codedFile, `INSERT INTO staging_ed_coded SELECT * FROM ${READ_CODED}`));
  } finally {
    keysFile.remove();
    codedFile.remove();
  }
  const staged = Number((await connection.runAndReadAll('SELECT count(*) AS n FROM staging_ed_visits')).getRows()[0]![0]);
  sink.countStagedElsewhere(staged);
  await step('rest', () => stageTheRest(connection, sink, coding, header, options));
  await dropTables(connection, BULK_TABLES);
  progress(1);
  options.log?.debug({ records: read.records, inBulk: staged, ms: Math.round(performance.now() - started), steps }, 'ED CSV staged in bulk');
  return true;
}

const BULK_TABLES = ['bulk_ed_rows', 'bulk_ed_values', 'bulk_ed_key_codes', 'bulk_ed_keys', 'bulk_ed_lines', 'bulk_ed_rest'];

/** The header's column positions, when the file starts with a one-line ED header and a record on line 2. */
function edHeader(rawPath: string): Header | null {
  const fields = readBulkHeader(rawPath);
  if (fields === null) return null;
  try {
    return { positions: edColumnPositions(fields), length: fields.length };
  } catch {
    return null; // not the ED header: the streaming path says what is missing
  }
}

/**
 * The distinct values of the few-valued columns, each as the row validator reads it; an invalid
 * value is left out, and so are counties outside `jurisdiction`, so their rows fall to JavaScript.
 */
async function writeFieldValues(connection: DuckDBConnection, jurisdiction: string | null): Promise<void> {
  const distinct = await connection.runAndReadAll(
    ['facility_id', 'age', 'sex', 'patient_county_fips', 'discharge_diagnoses'].map((field) => `SELECT DISTINCT '${field}' AS field, ${field} AS raw FROM bulk_ed_rows`).join(' UNION ALL '),
  );
  const appender = await ChunkAppender.create(connection, 'bulk_ed_values', [VARCHAR, VARCHAR, VARCHAR, SMALLINT]);
  try {
    for (const [field, raw] of distinct.getRows() as [string, string | null][]) {
      if (raw === null) continue; // the null string's own text: its rows fall to JavaScript (stageTheRest)
      if (field === 'age') {
        const age = edAgeValue(raw);
        if (age !== undefined) appender.add([field, raw, null, age]);
        continue;
      }
      if (field === 'discharge_diagnoses') {
        const diagnoses = parseDiagnoses(raw);
        if (diagnoses.bad.length === 0) appender.add([field, raw, diagnoses.codes.join(LIST_SEPARATOR), null]);
        continue;
      }
      const value = field === 'facility_id' ? edFacilityValue(raw) : field === 'sex' ? edSexValue(raw) : edCountyValue(raw);
      if (value === undefined) continue;
      if (field === 'patient_county_fips' && jurisdiction !== null && edJurisdictionProblem(value, jurisdiction) !== null) continue;
      appender.add([field, raw, value, null]);
    }
  } finally {
    appender.close();
  }
}

/**
 * A key as read back and validated, one line of the keys file: its id, then its texts as the
 * validator reads them (chief complaint, triage note, diagnosis codes, under 6). JSON, since it
 * escapes the line breaks and control characters a text may hold.
 */
type KeyLine = [keyId: number, chiefComplaint: string | null, triageNote: string | null, diagnoses: string[], child: boolean];

/** staging_ed_coded's rows as the keys' coding writes them (codeKeyFile): -key id, coded JSON. */
const READ_CODED = readCodedRows({ coded_id: 'BIGINT', coded: 'VARCHAR' });

/**
 * A key's coded result is named by its key, negated: staging_ed_coded's other ids (newStagedId,
 * for the rows validated in JavaScript) are positive, so the two never meet.
 */
const codedIdOfKey = (keyId: number) => -keyId;

/**
 * Reads every key and validates its texts, writing bulk_ed_key_codes: whether the texts are as
 * read, and if not what they are; and the valid keys to `keysFile`, for the coding, so that no
 * batch-sized list is held here (holding the keys and their coded JSON, 4M visits peaked 23% above
 * 1M). Returns how many keys it wrote. The keys left out are invalid, and their rows fall to
 * JavaScript. Coding happens after, on the calling thread, not on the coding workers: two workers
 * coding keys side by side ran at ~45% of the main thread's speed each (65 against 30 µs a key:
 * the two cores share memory bandwidth), and the main thread is free while DuckDB stages.
 */
async function readKeyTexts(connection: DuckDBConnection, keysFile: StagingCsvFile): Promise<number> {
  const appender = await ChunkAppender.create(connection, 'bulk_ed_key_codes', [BIGINT, BIGINT, BOOLEAN, VARCHAR, VARCHAR]);
  const diagnosesOf = new Map<string, string[] | null>();
  let keys = 0;
  try {
    for (let from = 1; ; from += PAGE_ROWS) {
      const page = await connection.runAndReadAll(
        'SELECT key_id::DOUBLE, chief_complaint, triage_note, discharge_diagnoses, child FROM bulk_ed_keys WHERE key_id BETWEEN $from AND $to',
        { from, to: from + PAGE_ROWS - 1 },
      );
      const rows = page.getRows() as [number, string | null, string | null, string | null, boolean][];
      if (rows.length === 0) break;
      for (const [keyId, complaint, note, diagnosesText, child] of rows) {
        if (complaint === null || note === null || diagnosesText === null) continue; // as in writeFieldValues
        const chiefComplaint = edTextValue(complaint);
        const triageNote = edTextValue(note);
        let diagnoses = diagnosesOf.get(diagnosesText);
        if (diagnoses === undefined) {
          const parsed = parseDiagnoses(diagnosesText);
          diagnosesOf.set(diagnosesText, (diagnoses = parsed.bad.length === 0 ? parsed.codes : null));
        }
        if (chiefComplaint === undefined || triageNote === undefined || diagnoses === null) continue;
        const asRead = chiefComplaint === complaint && triageNote === note;
        appender.add([BigInt(keyId), BigInt(codedIdOfKey(keyId)), asRead, asRead ? null : chiefComplaint, asRead ? null : triageNote]);
        keysFile.write(`${JSON.stringify([keyId, chiefComplaint, triageNote, diagnoses, child] satisfies KeyLine)}\n`);
        keys++;
      }
    }
  } finally {
    appender.close();
  }
  return keys;
}

/**
 * Codes the keys of `keysPath` (readKeyTexts) a slice at a time into `codedFile`, letting the
 * event loop run between slices: each statement of a script is started from the loop when the
 * one before ends, so coding in one go would hold back DuckDB's next statement until it was done.
 */
async function codeKeyFile(keysPath: string, keyCount: number, coding: EdCoding, codedFile: StagingCsvFile, progress: (doneShare: number) => void): Promise<void> {
  const lines = readline.createInterface({ input: fs.createReadStream(keysPath), crlfDelay: Infinity });
  let slice: KeyLine[] = [];
  let done = 0;
  const codeSlice = async () => {
    const json = codeEdKeys(
      slice.map(([, chiefComplaint, triageNote, dischargeDiagnoses, child]): EdCodingKey => ({ chiefComplaint, triageNote, dischargeDiagnoses, child })),
      coding,
    );
    codedFile.write(json.map((coded, i) => `${codedIdOfKey(slice[i]![0])}${CODED_SEPARATOR}${coded}\n`).join(''));
    done += slice.length;
    slice = [];
    progress(keyCount === 0 ? 1 : done / keyCount);
    await new Promise((resolve) => setImmediate(resolve));
  };
  try {
    for await (const line of lines) {
      slice.push(JSON.parse(line) as KeyLine);
      if (slice.length === CODING_SLICE) await codeSlice();
    }
    if (slice.length > 0) await codeSlice();
  } finally {
    lines.close();
  }
}

/** The rows bulk_ed_stage.sql did not take, validated, coded and staged one by one as the streaming path does. */
async function stageTheRest(connection: DuckDBConnection, sink: StagingSink, coding: EdCoding, header: Header, options: BulkEdOptions): Promise<void> {
  await connection.run('CREATE OR REPLACE TEMP TABLE bulk_ed_rest AS SELECT l.* FROM bulk_ed_lines l ANTI JOIN staging_ed_visits s ON s.seq = l.seq');
  const columns = ED_VISIT_COLUMNS.join(', ');
  for (let after = -1; ; ) {
    const page = await connection.runAndReadAll(`SELECT seq, line, ${columns} FROM bulk_ed_rest WHERE seq > $after ORDER BY seq LIMIT ${PAGE_ROWS}`, { after });
    const rows = page.getRows() as [bigint, number | bigint, ...(string | null)[]][];
    if (rows.length === 0) break;
    for (const [seq, line, ...values] of rows) {
      const fields: string[] = new Array<string>(header.length).fill('');
      header.positions.forEach((position, i) => (fields[position] = values[i] ?? NULL_TEXT));
      const result = edRecordResult(Number(line), fields, header.positions, header.length);
      sink.add(stageEdResults([result], coding, { staging: options.staging, jurisdiction: options.jurisdiction, firstSeq: Number(seq) }));
    }
    after = Number(rows[rows.length - 1]![0]);
  }
}
