/**
 * Every number a report shows comes through this file, from what the API itself serves:
 * - deaths, rates with their 95% intervals, age-adjusted rates, pending shares and their
 *   small-number suppression from the aggregates service (pipeline/stats/aggregates/), asked the
 *   same questions /api/aggregates answers, so a public report withholds exactly what the public
 *   API withholds for them and the two cannot be combined to recover a withheld count;
 * - drug combinations from `drug_combinations` with /api/combinations' own protection;
 * - alerts from `latest_alerts` with /api/alerts' own small-count rule;
 * - populations (`report_populations`) for places and months without deaths, which the
 *   aggregates carry no row for; `data_extent` and `death_measures`.
 * For an unsuppressed reader each question is asked twice, so the figures the public version
 * withholds can be flagged.
 */
import { listValue } from '@duckdb/node-api';
import type { AggregateQuery, AggregateService } from '../../pipeline/stats/aggregates/aggregate-service.ts';
import type { AggregateRow } from '../../pipeline/stats/aggregates/rows.ts';
import { calendarYearsCovered } from '../../pipeline/stats/aggregates/public-grid.ts';
import { listDefinitions } from '../../pipeline/store/syndrome-definitions.ts';
import { isSmallSubnationalCount } from '../routes/alerts.ts';
import { combinationProtection, type CombinationCell, type Protection } from '../../pipeline/stats/rates/combination-protection.ts';
import type { AppServices } from '../services.ts';
import { addMonths, dateRange, type Period } from './period.ts';
import type { Place } from './places.ts';

export interface DataSource extends Pick<AppServices, 'db' | 'queries'> {
  aggregates: AggregateService;
}

export interface DataExtent {
  /** First and last month with current certificates. */
  first: string;
  last: string;
  /** When data last arrived (ISO 8601, UTC). */
  dataAsOf: string | null;
  synthetic: boolean;
}

export interface Interval {
  rate: number;
  lower: number;
  upper: number;
}

/** One cell of an aggregate answer, as this reader may see it. */
export interface AggregateCell {
  /** null: withheld from this reader. */
  count: number | null;
  /** Withheld in the public version (for an unsuppressed reader: to flag it). */
  publiclyHidden: boolean;
  population: number | null;
  /** Per 100,000 over the cell's own period (not annualised), as the aggregates give it. */
  crude: Interval | null;
  ageAdjusted: Interval | null;
  /** Share (0-1) of all deaths pending investigation; null where not given. */
  pendingShare: number | null;
  /** The public version gives no age-adjusted rate / pending share where this reader has one. */
  ageAdjustedPubliclyHidden: boolean;
  pendingPubliclyHidden: boolean;
}

/** An aggregate answer by "geography|period" (period '' for a total). A missing cell is a shown 0. */
export type AggregateTable = ReadonlyMap<string, AggregateCell>;

export const cellKey = (geography: string, period: string | null) => `${geography}|${period ?? ''}`;

export interface PopulationRow {
  geography: string;
  year: number;
  population: number;
}

export interface AlertRecord {
  source: 'deaths' | 'ed';
  measure: string;
  measureLabel: string;
  level: 'nation' | 'state' | 'county';
  geography: string;
  /** The day (ED) or the MMWR week's Sunday (deaths). */
  period: string;
  periodUnit: 'day' | 'week';
  method: string;
  observed: number;
  expected: number | null;
  pValue: number | null;
  status: 'alert' | 'warning';
  /** /api/alerts leaves this alert out for the public (1-9 cases below the nation). */
  publiclyHidden: boolean;
}

export interface ReportPeriods {
  period: Period;
  /** The period of equal length before it, when the data cover all of it. */
  previous: Period | null;
  /** The months the trend chart shows (the period and at least the 23 months before it that have data). */
  trend: Period;
}

export interface MeasureAnswers {
  key: string;
  label: string;
  total: AggregateTable;
  previousTotal: AggregateTable | null;
}

export interface ReportData {
  /** Whether any age-specific population estimates are loaded (age adjustment needs them). */
  ageGroupsLoaded: boolean;
  /** All drug overdose deaths at the place: the months of the period, of the previous period and before, and the totals. */
  overdose: MeasureAnswers & { months: { period: AggregateTable; previous: AggregateTable | null; earlier: AggregateTable | null } };
  /** The drug classes (death_measures other than all overdoses and all deaths), in their order. */
  classes: MeasureAnswers[];
  /** The place's population by year (for months without deaths). */
  populations: PopulationRow[];
  /** The map's areas: the states (nation report) or the state's counties, over the period. */
  areas: { level: 'state' | 'county'; table: AggregateTable; populations: PopulationRow[] };
  combinations: {
    cells: CombinationCell[];
    /** What /api/combinations withholds for the public. */
    protection: Protection;
    labels: ReadonlyMap<string, string>;
    /**
     * Below the nation the public gets combinations by calendar year only (public-grid.ts): a
     * period that is not one whole year withholds the table from the public version.
     */
    offGrid: boolean;
  };
  alerts: AlertRecord[];
}

/** Alerts with fewer cases are left out, as on the dashboard: one case after zeros "alerts" by EARS. */
export const ALERT_MIN_OBSERVED = 3;

const OVERDOSE = 'all_overdose';

export async function readExtent({ db, queries }: DataSource): Promise<DataExtent | null> {
  const [row] = await queries.rows(db.connection, 'data_extent');
  if (!row?.first_month || !row.last_month) return null;
  return {
    first: String(row.first_month),
    last: String(row.last_month),
    dataAsOf: row.data_as_of ? String(row.data_as_of) : null,
    synthetic: row.synthetic === true,
  };
}

function interval(rate: unknown, lower: unknown, upper: unknown): Interval | null {
  return typeof rate === 'number' && typeof lower === 'number' && typeof upper === 'number' ? { rate, lower, upper } : null;
}

function tableOf(rows: readonly AggregateRow[], publicRows: readonly AggregateRow[] | null): AggregateTable {
  const keyOf = (r: AggregateRow) => cellKey(String(r.geography), r.period as string | null);
  const hidden = new Set((publicRows ?? rows).filter((r) => r.suppressed === true).map(keyOf));
  const publicByKey = new Map((publicRows ?? []).map((r) => [keyOf(r), r]));
  const table = new Map<string, AggregateCell>();
  for (const r of rows) {
    const key = keyOf(r);
    const publicRow = publicRows ? publicByKey.get(key) : r;
    table.set(key, {
      count: r.suppressed === true || r.count === null ? null : Number(r.count),
      publiclyHidden: hidden.has(key),
      population: typeof r.population === 'number' ? r.population : null,
      crude: interval(r.rate_per_100k, r.rate_lower, r.rate_upper),
      ageAdjusted: interval(r.age_adjusted_rate, r.age_adjusted_lower, r.age_adjusted_upper),
      pendingShare: typeof r.pending_share === 'number' ? r.pending_share : null,
      ageAdjustedPubliclyHidden: typeof r.age_adjusted_rate === 'number' && typeof publicRow?.age_adjusted_rate !== 'number',
      pendingPubliclyHidden: typeof r.pending_share === 'number' && typeof publicRow?.pending_share !== 'number',
    });
  }
  // A cell the public version withholds as a zero has no row in the unsuppressed answer.
  for (const key of hidden) {
    if (!table.has(key)) table.set(key, { count: 0, publiclyHidden: true, population: null, crude: null, ageAdjusted: null, pendingShare: null, ageAdjustedPubliclyHidden: false, pendingPubliclyHidden: false });
  }
  return table;
}

export async function gatherReportData(source: DataSource, place: Place, periods: ReportPeriods, publicRelease: boolean): Promise<ReportData> {
  const { db, queries, aggregates } = source;
  const rows = (name: string, parameters: Record<string, string | boolean | number | ReturnType<typeof listValue>> = {}) => queries.rows(db.connection, name, parameters);
  const state = place.state?.code ?? null;

  /** One question to the aggregates service, as /api/aggregates would answer it to this reader. */
  const ask = async (measure: string, geography: 'nation' | 'state' | 'county', unit: 'month' | 'total', period: Period): Promise<AggregateTable> => {
    const range = dateRange(period);
    const query: AggregateQuery = { source: 'deaths', measure, geography, state: geography === 'nation' ? null : state, unit, by: null, from: range.from, to: range.to };
    const answer = await aggregates.answer(query, { suppress: publicRelease });
    const publicAnswer = publicRelease || geography === 'nation' ? null : await aggregates.answer(query, { suppress: true });
    return tableOf(answer.rows, publicAnswer?.rows ?? null);
  };
  const level = place.level;
  const totals = async (measure: string) => ({
    total: await ask(measure, level, 'total', periods.period),
    previousTotal: periods.previous ? await ask(measure, level, 'total', periods.previous) : null,
  });

  const allMeasures = await rows('death_measures');
  const measures = allMeasures.filter((m) => m.key !== 'all_deaths' && m.key !== OVERDOSE);
  const labelOf = new Map(allMeasures.map((m) => [String(m.key), String(m.label)]));
  // Each period's months are asked as one question with its total (the key figure), so the service
  // protects them together; months before the previous period are a question of their own.
  const earlierEnd = periods.previous?.from ?? periods.period.from;
  const overdose = {
    key: OVERDOSE,
    label: labelOf.get(OVERDOSE) ?? OVERDOSE,
    ...(await totals(OVERDOSE)),
    months: {
      period: await ask(OVERDOSE, level, 'month', periods.period),
      previous: periods.previous ? await ask(OVERDOSE, level, 'month', periods.previous) : null,
      earlier: periods.trend.from < earlierEnd ? await ask(OVERDOSE, level, 'month', { from: periods.trend.from, to: addMonths(earlierEnd, -1) }) : null,
    },
  };
  const classes: MeasureAnswers[] = [];
  for (const m of measures) classes.push({ key: String(m.key), label: String(m.label), ...(await totals(String(m.key))) });

  // The map: the nation's states, or the counties of the place's state (a county report shows its neighbours).
  const areaLevel = level === 'nation' ? 'state' : 'county';
  const areas = {
    level: areaLevel,
    table: await ask(OVERDOSE, areaLevel, 'total', periods.period),
    populations: (await rows('report_populations', { level: areaLevel, prefix: state ?? '' })).map(populationRow),
  } as const;

  const [coverage] = await rows('population_coverage');
  return {
    ageGroupsLoaded: coverage?.has_age_groups === true,
    overdose,
    classes,
    populations: (await rows('report_populations', { level, prefix: place.prefix })).map(populationRow),
    areas,
    combinations: await combinations(source, place, periods.period),
    alerts: await placeAlerts(source, place, periods.period, labelOf),
  };
}

function populationRow(r: Record<string, unknown>): PopulationRow {
  return { geography: String(r.geography), year: Number(r.year), population: Number(r.population) };
}

/** The place's overdose deaths by drug combination over the period, protected as /api/combinations protects a table. */
async function combinations({ db, queries }: DataSource, place: Place, period: Period): Promise<ReportData['combinations']> {
  const [extent] = await queries.rows(db.connection, 'drug_combination_extent', { source: 'deaths' });
  const dataDays = extent?.first_day ? { first: String(extent.first_day), last: String(extent.last_day) } : null;
  const { from, to } = dateRange(period);
  const offGrid = place.level !== 'nation' && calendarYearsCovered(from, to, dataDays)?.length !== 1;
  const labels = new Map(((extent?.classes as { class: string; label: string }[] | undefined) ?? []).map((c) => [c.class, c.label]));
  const rows = await queries.rows(db.connection, 'drug_combinations', {
    source: 'deaths',
    geography: place.level,
    place: place.level === 'nation' ? '' : place.prefix,
    unit: 'month',
    ...dateRange(period),
  });
  const counts = new Map<string, number>();
  for (const row of rows) if (row.geography === place.code) counts.set(String(row.combination), (counts.get(String(row.combination)) ?? 0) + Number(row.records));
  const cells: CombinationCell[] = [...counts].map(([combination, count]) => ({ combination, classes: combination === 'unspecified' ? [] : combination.split('+'), count }));
  return { cells, protection: combinationProtection(cells, { suppress: place.level !== 'nation' }), labels, offGrid };
}

/**
 * The latest detection run's alerts and warnings for the place's own series (and, in a state
 * report, its counties'), in the period.
 */
async function placeAlerts({ db, queries }: DataSource, place: Place, period: Period, measureLabels: ReadonlyMap<string, string>): Promise<AlertRecord[]> {
  const rows = await queries.rows(db.connection, 'latest_alerts', { source: 'all', statuses: listValue(['alert', 'warning']), min_observed: ALERT_MIN_OBSERVED });
  const { from, to } = dateRange(period);
  const wanted = rows.filter((r) => {
    const geography = String(r.geography);
    const inPlace = (r.level === place.level && geography === place.code) || (place.level === 'state' && r.level === 'county' && geography.startsWith(place.code));
    return inPlace && String(r.period) >= from && String(r.period) < to;
  });
  const syndromeNames = wanted.some((r) => r.source === 'ed')
    ? new Map((await listDefinitions(db.connection)).filter((d) => d.active).map((d) => [d.id, d.name]))
    : new Map<string, string>();
  return wanted.map((r) => {
    const measure = String(r.measure);
    return {
      source: r.source === 'ed' ? 'ed' : 'deaths',
      measure,
      measureLabel: (r.source === 'ed' ? syndromeNames.get(measure) : measureLabels.get(measure)) ?? measure,
      level: r.level as AlertRecord['level'],
      geography: String(r.geography),
      period: String(r.period),
      periodUnit: r.period_unit === 'week' ? 'week' : 'day',
      method: String(r.method),
      observed: Number(r.observed),
      expected: r.expected === null ? null : Number(r.expected),
      pValue: r.p_value === null ? null : Number(r.p_value),
      status: r.status === 'alert' ? 'alert' : 'warning',
      publiclyHidden: isSmallSubnationalCount(r),
    };
  });
}
