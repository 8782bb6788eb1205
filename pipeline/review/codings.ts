/**
 * A record version's codings as stored (every version, newest first), read into the shapes the
 * review works with. `version` is the coding's coded_at in ISO 8601 UTC with microseconds: what a
 * decision names as the coding it was made on.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QueryCatalog } from '../store/sql-files.ts';
import type { DeathCodingRow, EdCodingRow } from './corrected-coding.ts';

export type StoredDeathCoding = DeathCodingRow & { version: string; isCurrent: boolean };
export type StoredEdCoding = EdCodingRow & { version: string; isCurrent: boolean };

const json = <T>(value: unknown): T => JSON.parse(String(value)) as T;
const strings = (value: unknown): string[] => ((value as unknown[] | null) ?? []).map(String);
const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));

export async function deathCodings(connection: DuckDBConnection, queries: QueryCatalog, recordId: bigint): Promise<StoredDeathCoding[]> {
  const rows = await queries.rows(connection, 'review_death_codings', { record_id: recordId });
  return rows.map((r) => ({
    version: String(r.version),
    isCurrent: r.is_current === true,
    coder: String(r.coder),
    lexiconVersion: String(r.lexicon_version),
    underlyingCause: text(r.underlying_cause),
    isDrugOverdose: r.is_drug_overdose === true,
    recordAxis: strings(r.record_axis),
    entityAxis: json(r.entity_axis),
    drugs: json(r.drugs),
    intent: text(r.intent),
    reviewRequired: r.review_required === true,
    reviewReasons: strings(r.review_reasons),
    trace: json(r.trace),
  }));
}

export async function edCodings(connection: DuckDBConnection, queries: QueryCatalog, recordId: bigint): Promise<StoredEdCoding[]> {
  const rows = await queries.rows(connection, 'review_ed_codings', { record_id: recordId });
  return rows.map((r) => ({
    version: String(r.version),
    isCurrent: r.is_current === true,
    coder: String(r.coder),
    lexiconVersion: String(r.lexicon_version),
    syndromeSet: String(r.syndrome_set),
    codes: strings(r.codes),
    drugs: json(r.drugs),
    drugClasses: strings(r.drug_classes),
    syndromes: strings(r.syndromes),
    negated: strings(r.negated),
    intent: text(r.intent),
    reviewRequired: r.review_required === true,
    reviewReasons: strings(r.review_reasons),
  }));
}
