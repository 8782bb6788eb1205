/**
 * The review queue as a coder pages through it. DuckDB orders and pages (review_queue_page.sql:
 * a national year holds hundreds of thousands of flagged records, so only one page leaves the
 * database) by the rule impact.ts defines; the page's items are then read whole
 * (review_queue_items.sql) and explained by impactOf, the same rule in TypeScript. Pending items
 * come first in impact order; accepted and corrected ones after them, the most recently decided
 * first.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { postalForStateFips, stateFips } from '../formats/ije/jurisdictions.ts';
import type { QueryCatalog } from '../store/sql-files.ts';
import { impactOf, LONG_PENDING_DAYS, type AlertingAreas, type Impact } from './impact.ts';
import { formatItemId, type ReviewSource } from './item-id.ts';
import { classifyReason, LOW_CONFIDENCE_PATTERN, reasonPattern, type ClassifiedReason } from './reasons.ts';

export type ItemState = 'pending' | 'accepted' | 'corrected';

export interface QueueFilters {
  source: ReviewSource | 'all';
  state: ItemState | 'all';
  /** A reason kind key (reasons.ts REASON_KINDS); null = any. */
  reason: string | null;
  /** Two-letter jurisdiction: the certificate's, or the ED patient's state; null = any. */
  jurisdiction: string | null;
  offset: number;
  limit: number;
}

export interface QueueItem {
  id: string;
  source: ReviewSource;
  recordId: string;
  state: ItemState;
  jurisdiction: string | null;
  countyFips: string | null;
  /** Date of death or of the visit. */
  eventDate: string | null;
  /** Part I line a, or the chief complaint: enough to triage, the rest is on the item. */
  summary: string | null;
  coder: string;
  underlyingCause: string | null;
  codes: string[];
  overdose: boolean;
  reasons: ClassifiedReason[];
  pendingSince: string;
  decidedAt: string | null;
  impact: Impact;
}

export interface QueuePage {
  total: number;
  offset: number;
  limit: number;
  items: QueueItem[];
}

type ItemRow = Record<string, unknown>;

export async function alertingAreas(connection: DuckDBConnection, queries: QueryCatalog): Promise<AlertingAreas> {
  const rows = await queries.rows(connection, 'review_alerting_areas');
  return {
    counties: new Set(rows.filter((r) => r.level === 'county').map((r) => String(r.geography))),
    states: new Set(rows.filter((r) => r.level === 'state').map((r) => String(r.geography))),
  };
}

function scope(filters: { source: QueueFilters['source']; state: QueueFilters['state']; jurisdiction: string | null }) {
  return {
    source: filters.source,
    state: filters.state,
    jurisdiction: filters.jurisdiction ?? '',
    // An unknown postal code matches no ED visit ('??' is no state FIPS).
    state_fips: filters.jurisdiction === null ? '' : (stateFips(filters.jurisdiction) ?? '??'),
  };
}

/** Items whole: one record version's (recordIds of one), or a page's. */
export async function itemRows(
  connection: DuckDBConnection,
  queries: QueryCatalog,
  filters: { source: QueueFilters['source']; state: QueueFilters['state']; jurisdiction: string | null; recordIds: readonly (bigint | string)[] },
): Promise<ItemRow[]> {
  return queries.rows(connection, 'review_queue_items', { ...scope(filters), record_ids: JSON.stringify(filters.recordIds.map(String)) });
}

export function toQueueFacts(row: ItemRow) {
  const source = row.source as ReviewSource;
  const county = row.county_fips === null ? null : String(row.county_fips);
  return {
    id: formatItemId(source, String(row.record_id)),
    source,
    recordId: String(row.record_id),
    state: row.state as ItemState,
    jurisdiction: row.jurisdiction !== null ? String(row.jurisdiction) : county !== null ? postalForStateFips(county.slice(0, 2)) : null,
    countyFips: county,
    eventDate: row.event_date === null ? null : String(row.event_date),
    summary: row.summary === null ? null : String(row.summary),
    coder: String(row.coder),
    underlyingCause: row.underlying_cause === null ? null : String(row.underlying_cause),
    codes: (row.codes as string[] | null) ?? [],
    overdose: row.overdose === true,
    reasons: (row.reasons as string[] | null) ?? [],
    pendingSince: String(row.pending_since),
    decidedAt: row.decided_at === null ? null : String(row.decided_at),
  };
}

/** One page of the queue, ordered; `now` decides what is pending for long. */
export async function listQueue(connection: DuckDBConnection, queries: QueryCatalog, filters: QueueFilters, now = new Date()): Promise<QueuePage> {
  const reason = filters.reason === null ? '' : reasonPattern(filters.reason);
  if (reason === null) throw new Error(`unknown reason kind ${filters.reason}`);
  const page = await queries.rows(connection, 'review_queue_page', {
    ...scope(filters),
    reason_pattern: reason,
    new_substance_pattern: reasonPattern('possible_new_substance')!,
    low_confidence_pattern: LOW_CONFIDENCE_PATTERN,
    now: now.toISOString(),
    long_pending_days: LONG_PENDING_DAYS,
    offset: filters.offset,
    limit: filters.limit,
  });
  let total = page.length > 0 ? Number(page[0]!.total) : 0;
  if (page.length === 0 && filters.offset > 0) {
    // Past the end: the count still tells the caller how far the queue goes.
    const first = await listQueue(connection, queries, { ...filters, offset: 0, limit: 1 }, now);
    total = first.total;
  }
  const rows = page.length === 0 ? [] : await itemRows(connection, queries, { source: filters.source, state: 'all', jurisdiction: null, recordIds: page.map((p) => String(p.record_id)) });
  const byId = new Map(rows.map((r) => [String(r.record_id), r]));
  const areas = await alertingAreas(connection, queries);
  const items = page.map((p): QueueItem => {
    const facts = toQueueFacts(byId.get(String(p.record_id))!);
    return { ...facts, reasons: facts.reasons.map(classifyReason), impact: impactOf(facts, areas, now) };
  });
  return { total, offset: filters.offset, limit: filters.limit, items };
}
