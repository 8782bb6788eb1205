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
import { ageBand } from '../coding/ed/poisoning.ts';
import { codeVisitAfresh, createVisitCoding, type VisitCoding } from '../coding/ed/visit-coding.ts';
import { VisitTextMemo } from '../coding/ed/visit-memo.ts';
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
 * The coded JSON of a visit after its `{"visit_id":"…"` opening, remembered by what the coder and
 * the syndrome engine read (visit-memo.ts): chief complaint, triage note, diagnoses, and whether
 * the patient is under 6. Triage texts recur; the id is the only difference. Its own memo, of the
 * finished JSON, so a visit seen before costs neither coding nor JSON.
 */
const codedMemos = new WeakMap<EdCoding, VisitTextMemo<string>>();
const MEMO_CAPACITY = 100_000;

function codedTail(visit: EdVisitWithHistory, coding: EdCoding): string {
  let memo = codedMemos.get(coding);
  if (!memo) codedMemos.set(coding, (memo = new VisitTextMemo(MEMO_CAPACITY)));
  return memo.get(visit, ageBand(visit.age), true, (v) => {
    const { coded, syndromes } = codeVisitAfresh(coding.coder, coding.syndromes, v);
    const contract = toEdContractJson(coded, syndromes);
    const json = JSON.stringify({ ...contract, drug_classes: [...new Set(coded.drugs.map((d) => d.deathClass))] });
    return json.slice(`{"visit_id":${JSON.stringify(v.visitId)}`.length);
  });
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
