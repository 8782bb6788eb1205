/**
 * What ED visits become for staging: each visit a typed CSV row of staging_ed_visits (the
 * staging-csv.ts dialect) naming its coded result by id, and each coded result (the `vigil code
 * ed` contract plus the death-side drug classes) one row of staging_ed_coded, staged once per
 * batch however many visits share it. The same code runs for every ED format, on the main thread
 * or in a coding worker; no I/O.
 */
import type { EdCoder } from '../coding/ed/index.ts';
import { toEdContractJson } from '../coding/ed/types.ts';
import type { SyndromeEngine } from '../coding/ed/syndromes/engine.ts';
import type { EdFeedResult } from '../formats/ed-feed.ts';
import { edCsvTextResults } from '../formats/ed-csv.ts';
import { CsvSyntaxError } from '../formats/csv.ts';
import type { OverlayTerm } from '../coding/lexicon/overlay.ts';
import type { SyndromeDefinition } from '../coding/ed/syndromes/definition.ts';
import type { EdVisitWithHistory } from '../records/ed-visit-schema.ts';
import { ageBand } from '../coding/ed/poisoning.ts';
import { codeVisitAfresh, createVisitCoding, type VisitCoding } from '../coding/ed/visit-coding.ts';
import { VisitTextMemo } from '../coding/ed/visit-memo.ts';
import { edJurisdictionProblem } from './ed-jurisdiction.ts';
import type { ErrorRow } from './staging-rows.ts';
import { brokenChunk, csvList, csvNumber, csvText, firstTimeIn, newStagedId, type StagingPlace } from './staging-csv.ts';

/** The ED coder, the syndrome engine, and the label of the definitions it holds ("id@version,..."). */
export interface EdCoding {
  /**
   * Its `lexiconVersion` is what every coding records: the committed ED tables' version, or with
   * approved terms that reach ED the overlay version (`…+terms-<n>-<sha8>`, ed-coding.ts).
   */
  coder: EdCoder;
  syndromes: SyndromeEngine;
  syndromeSet: string;
  /** What a coding worker rebuilds this coding from; absent for a coding no worker could rebuild (a tool's own coder). */
  portable?: PortableEdCoding;
}

/** An ED coding as data: the approved terms over the committed ED tables, and the active definitions, with the versions they must give. */
export interface PortableEdCoding {
  coderVersion: string;
  lexiconVersion: string;
  terms: readonly OverlayTerm[];
  definitions: readonly SyndromeDefinition[];
  syndromeSet: string;
}

/** A chunk of whole records of an ED CSV file (csv-chunks.ts) for a coding worker, with the header's column positions. */
export interface EdCsvTextRequest extends StagingPlace {
  kind: 'ed-csv-text';
  text: string;
  firstLine: number;
  positions: number[];
  headerLength: number;
}

/** What a chunk of visits becomes for staging (ed-batch.ts): CSV rows, the coded results they name, the errors. */
export interface StagedEdChunk {
  /** Rows of the staging file of staging_ed_visits, in STAGED_VISIT_COLUMNS order (staging-csv.ts dialect). */
  rows: string;
  /** [coded id, coded JSON] for staging_ed_coded: each coded result the rows name that this staging has not been given yet. */
  coded: [number, string][];
  errors: ErrorRow[];
  valid: number;
  rejected: number;
  /** Set when the chunk's CSV quoting is broken (the whole file is then rejected). */
  syntaxError?: { line: number; message: string };
}

/** The columns of a staged visit row, in file order, as read_csv reads them (sql/loader/load_ed_staging.sql). */
export const STAGED_VISIT_COLUMNS = [
  ['seq', 'BIGINT'],
  ['line', 'INTEGER'],
  ['coded_id', 'BIGINT'],
  ['visit_id', 'VARCHAR'],
  ['facility_id', 'VARCHAR'],
  ['visit_datetime', 'TIMESTAMP'],
  ['age', 'SMALLINT'],
  ['sex', 'VARCHAR'],
  ['patient_county_fips', 'VARCHAR'],
  ['chief_complaint', 'VARCHAR'],
  ['triage_note', 'VARCHAR'],
  ['discharge_diagnoses', 'VARCHAR'],
  ['chief_complaint_history', 'VARCHAR'],
] as const;

/** "2024-03-01T14:05" → "2024-03-01 14:05:00", the form DuckDB reads as a TIMESTAMP. */
function timestampText(value: string): string {
  const text = value.replace('T', ' ');
  return text.length === 16 ? `${text}:00` : text;
}

/** A visit as a staging row (LF-terminated), naming its coded result. */
export function stagedVisitRow(seq: number, line: number, codedId: number, visit: EdVisitWithHistory): string {
  const history = visit.chiefComplaintHistory ? csvText(JSON.stringify(visit.chiefComplaintHistory)) : '';
  return (
    `${seq},${line},${codedId},${csvText(visit.visitId)},${csvText(visit.facilityId)},${csvText(timestampText(visit.visitDatetime))},` +
    `${csvNumber(visit.age)},${csvText(visit.sex)},${csvText(visit.patientCountyFips)},${csvText(visit.chiefComplaint)},` +
    `${csvText(visit.triageNote)},${csvList(visit.dischargeDiagnoses)},${history}\n`
  );
}

/** One remembering visit coder per coding (visit-coding.ts), made on first use. */
const visitCodings = new WeakMap<EdCoding, VisitCoding>();

/** Codes a visit and evaluates every active syndrome definition on it (results shared: do not modify). */
export function codeEdVisit(visit: EdVisitWithHistory, coding: EdCoding) {
  let code = visitCodings.get(coding);
  if (!code) visitCodings.set(coding, (code = createVisitCoding(coding.coder, coding.syndromes)));
  const { coded, syndromes } = code(visit);
  return { coded, syndromes, contract: toEdContractJson(coded, syndromes) };
}

/**
 * A coded result as staged: the `vigil code ed` contract without the visit id, plus the death-side
 * drug classes, under an id unique in the process (newStagedId). `stagedIn` is the last staging
 * it was given to.
 */
interface StagedCoded {
  id: number;
  json: string;
  stagedIn: string | null;
}

/**
 * The coded result of a visit, remembered by what the coder and the syndrome engine read
 * (visit-memo.ts): chief complaint, triage note, diagnoses, and whether the patient is under 6.
 * Triage texts recur, so a batch stages each coded result once, and its visits name it by id.
 */
const codedMemos = new WeakMap<EdCoding, VisitTextMemo<StagedCoded>>();
const MEMO_CAPACITY = 100_000;

function stagedCoded(visit: EdVisitWithHistory, coding: EdCoding): StagedCoded {
  let memo = codedMemos.get(coding);
  if (!memo) codedMemos.set(coding, (memo = new VisitTextMemo(MEMO_CAPACITY)));
  return memo.get(visit, ageBand(visit.age), true, (v) => ({ id: newStagedId(), json: codedJson(v, coding), stagedIn: null }));
}

/** A visit coded afresh, as staged: the contract without the visit id, plus the death-side drug classes. */
function codedJson(visit: EdVisitWithHistory, coding: EdCoding): string {
  const { coded, syndromes } = codeVisitAfresh(coding.coder, coding.syndromes, visit);
  const { visit_id: _id, ...contract } = toEdContractJson(coded, syndromes);
  return JSON.stringify({ ...contract, drug_classes: [...new Set(coded.drugs.map((d) => d.deathClass))] });
}

/**
 * Codes and lays out a chunk of visits for the staging named `staging` (one per batch staged:
 * a coded result is handed to each staging once), numbering valid visits from `firstSeq`. With
 * `jurisdiction`, a visit of another jurisdiction's resident is rejected (ed-jurisdiction.ts): an
 * uploader loads its own jurisdiction's visits only.
 */
export function stageEdResults(
  results: readonly EdFeedResult[],
  coding: EdCoding,
  place: StagingPlace,
): StagedEdChunk {
  const { staging, jurisdiction } = place;
  const chunk: StagedEdChunk = { rows: '', coded: [], errors: [], valid: 0, rejected: 0 };
  let seq = place.firstSeq;
  for (const result of results) {
    const line = result.line ?? ('message' in result ? result.message : 0);
    if (!result.ok) {
      chunk.rejected++;
      for (const error of result.errors) chunk.errors.push([line, result.recordId, error.field || null, error.message]);
      continue;
    }
    const problem = jurisdiction === null ? null : edJurisdictionProblem(result.record.patientCountyFips, jurisdiction);
    if (problem !== null) {
      chunk.rejected++;
      chunk.errors.push([line, result.record.visitId, 'patient_county_fips', problem]);
      continue;
    }
    const coded = stagedCoded(result.record, coding);
    if (firstTimeIn(coded, staging)) chunk.coded.push([coded.id, coded.json]);
    chunk.rows += stagedVisitRow(seq++, line, coded.id, result.record);
    chunk.valid++;
  }
  return chunk;
}

/** What the coder reads of a visit (visit-memo.ts), valid: ed-csv-bulk.ts codes each distinct one once. Any age in the band codes alike. */
export interface EdCodingKey {
  chiefComplaint: string | null;
  triageNote: string | null;
  dischargeDiagnoses: string[];
  /** Under the child-ingestion age (the coder's age band). */
  child: boolean;
}

/**
 * Codes distinct keys (ed-csv-bulk.ts): each its coded result as staged. Not through the memo: the
 * keys are distinct already, and remembering 146k of them cost ~0.4 s a 1M-visit batch.
 */
export function codeEdKeys(keys: readonly EdCodingKey[], coding: EdCoding): string[] {
  return keys.map((key) => {
    const visit = {
      visitId: '', facilityId: '', visitDatetime: '', sex: null, patientCountyFips: null,
      age: key.child ? 0 : null, chiefComplaint: key.chiefComplaint, triageNote: key.triageNote, dischargeDiagnoses: key.dischargeDiagnoses,
    };
    return codedJson(visit, coding);
  });
}

/** Parses, validates, codes and lays out a chunk of ED CSV text (what a coding worker does with it). */
export function stageEdCsvText(request: EdCsvTextRequest, coding: EdCoding): StagedEdChunk {
  let results;
  try {
    results = edCsvTextResults(request.text, request.firstLine, request.positions, request.headerLength);
  } catch (error) {
    if (!(error instanceof CsvSyntaxError)) throw error;
    return brokenChunk(error);
  }
  return stageEdResults(results, coding, request);
}
