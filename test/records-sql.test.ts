/**
 * Exact rows of the named queries behind GET /api/records and GET /api/alerts' filters
 * (sql/queries/line_list_deaths.sql, line_list_ed.sql, alerts_of_latest_run.sql), on the ten
 * hand-written certificates and ten ED visits of fixtures/samples and hand-written alert rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestRuntime, type TestRuntime } from './helpers/runtime.ts';

const SAMPLES = new URL('../fixtures/samples/', import.meta.url).pathname;

let runtime: TestRuntime;
beforeAll(async () => {
  runtime = await openTestRuntime();
  await runtime.ingest.ingestFile(`${SAMPLES}certificates-small.csv`, { source: 'cli' });
  await runtime.ingest.ingestFile(`${SAMPLES}ed-visits-small.csv`, { source: 'cli' });
}, 120_000);
afterAll(() => runtime.dispose());

const rows = (name: string, parameters: Record<string, string | number>) => runtime.queries.rows(runtime.db.connection, name, parameters);
const deaths = (parameters: Record<string, string | number>) =>
  rows('line_list_deaths', { measure: 'all_overdose', level: 'nation', place: '', from: '2024-01-01', to: '2024-03-01', limit: 100, offset: 0, ...parameters });
const CODED = { coded_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/), lexicon_version: expect.any(String), record_id: expect.stringMatching(/^\d+$/) };

describe('line_list_deaths', () => {
  it('gives one page of a measure’s deaths, oldest first, each with its certificate and current coding, and the total', async () => {
    expect(await deaths({ measure: 'cocaine', limit: 1 })).toEqual([
      {
        total: 2,
        ...CODED,
        jurisdiction: 'OH',
        certificate_id: '2024OH000002',
        version: 1,
        death_date: '2024-01-09',
        age: 51,
        sex: 'F',
        residence_county_fips: '39061',
        occurrence_county_fips: '39061',
        manner: 'A',
        part1_a: 'Mixed drug (fentanyl; cocaine; ethanol) intoxication',
        part1_b: null,
        part1_c: null,
        part1_d: null,
        part2: 'Hypertensive cardiovascular disease',
        how_injury: 'Ingested drugs',
        coder: 'vigil-death-coder/1',
        underlying_cause: 'X42',
        record_axis: ['X42', 'T40.4', 'T40.5', 'T51.0', 'I11.9'],
        entity_axis: JSON.stringify([
          { line: 1, position: 1, code: 'T40.4', text: 'fentanyl', nature_of_injury: true },
          { line: 1, position: 2, code: 'T40.5', text: 'cocaine', nature_of_injury: true },
          { line: 1, position: 3, code: 'T51.0', text: 'ethanol', nature_of_injury: true },
          { line: 6, position: 1, code: 'I11.9', text: 'hypertensive cardiovascular disease', nature_of_injury: false },
        ]),
        drugs: JSON.stringify([{ name: 'fentanyl', code: 'T40.4' }, { name: 'cocaine', code: 'T40.5' }, { name: 'ethanol', code: 'T51.0' }]),
        intent: 'accident',
        review_required: false,
        review_reasons: [],
        trace: JSON.stringify([
          { rule: 'drug poisoning', detail: 'Part I describes a poisoning by fentanyl (T40.4), cocaine (T40.5), ethanol (T51.0).' },
          { rule: 'external cause by intent', detail: 'Drugs fall in the row "narcotics and psychodysleptics (T40)"; intent accident gives X42.' },
        ]),
      },
    ]);
    expect((await deaths({ measure: 'cocaine', offset: 1 })).map((r) => [r.total, r.certificate_id])).toEqual([[2, '2024KY000001']]);
  });

  it('reads places and days as the aggregates do: county, state (first two digits), nation; [from, to)', async () => {
    const ids = async (parameters: Record<string, string | number>) => (await deaths(parameters)).map((r) => r.certificate_id);
    expect(await ids({})).toEqual(['2024OH000001', '2024OH000002', '2024KY000001', '2024OH000004', '2024OH000005', '2024KY000003']);
    expect(await ids({ level: 'state', place: '21' })).toEqual(['2024KY000001', '2024KY000003']);
    expect(await ids({ level: 'county', place: '39049' })).toEqual(['2024OH000004', '2024OH000005']);
    expect(await ids({ from: '2024-01-09', to: '2024-02-02' })).toEqual(['2024OH000002', '2024KY000001']);
    expect(await ids({ measure: 'all_deaths', level: 'county', place: '21067' })).toEqual(['2024KY000004']);
  });

  it('answers an empty page with one row: the total, and no record', async () => {
    const [row, ...rest] = await deaths({ measure: 'heroin', level: 'state', place: '21' });
    expect(rest).toEqual([]);
    expect(row!.total).toBe(0);
    expect(Object.entries(row!).filter(([key, value]) => key !== 'total' && value !== null)).toEqual([]);
    expect((await deaths({ offset: 6 })).map((r) => [r.total, r.record_id])).toEqual([[6, null]]);
  });
});

describe('line_list_ed', () => {
  it('gives the visits meeting a syndrome in a place, with their current coding', async () => {
    const page = await rows('line_list_ed', { syndrome: 'all_drug', level: 'county', place: '39049', from: '2024-03-01', to: '2024-03-02', limit: 100, offset: 0 });
    expect(page).toEqual([
      {
        total: 1,
        ...CODED,
        facility_id: 'F3904901',
        visit_id: 'F3904901-2024-000101',
        version: 1,
        visit_datetime: '2024-03-01T01:12:44',
        age: 34,
        sex: 'M',
        patient_county_fips: '39049',
        chief_complaint: 'OD on fent',
        triage_note: 'pt found down in car by friend, narcan x2 by EMS, now A&Ox3',
        discharge_diagnoses: ['T40.411A', 'F11.10'],
        coder: 'vigil-ed-coder/1',
        codes: ['T40.411A', 'F11.10'],
        drugs: JSON.stringify([{ name: 'fentanyl', code: 'T40.41', death_class: 'T40.4' }]),
        drug_classes: ['T40.4'],
        syndromes: ['all_drug', 'fentanyl', 'opioid'],
        negated: [],
        intent: 'accidental',
        review_required: false,
        review_reasons: [],
      },
    ]);
    const state = await rows('line_list_ed', { syndrome: 'all_drug', level: 'state', place: '39', from: '2024-03-01', to: '2024-03-02', limit: 100, offset: 0 });
    expect(state.map((r) => [r.total, r.patient_county_fips])).toEqual([[2, '39049'], [2, '39025']]);
    expect((await rows('line_list_ed', { syndrome: 'all_drug', level: 'nation', place: '', from: '2024-03-02', to: '2024-04-01', limit: 100, offset: 0 })).map((r) => [r.total, r.record_id])).toEqual([[0, null]]);
  });
});

describe('alerts_of_latest_run', () => {
  it('filters the latest run by source, statuses, cases, measure, level, place, method and period', async () => {
    const c = runtime.db.connection;
    const insert = (run: string, at: string, measure: string, level: string, geography: string, period: string, method: string, observed: number, status: string) =>
      c.run(`INSERT INTO alerts VALUES ($run, CAST($at AS TIMESTAMPTZ), 'ed', $measure, $level, $geography, CAST($period AS DATE), 'day', $method, $observed, 2, 5, 0.001, $status, NULL)`, { run, at, measure, level, geography, period, method, observed, status });
    await insert('old', '2024-03-01T00:00:00Z', 'fentanyl', 'state', '39', '2024-02-29', 'ears_c2', 9, 'alert');
    await insert('new', '2024-03-02T00:00:00Z', 'fentanyl', 'state', '39', '2024-03-01', 'ears_c2', 9, 'alert');
    await insert('new', '2024-03-02T00:00:00Z', 'fentanyl', 'county', '39049', '2024-03-01', 'switch', 4, 'warning');
    await insert('new', '2024-03-02T00:00:00Z', 'all_drug', 'nation', 'US', '2024-02-20', 'switch', 90, 'none');
    const find = async (filters: Record<string, string | number>) =>
      (
        await rows('alerts_of_latest_run', { source: 'all', statuses: '["alert","warning","none"]', min_observed: 0, measure: '', level: '', geography: '', method: '', from: '0001-01-01', to: '9999-12-31', ...filters })
      ).map((r) => [r.run_id, r.measure, r.geography, r.period, r.method, r.status]);
    expect(await find({})).toEqual([
      ['new', 'fentanyl', '39', '2024-03-01', 'ears_c2', 'alert'],
      ['new', 'fentanyl', '39049', '2024-03-01', 'switch', 'warning'],
      ['new', 'all_drug', 'US', '2024-02-20', 'switch', 'none'],
    ]);
    expect(await find({ statuses: '["alert"]' })).toEqual([['new', 'fentanyl', '39', '2024-03-01', 'ears_c2', 'alert']]);
    expect(await find({ min_observed: 5 })).toEqual([['new', 'fentanyl', '39', '2024-03-01', 'ears_c2', 'alert'], ['new', 'all_drug', 'US', '2024-02-20', 'switch', 'none']]);
    expect(await find({ measure: 'all_drug' })).toEqual([['new', 'all_drug', 'US', '2024-02-20', 'switch', 'none']]);
    expect(await find({ level: 'county' })).toEqual([['new', 'fentanyl', '39049', '2024-03-01', 'switch', 'warning']]);
    expect(await find({ geography: '39' })).toEqual([['new', 'fentanyl', '39', '2024-03-01', 'ears_c2', 'alert']]);
    expect(await find({ method: 'switch', to: '2024-03-01' })).toEqual([['new', 'all_drug', 'US', '2024-02-20', 'switch', 'none']]);
    expect(await find({ from: '2024-03-01', to: '2024-03-02' })).toHaveLength(2);
    expect(await find({ source: 'deaths' })).toEqual([]);
    await c.run('DELETE FROM alerts');
    expect(await find({})).toEqual([]);
  });
});
