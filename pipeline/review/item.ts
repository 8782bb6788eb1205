/**
 * One review item as the coder works it: the record as written (certificate text, or the visit's
 * complaint, triage note and diagnoses), the coding under review with its trace and reasons, every
 * earlier coding, the decisions made on it, and the automated checks of a human coding.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import type { QueryCatalog } from '../store/sql-files.ts';
import { deathCodings, edCodings, type StoredDeathCoding, type StoredEdCoding } from './codings.ts';
import { impactOf, type Impact } from './impact.ts';
import { formatItemId, type ItemRef } from './item-id.ts';
import { alertingAreas, itemRows, toQueueFacts, type ItemState } from './queue.ts';
import { classifyReason, type ClassifiedReason } from './reasons.ts';

export interface ReviewItem {
  id: string;
  source: ItemRef['source'];
  recordId: string;
  state: ItemState;
  reasons: ClassifiedReason[];
  impact: Impact;
  pendingSince: string;
  record: Record<string, unknown>;
  /** The current coding: what a decision is made on (its `version`). */
  coding: StoredDeathCoding | StoredEdCoding;
  codings: (StoredDeathCoding | StoredEdCoding)[];
  decisions: Record<string, unknown>[];
  /** Deaths: automated codings that checked a human coding (a disagreement reopens the item). */
  checks: Record<string, unknown>[];
  proposals: Record<string, unknown>[];
}

const parsedJson = (row: Record<string, unknown>) => ({ ...row, coded: row.coded === null ? null : JSON.parse(String(row.coded)) });

/** The item, or null when the record is not (or no longer) under review. */
export async function readItem(connection: DuckDBConnection, queries: QueryCatalog, ref: ItemRef, now = new Date()): Promise<ReviewItem | null> {
  const [row] = await itemRows(connection, queries, { source: ref.source, state: 'all', jurisdiction: null, recordIds: [ref.recordId] });
  if (!row) return null;
  const facts = toQueueFacts(row);
  // One query at a time: they share the caller's connection.
  const areas = await alertingAreas(connection, queries);
  const records = await queries.rows(connection, ref.source === 'deaths' ? 'review_death_record' : 'review_ed_record', { record_id: ref.recordId });
  const codings = ref.source === 'deaths' ? await deathCodings(connection, queries, ref.recordId) : await edCodings(connection, queries, ref.recordId);
  const decisions = await queries.rows(connection, 'review_record_decisions', { source: ref.source, record_id: ref.recordId });
  const checks = ref.source === 'deaths' ? await queries.rows(connection, 'review_human_checks', { record_id: ref.recordId }) : [];
  const decisionIds = decisions.map((d) => String(d.decision_id));
  const proposals = decisionIds.length === 0 ? [] : await queries.rows(connection, 'lexicon_proposals_of_decisions', { decision_ids: JSON.stringify(decisionIds) });
  const current = codings.find((c) => c.isCurrent);
  if (!current || records.length === 0) return null;
  return {
    id: formatItemId(ref.source, ref.recordId),
    source: ref.source,
    recordId: String(ref.recordId),
    state: facts.state,
    reasons: facts.reasons.map(classifyReason),
    impact: impactOf(facts, areas, now),
    pendingSince: facts.pendingSince,
    record: records[0]!,
    coding: current,
    codings,
    decisions,
    checks: checks.map(parsedJson),
    proposals,
  };
}
