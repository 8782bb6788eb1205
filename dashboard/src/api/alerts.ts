// The detection job's results (GET /api/alerts) and the space-time clusters (GET /api/clusters).
import type { AnswerCache } from '../cache.ts';
import type { Source } from '../measures.ts';
import { nullableNumber } from './aggregates.ts';
import { ApiError, type Http } from './http.ts';

export type AlertStatus = 'alert' | 'warning' | 'none' | 'insufficient';
export const ALERT_STATUSES: readonly AlertStatus[] = ['alert', 'warning', 'none', 'insufficient'];

/** One result of the latest detection run: a series' status for one period by one method. */
export interface AlertRow {
  source: Source;
  measure: string;
  level: string;
  geography: string;
  /** YYYY-MM-DD: the day (ED) or the MMWR week's Sunday (deaths). */
  period: string;
  periodUnit: 'day' | 'week';
  method: string;
  observed: number;
  expected: number | null;
  threshold: number | null;
  pValue: number | null;
  status: AlertStatus;
  note: string | null;
  computedAt: string | null;
}

export interface AlertQuery {
  source: Source | 'all';
  statuses: readonly AlertStatus[];
  minObserved: number;
}

export function fetchAlerts(http: Http, cache: AnswerCache, query: AlertQuery): Promise<AlertRow[]> {
  const url = `/api/alerts?source=${query.source}&status=${query.statuses.join(',')}&min_observed=${query.minObserved}`;
  return cache.get(url, async () => {
    const body = await http.json<{ alerts?: unknown }>(url, { feature: 'detection results' });
    if (!Array.isArray(body.alerts)) throw new ApiError('The server’s /api/alerts answer has no alerts list. Tell the vigil operators.', 200, url);
    return body.alerts.map(parseAlert);
  });
}

export function parseAlert(a: Record<string, unknown>): AlertRow {
  return {
    source: a['source'] === 'ed' ? 'ed' : 'deaths',
    measure: String(a['measure']),
    level: String(a['level']),
    geography: String(a['geography']),
    period: String(a['period']),
    periodUnit: a['period_unit'] === 'week' ? 'week' : 'day',
    method: String(a['method']),
    observed: Number(a['observed']),
    expected: nullableNumber(a['expected']),
    threshold: nullableNumber(a['threshold']),
    pValue: nullableNumber(a['p_value']),
    status: (ALERT_STATUSES as readonly unknown[]).includes(a['status']) ? (a['status'] as AlertStatus) : 'insufficient',
    note: typeof a['note'] === 'string' ? a['note'] : null,
    computedAt: typeof a['computed_at'] === 'string' ? a['computed_at'] : null,
  };
}

/** A URL-safe name for one alert: source.measure.geography.method.period (ids have no dots). */
export function alertKey(row: Pick<AlertRow, 'source' | 'measure' | 'geography' | 'method' | 'period'>): string {
  return [row.source, row.measure, row.geography, row.method, row.period].join('.');
}

/** The rows of one series by one method (every period the run kept), in period order. */
export function seriesOf(rows: readonly AlertRow[], of: Pick<AlertRow, 'source' | 'measure' | 'geography' | 'method'>): AlertRow[] {
  return rows
    .filter((r) => r.source === of.source && r.measure === of.measure && r.geography === of.geography && r.method === of.method)
    .sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

/**
 * How often a signal this strong would come up by chance in this one series: 1/(p × analyses a
 * year), the recurrence interval SaTScan reports, with one analysis per period of the series.
 * In days; null without a p-value.
 */
export function recurrenceDays(pValue: number | null, periodUnit: 'day' | 'week'): number | null {
  if (pValue === null || !(pValue > 0)) return null;
  const periodsPerYear = periodUnit === 'day' ? 365 : 52;
  return 365 / (pValue * periodsPerYear);
}

/** A space-time cluster from the permutation scan (Kulldorff 2005), as GET /api/clusters gives it. */
export interface ClusterRow {
  id: string;
  source: Source;
  measure: string | null;
  rank: number;
  centre: string;
  /** Member counties, nearest the centre first. */
  members: string[];
  radiusKm: number | null;
  start: string; // YYYY-MM-DD
  end: string;
  observed: number;
  expected: number;
  relativeRisk: number | null;
  pValue: number;
  /** Days; SaTScan's recurrence interval. */
  recurrenceDays: number | null;
}

export function fetchClusters(http: Http, cache: AnswerCache): Promise<ClusterRow[]> {
  const url = '/api/clusters';
  return cache.get(url, async () => {
    const body = await http.json<{ clusters?: unknown }>(url, { feature: 'space-time clusters' });
    if (!Array.isArray(body.clusters)) throw new ApiError('The server’s /api/clusters answer has no clusters list. Tell the vigil operators.', 200, url);
    return body.clusters.map((c: Record<string, unknown>) => parseCluster(c));
  });
}

export function parseCluster(c: Record<string, unknown>): ClusterRow {
  const source: Source = c['source'] === 'deaths' ? 'deaths' : 'ed';
  const measure = typeof c['measure'] === 'string' ? c['measure'] : null;
  const rank = Number(c['rank'] ?? 0);
  const centre = String(c['centre'] ?? '');
  const counties = c['counties'];
  return {
    // Unique within a run: one ranked list per source and measure.
    id: `${source}.${measure ?? 'any'}.${rank}`,
    source,
    measure,
    rank,
    centre,
    members: Array.isArray(counties) ? counties.map(String) : typeof counties === 'string' ? counties.split(' ') : [centre],
    radiusKm: nullableNumber(c['radius_km']),
    start: String(c['start_date'] ?? ''),
    end: String(c['end_date'] ?? ''),
    observed: Number(c['observed']),
    expected: Number(c['expected']),
    relativeRisk: nullableNumber(c['relative_risk']),
    pValue: Number(c['p_value']),
    recurrenceDays: nullableNumber(c['recurrence_interval_days']),
  };
}
