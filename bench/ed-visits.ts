/**
 * The ED benchmarks' visits: the fixtures generator at a small edScale over several years,
 * validated as ingest validates them, and the distinct texts among them (what a memo miss costs).
 */
import { generateEdVisits } from '../fixtures/generator/index.ts';
import { ageBand } from '../pipeline/coding/ed/poisoning.ts';
import type { EdVisit } from '../pipeline/records/ed-visit.ts';
import { validateEdVisitRow } from '../pipeline/records/ed-visit-schema.ts';

/** The first `count` valid generated visits (0.0015 of the national volume is ~210k a year: five years hold a million). */
export function generatedVisits(count: number): EdVisit[] {
  const visits: EdVisit[] = [];
  for (const row of generateEdVisits({ seed: 20241, start: '2020-01-01', end: '2029-12-31', deathScale: 0, edScale: 0.0015, outbreaks: [] })) {
    const validated = validateEdVisitRow(row);
    if (validated.ok) visits.push(validated.visit);
    if (visits.length >= count) break;
  }
  return visits;
}

/** The first visit of each distinct text the coder reads (complaint, note, codes, age band). */
export function distinctTexts(visits: readonly EdVisit[]): EdVisit[] {
  const seen = new Set<string>();
  return visits.filter((v) => {
    const key = JSON.stringify([v.chiefComplaint, v.triageNote, v.dischargeDiagnoses, ageBand(v.age)]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
