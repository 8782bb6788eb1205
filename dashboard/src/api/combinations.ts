// Drug combinations (GET /api/combinations): per place and period, which drug classes occur
// together in overdose deaths, each combination's count, share and change from the period before,
// and the class × class co-occurrence counts (the diagonal: records with the class at all).
import type { AnswerCache } from '../cache.ts';
import { nullableNumber } from './aggregates.ts';
import { ApiError, type Http } from './http.ts';

export type CombinationUnit = 'month' | 'quarter' | 'year';

export interface Combination {
  /** Drug-class keys, e.g. ['synthetic_opioid', 'cocaine']; empty for "unspecified". */
  drugs: string[];
  /** Null when withheld (a small count for the public below the nation). */
  count: number | null;
  /** Of the place-period's overdose records, 0-1. */
  share: number | null;
  /** The count in the period before; null when unknown or withheld. */
  previousCount: number | null;
  suppressed: boolean;
}

export interface PairCount {
  a: string;
  b: string;
  count: number | null;
}

export interface CombinationTable {
  geography: string;
  period: string;
  /** The period is only partly inside the data. */
  partial: boolean;
  total: number | null;
  previousPeriod: string | null;
  combinations: Combination[];
  /** The withheld combinations together, when some are withheld. */
  other: { count: number | null; share: number | null } | null;
  pairs: PairCount[];
}

export interface Combinations {
  /** Class key → label, in the server's order. */
  classes: Map<string, string>;
  tables: CombinationTable[];
  /** "none", or how small counts were withheld. */
  suppression: string;
}

export interface CombinationQuery {
  from: string; // YYYY-MM
  to: string;
  /** A state FIPS to restrict to, or null for the nation. */
  state: string | null;
  unit: CombinationUnit;
}

/** Months for up to a year, quarters for up to three, then years: enough periods to see a change. */
export function combinationUnit(months: number): CombinationUnit {
  return months <= 12 ? 'month' : months <= 36 ? 'quarter' : 'year';
}

export function fetchCombinations(http: Http, cache: AnswerCache, query: CombinationQuery): Promise<Combinations> {
  const params = new URLSearchParams({ geography: query.state ? 'state' : 'nation', unit: query.unit, from: query.from, to: query.to });
  if (query.state) params.set('place', query.state);
  const url = `/api/combinations?${params}`;
  return cache.get(url, async () => {
    const body = await http.json<Record<string, unknown>>(url, { feature: 'drug combinations' });
    if (!Array.isArray(body['tables'])) throw new ApiError('The server’s /api/combinations answer has no tables. Tell the vigil operators.', 200, url);
    return parseCombinations(body);
  });
}

export function parseCombinations(body: Record<string, unknown>): Combinations {
  const classes = new Map(((body['classes'] as { class: string; label: string }[] | undefined) ?? []).map((c) => [String(c.class), String(c.label)]));
  const tables = (body['tables'] as Record<string, unknown>[]).map((t): CombinationTable => {
    const other = t['other'] as Record<string, unknown> | null | undefined;
    return {
      geography: String(t['geography']),
      period: String(t['period']),
      partial: t['partial'] === true,
      total: nullableNumber(t['total']),
      previousPeriod: typeof t['previous_period'] === 'string' ? t['previous_period'] : null,
      combinations: ((t['combinations'] as Record<string, unknown>[] | undefined) ?? []).map((c) => ({
        drugs: ((c['classes'] as unknown[] | undefined) ?? []).map(String),
        count: nullableNumber(c['count']),
        share: nullableNumber(c['share']),
        previousCount: nullableNumber(c['previous_count']),
        suppressed: c['suppressed'] === true,
      })),
      other: other ? { count: nullableNumber(other['count']), share: nullableNumber(other['share']) } : null,
      pairs: ((t['pairs'] as Record<string, unknown>[] | undefined) ?? []).map((p) => ({ a: String(p['a']), b: String(p['b']), count: p['suppressed'] === true ? null : nullableNumber(p['count']) })),
    };
  });
  return { classes, tables, suppression: typeof body['suppression'] === 'string' ? body['suppression'] : 'none' };
}
