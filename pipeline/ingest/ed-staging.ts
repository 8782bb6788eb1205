/**
 * What one ED visit becomes for staging_ed_visits: the visit in feed column names and the coded
 * result (the `vigil code ed` contract plus the death-side drug classes). The same code runs for
 * every ED format; no I/O.
 */
import type { EdCoder } from '../coding/ed/index.ts';
import { toEdContractJson } from '../coding/ed/types.ts';
import type { SyndromeEngine } from '../coding/ed/syndromes/engine.ts';
import type { EdFeedResult } from '../formats/ed-feed.ts';
import type { EdVisitWithHistory } from '../records/ed-visit-schema.ts';
import { edJurisdictionProblem } from './ed-jurisdiction.ts';
import type { ErrorRow } from './staging-rows.ts';

/** The ED coder, the syndrome engine, and the label of the definitions it holds ("id@version,..."). */
export interface EdCoding {
  /**
   * Its `lexiconVersion` is what every coding records: the committed ED tables' version, or with
   * approved terms that reach ED the overlay version (`…+terms-<n>-<sha8>`, ed-coding.ts).
   */
  coder: EdCoder;
  syndromes: SyndromeEngine;
  syndromeSet: string;
}

/** [line, visit JSON, coded JSON] */
export type EdStagingRow = [number, string, string];

export interface StagedEdBatch {
  rows: EdStagingRow[];
  errors: ErrorRow[];
  rejected: number;
}

/** "2024-03-01T14:05" → "2024-03-01 14:05:00", the form DuckDB reads as a TIMESTAMP. */
function timestampText(value: string): string {
  const text = value.replace('T', ' ');
  return text.length === 16 ? `${text}:00` : text;
}

export function visitJson(visit: EdVisitWithHistory): string {
  return JSON.stringify({
    visit_id: visit.visitId,
    facility_id: visit.facilityId,
    visit_datetime: timestampText(visit.visitDatetime),
    age: visit.age,
    sex: visit.sex,
    patient_county_fips: visit.patientCountyFips,
    chief_complaint: visit.chiefComplaint,
    triage_note: visit.triageNote,
    discharge_diagnoses: visit.dischargeDiagnoses,
    chief_complaint_history: visit.chiefComplaintHistory ?? null,
  });
}

/** Codes a visit and evaluates every active syndrome definition on it. */
export function codeEdVisit(visit: EdVisitWithHistory, coding: EdCoding) {
  const coded = coding.coder.code(visit);
  const syndromes = coding.syndromes.evaluate(visit);
  return { coded, syndromes, contract: toEdContractJson(coded, syndromes) };
}

/**
 * The coded JSON of a visit after its `{"visit_id":"…"` opening, remembered by what the coder and
 * the syndrome engine read: chief complaint, triage note, diagnoses, and whether the patient is
 * under 6 (the ED coder's child-ingestion rule). Triage texts recur; the id is the only difference.
 */
const codedMemos = new WeakMap<EdCoding, Map<string, string>>();
const MEMO_CAPACITY = 50_000;

function codedTail(visit: EdVisitWithHistory, coding: EdCoding): string {
  let memo = codedMemos.get(coding);
  if (!memo) codedMemos.set(coding, (memo = new Map()));
  const key = `${visit.age !== null && visit.age < 6 ? 'c' : 'a'}\u001f${visit.chiefComplaint ?? ''}\u001f${visit.triageNote ?? ''}\u001f${visit.dischargeDiagnoses.join(';')}`;
  let tail = memo.get(key);
  if (tail === undefined) {
    const { coded, contract } = codeEdVisit(visit, coding);
    const drugClasses = [...new Set(coded.drugs.map((d) => d.deathClass))];
    const json = JSON.stringify({ ...contract, drug_classes: drugClasses });
    tail = json.slice(`{"visit_id":${JSON.stringify(visit.visitId)}`.length);
    if (memo.size >= MEMO_CAPACITY) memo.clear();
    memo.set(key, tail);
  }
  return tail;
}

/**
 * Codes and lays out a chunk of visits. With `jurisdiction`, a visit of another jurisdiction's
 * resident is rejected (ed-jurisdiction.ts): an uploader loads its own jurisdiction's visits only.
 */
export function stageEdResults(results: readonly EdFeedResult[], coding: EdCoding, jurisdiction: string | null = null): StagedEdBatch {
  const batch: StagedEdBatch = { rows: [], errors: [], rejected: 0 };
  for (const result of results) {
    const line = result.line ?? ('message' in result ? result.message : 0);
    if (!result.ok) {
      batch.rejected++;
      for (const error of result.errors) batch.errors.push([line, result.recordId, error.field || null, error.message]);
      continue;
    }
    const problem = jurisdiction === null ? null : edJurisdictionProblem(result.record.patientCountyFips, jurisdiction);
    if (problem !== null) {
      batch.rejected++;
      batch.errors.push([line, result.record.visitId, 'patient_county_fips', problem]);
      continue;
    }
    batch.rows.push([line, visitJson(result.record), `{"visit_id":${JSON.stringify(result.record.visitId)}${codedTail(result.record, coding)}`]);
  }
  return batch;
}
