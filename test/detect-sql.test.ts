/**
 * Exact rows of the named queries added for clusters, concordance and drug combinations
 * (sql/queries/), on the hand-written sample certificates and ED visits, as test/sql.test.ts does
 * for the others. Each `expectations` entry is written to be moved into sql.test.ts as is.
 */
import { listValue, type DuckDBValue } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await openTestRuntime();
  for (const sample of ['certificates-small.csv', 'ed-visits-small.csv']) {
    const report = await runtime.ingest.ingestFile(new URL(`../fixtures/samples/${sample}`, import.meta.url).pathname, { source: 'cli' });
    expect(report.status).toBe('loaded');
  }
});
afterAll(() => runtime.dispose());

const RUN = '11111111-1111-4111-8111-111111111111';
const OLD = '00000000-0000-4000-8000-000000000000';

const expectations: Record<string, () => Promise<void>> = {
  death_daily_counts: async () => {
    // Overdoses by day of death: OH 01-03, 01-09 (39061); 02-02, 02-11 (39049); KY 01-20, 02-22 (21111).
    const run = (geography: string, to = '2024-03-01') => runtime.queries.rows(runtime.db.connection, 'death_daily_counts', { measure: 'all_overdose', geography, from: '2024-01-01', to });
    expect(await run('county')).toEqual([
      { geography: '21111', day: '2024-01-20', deaths: 1 },
      { geography: '21111', day: '2024-02-22', deaths: 1 },
      { geography: '39049', day: '2024-02-02', deaths: 1 },
      { geography: '39049', day: '2024-02-11', deaths: 1 },
      { geography: '39061', day: '2024-01-03', deaths: 1 },
      { geography: '39061', day: '2024-01-09', deaths: 1 },
    ]);
    expect(await run('nation', '2024-01-10')).toEqual([
      { geography: 'US', day: '2024-01-03', deaths: 1 },
      { geography: 'US', day: '2024-01-09', deaths: 1 },
    ]);
  },
  drug_combinations: async () => {
    const run = (parameters: Record<string, string>) =>
      runtime.queries.rows(runtime.db.connection, 'drug_combinations', { source: 'deaths', place: '', from: '2024-01-01', to: '2024-03-01', ...parameters });
    // The six overdoses' record axes: T40.5 (KY000001); T40.3 (KY000003); T40.4 + T43.6 (OH000001);
    // T40.4 + T40.5 + T51.0 (OH000002); T40.2 + T42.4 (OH000004); T40.1 + T40.4 (OH000005).
    expect(await run({ geography: 'county', unit: 'month' })).toEqual([
      { geography: '21111', period: '2024-01', combination: 'cocaine', records: 1 },
      { geography: '21111', period: '2024-02', combination: 'methadone', records: 1 },
      { geography: '39049', period: '2024-02', combination: 'natural_semisynthetic+benzodiazepine', records: 1 },
      { geography: '39049', period: '2024-02', combination: 'synthetic_opioid+heroin', records: 1 },
      { geography: '39061', period: '2024-01', combination: 'synthetic_opioid+cocaine+alcohol', records: 1 },
      { geography: '39061', period: '2024-01', combination: 'synthetic_opioid+psychostimulant', records: 1 },
    ]);
    expect(await run({ geography: 'state', place: '21', unit: 'quarter', to: '2024-04-01' })).toEqual([
      { geography: '21', period: '2024-Q1', combination: 'cocaine', records: 1 },
      { geography: '21', period: '2024-Q1', combination: 'methadone', records: 1 },
    ]);
    expect(await run({ geography: 'county', place: '39061', unit: 'year', to: '2025-01-01' })).toEqual([
      { geography: '39061', period: '2024', combination: 'synthetic_opioid+cocaine+alcohol', records: 1 },
      { geography: '39061', period: '2024', combination: 'synthetic_opioid+psychostimulant', records: 1 },
    ]);
    // ED: the visit coded T40.411A (fentanyl → T40.4) and the one coded T39.1X1A (acetaminophen: other drug).
    expect(await run({ source: 'ed', geography: 'nation', unit: 'year', to: '2025-01-01' })).toEqual([
      { geography: 'US', period: '2024', combination: 'other_drug', records: 1 },
      { geography: 'US', period: '2024', combination: 'synthetic_opioid', records: 1 },
    ]);
  },
  drug_combination_extent: async () => {
    const [deaths] = await runtime.queries.rows(runtime.db.connection, 'drug_combination_extent', { source: 'deaths' });
    expect(deaths).toMatchObject({ first_day: '2024-01-03', last_day: '2024-02-22' });
    expect((deaths!.classes as { class: string }[]).map((c) => c.class)).toEqual([
      'synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'other_opioid', 'cocaine', 'psychostimulant',
      'benzodiazepine', 'cannabis', 'antidepressant', 'xylazine', 'alcohol', 'other_drug',
    ]);
    expect((deaths!.classes as { label: string }[])[0]!.label).toBe('Fentanyl and other synthetic opioids (T40.4)');
    expect(await runtime.queries.rows(runtime.db.connection, 'drug_combination_extent', { source: 'ed' })).toMatchObject([{ first_day: '2024-03-01', last_day: '2024-03-01' }]);
  },
  detection_run: async () => {
    await runtime.db.connection.run(
      `INSERT INTO detection_runs VALUES ($old, TIMESTAMPTZ '2024-03-01 04:45:00+00', DATE '2024-02-29', NULL, '{"series":1}'),
                                         ($run, TIMESTAMPTZ '2024-03-02 04:45:00+00', DATE '2024-03-01', DATE '2024-03-01', '{"series":2}')`,
      { old: OLD, run: RUN },
    );
    const run = (runId: string) => runtime.queries.rows(runtime.db.connection, 'detection_run', { run_id: runId });
    expect(await run('')).toEqual([{ run_id: RUN, computed_at: '2024-03-02T04:45:00.000Z', deaths_through: '2024-03-01', ed_through: '2024-03-01', summary: '{"series":2}' }]);
    expect(await run(OLD)).toEqual([{ run_id: OLD, computed_at: '2024-03-01T04:45:00.000Z', deaths_through: '2024-02-29', ed_through: null, summary: '{"series":1}' }]);
    expect(await run('no-such-run')).toEqual([]);
  },
  run_clusters: async () => {
    const insert = (run: string, source: string, measure: string, rank: number, counties: string[], p: number, llr: number) =>
      runtime.db.connection.run(
        `INSERT INTO clusters VALUES ($run, $source, $measure, 'space_time_permutation', $rank, $centre, $counties, $states, 12.5,
           DATE '2024-02-27', DATE '2024-03-01', 4, 9, 2.5, 4.1, $llr, $p, 1 / $p, DATE '2023-03-02', 120, 999, 1)`,
        { run, source, measure, rank, centre: counties[0]!, counties: listValue(counties), states: listValue([...new Set(counties.map((c) => c.slice(0, 2)))]), p, llr },
      );
    await insert(OLD, 'ed', 'fentanyl', 1, ['39061'], 0.001, 12);
    await insert(RUN, 'ed', 'fentanyl', 2, ['21111', '21067'], 0.04, 6.5);
    await insert(RUN, 'ed', 'fentanyl', 1, ['39061', '39017'], 0.002, 9.1);
    await insert(RUN, 'deaths', 'synthetic_opioid', 1, ['39049'], 0.03, 7);
    const run = (parameters: Record<string, DuckDBValue>) =>
      runtime.queries.rows(runtime.db.connection, 'run_clusters', { run_id: RUN, source: 'all', measure: '', max_p: 1, state: '', ...parameters });
    // The run's clusters only, most significant first.
    expect((await run({})).map((r) => [r.source, r.measure, r.rank, r.counties, r.p_value])).toEqual([
      ['ed', 'fentanyl', 1, ['39061', '39017'], 0.002],
      ['deaths', 'synthetic_opioid', 1, ['39049'], 0.03],
      ['ed', 'fentanyl', 2, ['21111', '21067'], 0.04],
    ]);
    const [first] = await run({});
    expect(first).toEqual({
      source: 'ed', measure: 'fentanyl', method: 'space_time_permutation', rank: 1, centre: '39061', counties: ['39061', '39017'], states: ['39'],
      radius_km: 12.5, start_date: '2024-02-27', end_date: '2024-03-01', days: 4, observed: 9, expected: 2.5, relative_risk: 4.1, llr: 9.1,
      p_value: 0.002, recurrence_interval_days: 500, study_start: '2023-03-02', total_cases: 120, replicates: 999, seed: 1,
    });
    expect((await run({ state: '21' })).map((r) => r.centre)).toEqual(['21111']);
    expect((await run({ source: 'deaths' })).map((r) => r.measure)).toEqual(['synthetic_opioid']);
    expect((await run({ measure: 'fentanyl', max_p: 0.01 })).map((r) => r.rank)).toEqual([1]);
    expect(await run({ run_id: 'no-such-run' })).toEqual([]);
  },
  run_concordance: async () => {
    const insert = (run: string, level: string, geography: string, status: string, p: number | null) =>
      runtime.db.connection.run(
        `INSERT INTO concordance_signals VALUES ($run, 'fentanyl', 'synthetic_opioid', $level, $geography, DATE '2024-02-26', DATE '2024-02-28', 3, 0.001, 31,
           DATE '2024-02-25', DATE '2024-03-03', 1, 6, 1.2, 26, 31, 5, $p, $status, '1 of 4 weeks of deaths so far')`,
        { run, level, geography, status, p },
      );
    await insert(OLD, 'state', '39', 'alert', 0.0001);
    await insert(RUN, 'state', '39', 'warning', 0.02);
    await insert(RUN, 'county', '39061', 'alert', 0.003);
    await insert(RUN, 'nation', 'US', 'none', 0.4);
    await insert(RUN, 'county', '21111', 'pending', null);
    const run = (parameters: Record<string, DuckDBValue>) =>
      runtime.queries.rows(runtime.db.connection, 'run_concordance', {
        run_id: RUN, statuses: listValue(['alert', 'warning', 'none', 'pending', 'insufficient']), level: 'all', syndrome: '', death_measure: '', state: '', ...parameters,
      });
    // Alerts, then warnings, pending, none.
    expect((await run({})).map((r) => [r.level, r.geography, r.status])).toEqual([
      ['county', '39061', 'alert'], ['state', '39', 'warning'], ['county', '21111', 'pending'], ['nation', 'US', 'none'],
    ]);
    const [first] = await run({});
    expect(first).toEqual({
      syndrome: 'fentanyl', death_measure: 'synthetic_opioid', level: 'county', geography: '39061', ed_first_day: '2024-02-26', ed_last_day: '2024-02-28',
      ed_alert_days: 3, ed_min_p: 0.001, ed_visits: 31, window_start: '2024-02-25', window_end: '2024-03-03', window_weeks: 1, deaths_observed: 6,
      deaths_expected: 1.2, baseline_weeks: 26, baseline_deaths: 31, rate_ratio: 5, p_value: 0.003, status: 'alert', note: '1 of 4 weeks of deaths so far',
    });
    expect((await run({ statuses: listValue(['alert', 'warning']) })).map((r) => r.geography)).toEqual(['39061', '39']);
    expect((await run({ state: '39' })).map((r) => r.geography)).toEqual(['39061', '39']);
    expect((await run({ level: 'county', syndrome: 'fentanyl', death_measure: 'synthetic_opioid' })).map((r) => r.geography)).toEqual(['39061', '21111']);
    expect(await run({ syndrome: 'heroin' })).toEqual([]);
  },
};

describe('named queries for clusters, concordance and drug combinations', () => {
  for (const [name, check] of Object.entries(expectations)) it(`${name} returns the exact rows`, check);

  it('cover every query file they are for', () => {
    expect(Object.keys(expectations).every((name) => runtime.queries.names().includes(name))).toBe(true);
  });
});
