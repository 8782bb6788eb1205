/**
 * The thin I/O shell of the aggregates: runs the named queries (sql/queries/aggregate_*.sql) on the
 * cache when it is current, or on the records when it is not, and composes the answer with the pure
 * parts of this folder (estimates, hierarchy suppression, rows, notes). One instance per app; it
 * keeps, per data version, the suppression of each question asked (a suppression depends on the
 * counts only), so the tables of a family are protected once however many views read them.
 */
import type { DuckDBResultReader } from '@duckdb/node-api';
import { runPrepared } from '../../store/prepared.ts';
import type { Database } from '../../store/database.ts';
import type { QueryCatalog, Row } from '../../store/sql-files.ts';
import { NCHS_AGE_GROUPS } from '../rates/standard-population.ts';
import { aggregateColumns, type Breakdown, type ColumnSpec, type Source } from './columns.ts';
import { ageAdjustedFigures, NO_AGE_ADJUSTMENT, type AgeAdjustedFigures } from './estimates.ts';
import { ALL, HierarchySuppression } from './hierarchy-suppression.ts';
import { methodNotes, suppressionSummary, type SuppressionSummary } from './notes.ts';
import { calendarYearsCovered, GridSuppression, OffGridError, publicGridProblem } from './public-grid.ts';
import { addMonths, countStart, isWholeMonths, partialPeriodNotes, periodsOf, type Unit } from './periods.ts';
import { compareRows, countCellsOf, figuresRow, suppressedRow, type AggregateRow, type CountCell } from './rows.ts';

export type Level = 'county' | 'state' | 'nation';

/** Responses stay below this many rows (DESIGN.md: aggregate on the server). */
export const MAX_ROWS = 200_000;

export const STRATA: Record<Breakdown, readonly string[]> = {
  age_group: [...NCHS_AGE_GROUPS, 'unknown'],
  sex: ['M', 'F', 'U'],
};

export interface AggregateQuery {
  source: Source;
  measure: string;
  geography: Level;
  /** A 2-digit state FIPS: that state's counties (or its own row) only. */
  state: string | null;
  unit: Unit;
  by: Breakdown | null;
  /** First day, YYYY-MM-DD. */
  from: string;
  /** The day after the last, YYYY-MM-DD. */
  to: string;
}

export interface CacheStatus {
  current: boolean;
  dataVersion: string;
  refreshedAt: string | null;
  firstDay: string | null;
  lastDay: string | null;
  /** The populations' version, read with the status (population_version.sql). */
  populationVersion: string;
}

export interface AggregateAnswer {
  columns: ColumnSpec[];
  rows: AggregateRow[];
  /** When the figures were counted: the cache's refresh, or now when counted from the records. */
  dataAsOf: string;
  figuresFrom: 'cache' | 'records';
  /** The range actually covered (a 12-month-ending range starts where the data allows). */
  from: string;
  to: string;
  suppression: SuppressionSummary;
  notes: string[];
}

interface Geographies {
  states: string[];
  countiesByState: Map<string, string[]>;
}

interface PlanEntry {
  /** The suppression with its states' counts, once they are read (shared by concurrent requests). */
  ready: Promise<{ plan: HierarchySuppression; states: readonly string[] }>;
  /** Per state: its counties' counts being or having been added (each state fed exactly once). */
  countiesFed: Map<string, Promise<void>>;
  extraCounties: Map<string, Set<string>>;
}

const PLAN_MEMO = 16;

/**
 * One request's reading of what answers depend on besides the question: each source's cache
 * status and the populations' version, each read once however many calls of the request ask
 * (an answer read them four or five times, at 2-4 ms a query, and could see two versions).
 */
export interface AggregateReading {
  status(source: Source): Promise<CacheStatus>;
  /** Checks the populations' version (re-reading populations that changed); whether age groups exist. */
  coverage(): Promise<{ hasAgeGroups: boolean }>;
}

export class AggregateService {
  private readonly plans = new Map<string, PlanEntry>();
  private geographies: Promise<Geographies> | null = null;
  private geographiesVersion = '';
  private readonly populationTables = new Map<string, Promise<PopulationTable>>();
  private populationVersion = '';
  private hasAgeGroups: boolean | null = null;

  constructor(
    private readonly db: Database,
    private readonly queries: QueryCatalog,
    private readonly options: { onStale?: (source: Source) => void } = {},
  ) {}

  private rows(name: string, parameters: Record<string, string | boolean> = {}): Promise<Row[]> {
    return this.queries.rows(this.db.connection, name, parameters);
  }

  /** Runs a named query as a statement prepared once (planning the aggregate query costs more than running it on the cache). */
  private run(name: string, parameters: Record<string, string | boolean>): Promise<DuckDBResultReader> {
    return runPrepared(this.db.connection, this.queries.sql(name), parameters);
  }

  async cacheStatus(source: Source): Promise<CacheStatus> {
    const [row] = (await this.run('aggregate_cache_status', { source })).getRowObjectsJson();
    const dataVersion = String(row?.data_version ?? '');
    const current = row?.cached_version !== null && row?.cached_version !== undefined && row.cached_version === dataVersion;
    return {
      current,
      dataVersion,
      refreshedAt: (row?.refreshed_at as string | null | undefined) ?? null,
      firstDay: current ? ((row?.first_day as string | null) ?? null) : null,
      lastDay: current ? ((row?.last_day as string | null) ?? null) : null,
      populationVersion: String(row?.population_version ?? ''),
    };
  }

  /** The first and last day with records (from the cache when current, else counted). */
  async dataExtent(source: Source, status: CacheStatus): Promise<{ first: string; last: string } | null> {
    if (status.current) return status.firstDay && status.lastDay ? { first: status.firstDay, last: status.lastDay } : null;
    const [row] = await this.rows('aggregate_extent', { source });
    return row?.first_day ? { first: String(row.first_day), last: String(row.last_day) } : null;
  }

  /** Rows the answer could have at most (every place × period × stratum), checked before any counting. */
  /**
   * What an answer about `source` depends on besides the question: the records and codings (the
   * cache's data version) and the populations. `current` is false while the cache lags the records
   * (answers are then counted from the records, with data_as_of = now, and are not worth keeping).
   */
  async answerVersion(source: Source, reading: AggregateReading = this.reading()): Promise<{ current: boolean; version: string }> {
    const status = await reading.status(source);
    await reading.coverage();
    return { current: status.current, version: `${status.dataVersion}|${this.populationVersion}` };
  }

  /** The version of the populations table (it changes with every load of estimates), as of `reading`. */
  async populationsVersion(reading: AggregateReading = this.reading()): Promise<string> {
    await reading.coverage();
    return this.populationVersion;
  }

  /** A fresh reading, for the calls of one request (each call without one makes its own). */
  reading(): AggregateReading {
    const statuses = new Map<Source, Promise<CacheStatus>>();
    let coverage: Promise<{ hasAgeGroups: boolean }> | null = null;
    return {
      status: (source) => {
        let status = statuses.get(source);
        if (!status) statuses.set(source, (status = this.cacheStatus(source)));
        return status;
      },
      // A status read in this reading carries the populations' version: no second query.
      coverage: () => (coverage ??= this.syncPopulations(statuses.values().next().value?.then((s) => s.populationVersion))),
    };
  }

  async denseRows(query: AggregateQuery, reading: AggregateReading = this.reading()): Promise<number> {
    await reading.coverage();
    const { states, countiesByState } = await this.loadGeographies();
    const places =
      query.geography === 'nation' ? 1 : query.geography === 'state' ? (query.state ? 1 : states.length) : query.state ? (countiesByState.get(query.state)?.length ?? 0) : [...countiesByState.values()].reduce((s, c) => s + c.length, 0);
    return places * periodsOf(query.unit, query.from, query.to).length * (query.by ? STRATA[query.by].length : 1);
  }

  async answer(asked: AggregateQuery, caller: { suppress: boolean }, reading: AggregateReading = this.reading()): Promise<AggregateAnswer> {
    const status = await reading.status(asked.source);
    if (!status.current) this.options.onStale?.(asked.source);
    const notes = methodNotes(asked.source, asked.unit, asked.by);
    const query = { ...asked };
    if (query.unit === '12mo') {
      // A 12-month-ending value needs its 12 months: none before the data's 12th month.
      const extent = await this.dataExtent(query.source, status);
      const firstComplete = extent ? addMonths(extent.first, 11) : query.from;
      if (firstComplete > query.from) {
        query.from = firstComplete < query.to ? firstComplete : query.to;
        notes.push(`12-month-ending periods before ${firstComplete.slice(0, 7)} are left out: the data starts in ${extent!.first.slice(0, 7)}.`);
      }
    }
    notes.push(...partialPeriodNotes(query.unit, query.from, query.to));
    const cached = status.current;
    const dataAsOf = cached && status.refreshedAt ? status.refreshedAt : new Date().toISOString();
    const columns = aggregateColumns(query.source, query.by);
    const suppress = caller.suppress && query.geography !== 'nation';
    const offGrid = suppress ? publicGridProblem(query.unit, query.from, query.to) : null;
    if (offGrid !== null) throw new OffGridError(offGrid);
    const base = { columns, dataAsOf, figuresFrom: cached ? ('cache' as const) : ('records' as const), from: query.from, to: query.to };
    if (query.from >= query.to) return { ...base, from: asked.from, to: asked.to, rows: [], suppression: suppressionSummary(suppress, 0, query.geography), notes };

    const coverage = await reading.coverage();
    const cells = await this.counts(query, query.by ?? 'none', cached, query.geography, query.state);
    const adjustment = coverage.hasAgeGroups && query.by !== 'age_group' ? await this.ageAdjustment(query, cached, cells) : null;
    if (query.by !== 'age_group') {
      if (!adjustment) notes.push('Age-adjusted rates need age-specific population estimates, and none are loaded (vigil populations load FILE): they are empty.');
      else if (adjustment.missing > 0) notes.push(`Age-adjusted rates are empty for ${adjustment.missing} cells: ${[...adjustment.reasons].join('; ')}.`);
    }
    const adjustedOf = (cell: CountCell): AgeAdjustedFigures => adjustment?.figures.get(cellKey(cell)) ?? NO_AGE_ADJUSTMENT;

    const rows: AggregateRow[] = [];
    let withheld = 0;
    if (!suppress) {
      for (const cell of cells) rows.push(figuresRow(query.source, query.by, cell, { shares: true, adjusted: adjustedOf(cell) }));
      if (query.by) rows.sort(compareRows(query.by, STRATA[query.by])); // strata in their order, not alphabetical
    } else {
      const plan = await this.gridPlan(query, query.by, status, cached, cells);
      const agePlan = adjustment && query.by === null ? await this.gridPlan(query, 'age_group', status, cached, adjustment.ageCells) : null;
      const seen = new Set<string>();
      for (const cell of cells) {
        seen.add(cellKey(cell));
        if (plan.reason(cell.geography, cell.period, cell.stratum) !== null) {
          rows.push(suppressedRow(query.source, query.by, cell.geography, cell.period, cell.stratum));
          withheld++;
          continue;
        }
        const ageCellsShown = agePlan !== null && STRATA.age_group.every((age) => agePlan.reason(cell.geography, cell.period, age) === null);
        rows.push(
          figuresRow(query.source, query.by, cell, {
            shares: query.geography === 'state' && query.by === null,
            adjusted: ageCellsShown ? adjustedOf(cell) : NO_AGE_ADJUSTMENT,
          }),
        );
      }
      // Withheld zeros are rows too: a missing row would say "0".
      for (const hidden of plan.hiddenCells(query.geography as 'state' | 'county', query.state, query.by !== null)) {
        if (seen.has(cellKey(hidden))) continue;
        rows.push(suppressedRow(query.source, query.by, hidden.geography, hidden.period, hidden.stratum));
        withheld++;
      }
      rows.sort(compareRows(query.by, query.by ? STRATA[query.by] : []));
    }
    return { ...base, rows, suppression: suppressionSummary(suppress, withheld, query.geography), notes };
  }

  private async counts(query: AggregateQuery, by: Breakdown | 'age_sex' | 'none', cached: boolean, geography: Level, state: string | null): Promise<CountCell[]> {
    // The smallest cache table that answers: monthly roll-ups for whole months, daily ones without
    // a breakdown, else the counts by county and day; the records themselves when it is stale.
    const monthly = ['month', '12mo', 'year', 'total'].includes(query.unit) && isWholeMonths(query.from, query.to);
    const grain = monthly ? (by === 'none' ? 'month' : 'month_by') : by === 'none' ? 'day' : 'base';
    const parameters = {
      source: query.source,
      measure: query.measure,
      // Shares pending are over all deaths of the same cell; given without a breakdown only.
      pending_measure: query.source === 'deaths' && by === 'none' ? 'all_deaths' : '',
      geography,
      state: state ?? '',
      unit: query.unit,
      by,
      start: countStart(query.unit, query.from),
      from: query.from,
      to: query.to,
    };
    const reader = cached ? await this.run('aggregate_counts', { ...parameters, grain }) : await this.run('aggregate_counts_live', parameters);
    const population = await this.populations(geography, by === 'none' ? 'all' : by);
    // Read by column: turning tens of thousands of rows into JSON objects costs more than the query.
    const values = reader.getColumns() as (string | number | null)[][];
    const cells = countCellsOf(Object.fromEntries(reader.columnNames().map((name, i) => [name, values[i] ?? []])));
    for (const cell of cells) cell.population = population.at(cell.geography, cell.stratum, cell.populationYear);
    return cells;
  }

  /**
   * Populations of a level and stratum kind, by year, read once per version of the populations
   * table: a rate takes its period's year, or the latest earlier estimate.
   */
  private async populations(geography: Level, kind: 'all' | Breakdown | 'age_sex'): Promise<PopulationTable> {
    const key = `${geography}|${kind}`;
    let table = this.populationTables.get(key);
    if (!table) {
      table = this.rows('aggregate_populations', { geography, kind }).then((rows) => new PopulationTable(rows));
      this.populationTables.set(key, table);
      table.catch(() => this.populationTables.delete(key));
    }
    return table;
  }

  /** Age-adjusted figures per cell, and the age-specific counts they came from. */
  private async ageAdjustment(query: AggregateQuery, cached: boolean, cells: readonly CountCell[]) {
    const bySex = query.by === 'sex';
    const ageCells = await this.counts(query, bySex ? 'age_sex' : 'age_group', cached, query.geography, query.state);
    const populations = await this.populations(query.geography, bySex ? 'age_sex' : 'age_group');
    const deaths = new Map<string, Map<string, number>>();
    for (const cell of ageCells) {
      const [age, sex] = bySex ? cell.stratum.split('|') : [cell.stratum, ALL];
      const key = `${cell.geography}|${cell.period ?? ''}|${sex}`;
      if (!deaths.has(key)) deaths.set(key, new Map());
      deaths.get(key)!.set(age!, cell.count);
    }
    const populationByAge = (geography: string, sex: string, year: number): Map<string, number> | null => {
      const byAge = new Map<string, number>();
      for (const age of populations.strataOf(geography)) {
        const [group, groupSex] = bySex ? age.split('|') : [age, ALL];
        if (groupSex !== sex) continue;
        const population = populations.at(geography, age, year);
        if (population !== null) byAge.set(group!, population);
      }
      return byAge.size > 0 ? byAge : null;
    };
    const figures = new Map<string, AgeAdjustedFigures>();
    const reasons = new Set<string>();
    let missing = 0;
    for (const cell of cells) {
      const sex = bySex ? cell.stratum : ALL;
      const population = populationByAge(cell.geography, sex, cell.populationYear);
      // A state or the nation is adjusted only when every county in it has age groups: their sum
      // is then its population (the loader checks each county's groups add up to its total).
      const covered = population !== null && cell.population !== null && Math.abs([...population.values()].reduce((a, b) => a + b, 0) - cell.population) < 0.5;
      const result = !population
        ? { reason: 'no age-specific population for the place and year' }
        : !covered
          ? { reason: 'age-specific populations cover only part of the place' }
          : ageAdjustedFigures(deaths.get(`${cell.geography}|${cell.period ?? ''}|${sex}`) ?? new Map(), population);
      if ('reason' in result) {
        missing++;
        reasons.add(result.reason);
      } else figures.set(cellKey(cell), result);
    }
    // The age plan protects age-specific counts without sex: give it those.
    const ageOnly = bySex ? [] : ageCells;
    return { figures, missing, reasons, ageCells: ageOnly };
  }

  /**
   * The public's suppression of a question, read off the grid of calendar-year blocks
   * (public-grid.ts): the same cells withheld whatever range or unit is asked.
   */
  private async gridPlan(query: AggregateQuery, by: Breakdown | null, status: CacheStatus, cached: boolean, responseCells: readonly CountCell[]): Promise<GridSuppression> {
    const extent = await this.dataExtent(query.source, status);
    // A question over one block's data (the year, or its months with data) has the block's own
    // counts: they feed the block's plan, saving its queries.
    const covered = calendarYearsCovered(query.from, query.to, extent);
    const sameCounts = (unit: Unit, year: number) => covered?.length === 1 && covered[0] === year && unit === query.unit;
    const block = (unit: Unit, year: number) =>
      this.plan({ ...query, unit, from: `${year}-01-01`, to: `${year + 1}-01-01` }, by, status.dataVersion, cached, sameCounts(unit, year) ? responseCells : null);
    return GridSuppression.build(query.unit, query.from, query.to, extent, { months: (y) => block('month', y), totals: (y) => block('total', y) });
  }

  /**
   * The suppression of a question's family (same source, measure, unit, range, breakdown and data),
   * fed the counts it needs: states always, the counties of the states asked about. `responseCells`
   * are the answer's own cells when they are of this family (saves a query), else null.
   */
  private async plan(query: AggregateQuery, by: Breakdown | null, dataVersion: string, cached: boolean, responseCells: readonly CountCell[] | null): Promise<HierarchySuppression> {
    const periods = periodsOf(query.unit, query.from, query.to);
    const rangeTotals = query.unit !== 'total' && query.unit !== '12mo' && periods.length > 1;
    // The unit=total answer over the same range is served too: its suppression comes first.
    const totals = rangeTotals ? await this.plan({ ...query, unit: 'total' }, by, dataVersion, cached, null) : undefined;
    const key = JSON.stringify([query.source, query.measure, query.unit, query.from, query.to, by, dataVersion]);
    const geographies = await this.loadGeographies();
    const stratified = by ?? 'none';
    const own = responseCells !== null && (by === query.by || (by === 'age_group' && query.by === null)) ? responseCells : null;
    let entry = this.plans.get(key);
    if (entry) {
      this.plans.delete(key); // most recently used last
      this.plans.set(key, entry);
    } else {
      // Registered before anything is awaited, so concurrent requests share one computation.
      const extraCounties = new Map<string, Set<string>>();
      const ready = (async () => {
        const stateCells = own && query.geography === 'state' && query.state === null ? own : await this.counts(query, stratified, cached, 'state', null);
        // Every state with a population, and any other with counts (a territory, say).
        const states = [...new Set([...geographies.states, ...stateCells.map((c) => c.geography)])].sort();
        const plan = new HierarchySuppression({
          periods,
          strata: by ? STRATA[by] : [],
          rangeTotals,
          ...(totals ? { totals } : {}),
          states,
          countiesOf: (state) => [...new Set([...(geographies.countiesByState.get(state) ?? []), ...(extraCounties.get(state) ?? [])])].sort(),
        });
        for (const cell of stateCells) plan.addCount(cell.geography, cell.period, cell.stratum, cell.count);
        return { plan, states };
      })();
      entry = { ready, countiesFed: new Map(), extraCounties };
      this.plans.set(key, entry);
      ready.catch(() => this.plans.get(key) === entry && this.plans.delete(key)); // a failed read is not remembered
      while (this.plans.size > PLAN_MEMO) this.plans.delete(this.plans.keys().next().value!);
    }
    const { plan, states } = await entry.ready;
    if (query.geography === 'county') {
      const wanted = query.state ? [query.state] : states;
      const missing = wanted.filter((s) => !entry.countiesFed.has(s));
      if (missing.length > 0) {
        const fed = new Set(missing);
        const feeding = (async () => {
          const cells = own ?? (await this.counts(query, stratified, cached, 'county', query.state));
          for (const cell of cells) {
            const state = cell.geography.slice(0, 2);
            if (!fed.has(state)) continue;
            if (!entry.extraCounties.has(state)) entry.extraCounties.set(state, new Set());
            entry.extraCounties.get(state)!.add(cell.geography);
            plan.addCount(cell.geography, cell.period, cell.stratum, cell.count);
          }
        })();
        for (const s of missing) entry.countiesFed.set(s, feeding);
        feeding.catch(() => this.plans.delete(key)); // counts half-added: start this family again
      }
      await Promise.all(wanted.map((s) => entry.countiesFed.get(s)));
    }
    return plan;
  }

  /**
   * What populations are loaded (age-specific or not), read once per question: a changed version
   * (a load) drops the populations and places read before.
   */
  /** @param known the version as a cache status read it, else it is read here */
  private async syncPopulations(known?: Promise<string>): Promise<{ hasAgeGroups: boolean }> {
    const version = known ? await known : String((await this.run('population_version', {})).getRowObjectsJson()[0]?.version ?? '');
    if (version !== this.populationVersion || this.hasAgeGroups === null) {
      this.populationTables.clear();
      this.geographies = null;
      this.populationVersion = version;
      const [coverage] = await this.rows('population_coverage');
      this.hasAgeGroups = coverage?.has_age_groups === true;
    }
    return { hasAgeGroups: this.hasAgeGroups };
  }

  private loadGeographies(): Promise<Geographies> {
    if (this.geographies && this.geographiesVersion === this.populationVersion) return this.geographies;
    this.geographiesVersion = this.populationVersion;
    const loading = this.rows('aggregate_geographies').then((rows) => {
      const countiesByState = new Map<string, string[]>();
      for (const row of rows) {
        const state = String(row.state);
        if (!countiesByState.has(state)) countiesByState.set(state, []);
        countiesByState.get(state)!.push(String(row.county));
      }
      return { states: [...countiesByState.keys()].sort(), countiesByState };
    });
    this.geographies = loading;
    loading.catch(() => this.geographies === loading && (this.geographies = null));
    return loading;
  }
}

/** Populations by place and stratum, each a list of (year, population) in year order. */
class PopulationTable {
  private readonly series = new Map<string, { years: number[]; populations: number[] }>();
  private readonly strata = new Map<string, string[]>();

  constructor(rows: readonly Row[]) {
    for (const row of rows) {
      const geography = String(row.geography);
      const stratum = String(row.stratum);
      const key = `${geography}|${stratum}`;
      let entry = this.series.get(key);
      if (!entry) {
        this.series.set(key, (entry = { years: [], populations: [] }));
        if (!this.strata.has(geography)) this.strata.set(geography, []);
        this.strata.get(geography)!.push(stratum);
      }
      entry.years.push(Number(row.year));
      entry.populations.push(Number(row.population));
    }
  }

  /** The estimate for the year, or the latest before it; null when there is none. */
  at(geography: string, stratum: string, year: number): number | null {
    const entry = this.series.get(`${geography}|${stratum}`);
    if (!entry) return null;
    let lo = 0;
    let hi = entry.years.length - 1;
    if (entry.years[0]! > year) return null;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (entry.years[mid]! <= year) lo = mid;
      else hi = mid - 1;
    }
    return entry.populations[lo]!;
  }

  strataOf(geography: string): readonly string[] {
    return this.strata.get(geography) ?? [];
  }
}

function cellKey(cell: { geography: string; period: string | null; stratum: string }): string {
  return `${cell.geography}|${cell.period ?? ''}|${cell.stratum}`;
}
