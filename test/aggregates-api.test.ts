/**
 * GET /api/aggregates and /api/meta over real HTTP on the seeded demo set (plus a few hand-written
 * certificates): rates and intervals as pipeline/stats/rates computes them on Census populations,
 * 12-month-ending sums, breakdowns, ED syndromes, the shares pending and specific, downloads (CSV,
 * Parquet, Arrow), the cache, Connecticut's planning regions, and a 400 naming each bad parameter.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CsvParser } from '../pipeline/formats/csv.ts';
import { loadPopulationFile } from '../pipeline/cli/populations.ts';
import { refreshAggregates } from '../pipeline/jobs/refresh-aggregates.ts';
import { crudeRate } from '../pipeline/stats/rates/crude-rate.ts';
import { NCHS_AGE_GROUPS } from '../pipeline/stats/rates/standard-population.ts';
import { COUNTY_POPULATION_FILE } from '../pipeline/store/reference-data.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

type Row = Record<string, unknown>;
interface Body {
  rows: Row[];
  notes: string[];
  suppression: { applied: boolean; suppressedCells: number; note: string };
  figures_from: string;
  data_as_of: string;
  from: string;
  to: string;
}

const HEADER = 'certificate_id,jurisdiction,death_date,age,sex,residence_county_fips,occurrence_county_fips,manner,part1_a,part1_b,part1_c,part1_d,part2,how_injury';

let server: TestServer;
let epidemiologist: string;
let uploader: string;
beforeAll(async () => {
  server = await startTestServer({ demo: true });
  // Albany County, Wyoming: fentanyl deaths every month from November 2022 (the demo data is 2024-01..04),
  // so 12-month-ending figures have their 12 months; and Connecticut, by legacy county (2019) and planning region (2024).
  const lines: string[] = [];
  for (let m = 0; m < 18; m++) {
    const month = new Date(Date.UTC(2022, 10 + m, 1)).toISOString().slice(0, 7);
    for (let k = 0; k <= m % 3; k++) lines.push(`WY${m}-${k},WY,${month}-1${k},${30 + k},M,56001,56001,A,Acute fentanyl toxicity,,,,,`);
  }
  lines.push('CT2019-1,CT,2019-06-01,44,F,09001,09001,A,Heroin toxicity,,,,,', 'CT2024-1,CT,2024-02-01,39,M,09110,09110,A,Heroin toxicity,,,,,');
  const file = path.join(server.runtime.dataDir, 'extra.csv');
  fs.writeFileSync(file, `${HEADER}\n${lines.join('\n')}\n`);
  expect(await server.runtime.ingest.ingestFile(file, { source: 'cli' })).toMatchObject({ status: 'loaded', recordsRejected: 0 });
  await refreshAggregates(server.runtime.db);
  ({ token: epidemiologist } = await createToken(server.runtime.db.connection, { name: 'api test', role: 'epidemiologist', createdBy: 'test' }));
  ({ token: uploader } = await createToken(server.runtime.db.connection, { name: 'api test uploader', role: 'uploader', jurisdictions: ['OH'], createdBy: 'test' }));
}, 180_000);
afterAll(() => server.close());

const url = (query: string) => new URL(`/api/aggregates?${query}`, server.url);
const headers = (token?: string): RequestInit => (token ? { headers: { authorization: `Bearer ${token}` } } : {});
async function body(query: string, token?: string): Promise<Body> {
  const response = await fetch(url(query), headers(token));
  const json = (await response.json()) as Body & { error?: { message: string } };
  expect(response.status, `${query}: ${json.error?.message}`).toBe(200);
  return json;
}
const rows = async (query: string, token?: string) => (await body(query, token)).rows;

/** Census population (county or state FIPS) in a year, from the committed table (read once). */
let censusTable: Map<string, number> | null = null;
function census(fips: string, year: number): number {
  if (!censusTable) {
    censusTable = new Map();
    for (const [county, state, , , , y, population] of fs.readFileSync(COUNTY_POPULATION_FILE, 'utf8').trim().split('\n').slice(1).map((line) => line.split(','))) {
      for (const key of [`${county}|${y}`, `${state}|${y}`]) censusTable.set(key, (censusTable.get(key) ?? 0) + Number(population));
    }
  }
  return censusTable.get(`${fips}|${year}`) ?? 0;
}

async function sql(text: string, parameters: Record<string, string> = {}): Promise<Row[]> {
  return (await server.runtime.db.connection.runAndReadAll(text, parameters)).getRowObjectsJson() as Row[];
}

describe('GET /api/aggregates', () => {
  it('gives counts, Census populations, crude rates and their 95% CIs as pipeline/stats/rates computes them', async () => {
    const result = await rows('measure=all_deaths&geography=state&unit=month&from=2024-01&to=2024-04', epidemiologist);
    expect(result.length).toBeGreaterThan(150);
    for (const row of result) {
      const population = census(String(row.geography), 2024);
      const estimate = crudeRate(Number(row.count), population);
      expect(row).toMatchObject({ deaths: row.count, population, rate_per_100k: estimate.rate, rate_lower: estimate.lower, rate_upper: estimate.upper, unreliable: Number(row.count) < 20, suppressed: false });
    }
    // Normal approximation from 100 deaths on (CDC WONDER), exact Poisson below.
    const large = result.find((r) => Number(r.count) >= 100)!;
    const rate = Number(large.rate_per_100k);
    expect(Number(large.rate_lower)).toBeCloseTo(rate - (1.96 * rate) / Math.sqrt(Number(large.count)), 12);
    expect(result.some((r) => Number(r.count) < 20 && r.unreliable === true)).toBe(true);
  });

  it('answers from the cache and says when the figures were counted', async () => {
    const response = await fetch(url('measure=all_overdose&geography=nation&unit=month'));
    const json = (await response.json()) as Body;
    expect(json.figures_from).toBe('cache');
    const [state] = await sql(`SELECT strftime(timezone('UTC', refreshed_at), '%Y-%m-%dT%H:%M:%S.%gZ') AS at FROM aggregate_cache_state WHERE source = 'deaths'`);
    expect(json.data_as_of).toBe(state!.at);
    expect(response.headers.get('x-vigil-data-as-of')).toBe(json.data_as_of);
    expect(json.suppression).toEqual({ applied: false, suppressedCells: 0, note: 'National counts are not suppressed (NCHS practice).' });
    expect(json.notes.join(' ')).toContain('Rates are per 100,000 population over each period shown (not annualised)');
  });

  it('sums the 12 months ending in each month (NCHS VSRR), from the first month with 12 before it', async () => {
    const months = new Map((await rows('measure=all_overdose&geography=county&state=56&unit=month&from=2022-11&to=2024-04', epidemiologist)).filter((r) => r.geography === '56001').map((r) => [String(r.period), Number(r.count)]));
    const answer = await body('measure=all_overdose&geography=county&state=56&unit=12mo&from=2019-01&to=2024-06', epidemiologist);
    // The data starts with the Connecticut death of June 2019: the first 12-month period ends in May 2020.
    expect(answer.from).toBe('2020-05');
    expect(answer.notes).toContain('12-month-ending periods before 2020-05 are left out: the data starts in 2019-06.');
    const albany = answer.rows.filter((r) => r.geography === '56001');
    // Every month from the first death (November 2022) to the end of the range asked for.
    expect(albany.map((r) => r.period)).toEqual(Array.from({ length: 20 }, (_, i) => new Date(Date.UTC(2022, 10 + i, 1)).toISOString().slice(0, 7)));
    for (const row of albany) {
      const [y, m] = String(row.period).split('-').map(Number) as [number, number];
      const window = Array.from({ length: 12 }, (_, i) => new Date(Date.UTC(y, m - 1 - i, 1)).toISOString().slice(0, 7));
      expect(row.count, String(row.period)).toBe(window.reduce((sum, month) => sum + (months.get(month) ?? 0), 0));
      expect(row.population).toBe(census('56001', Math.min(y, 2024)));
    }
  });

  it('breaks down by age group (youngest first, unknown last) and by sex, adding up to the totals', async () => {
    const query = 'measure=all_deaths&geography=state&unit=month&from=2024-01&to=2024-02';
    const totals = new Map((await rows(query, epidemiologist)).map((r) => [`${r.geography}|${r.period}`, Number(r.count)]));
    for (const by of ['age_group', 'sex'] as const) {
      const strata = await rows(`${query}&by=${by}`, epidemiologist);
      const sums = new Map<string, number>();
      for (const r of strata) sums.set(`${r.geography}|${r.period}`, (sums.get(`${r.geography}|${r.period}`) ?? 0) + Number(r.count));
      expect(sums, by).toEqual(totals);
      // Populations by age group or sex are not loaded (Census totals only): no rate for a stratum.
      expect(strata.every((r) => r.population === null && r.rate_per_100k === null)).toBe(true);
    }
    const ohio = (await rows(`${query}&by=age_group&state=39`, epidemiologist)).filter((r) => r.period === '2024-01').map((r) => r.age_group);
    const order = [...NCHS_AGE_GROUPS, 'unknown'];
    expect(ohio).toEqual([...ohio].sort((a, b) => order.indexOf(String(a)) - order.indexOf(String(b))));
  });

  it('counts ED visits by syndrome, as the detectors\' daily query does', async () => {
    const result = await rows('source=ed&measure=opioid&geography=state&unit=day&from=2024-02&to=2024-02', epidemiologist);
    const direct = await server.runtime.queries.rows(server.runtime.db.connection, 'ed_daily_counts', { syndrome: 'opioid', geography: 'state', from: '2024-02-01', to: '2024-03-01' });
    expect(result.map((r) => [r.geography, r.period, r.count, r.visits])).toEqual(direct.map((r) => [r.geography, r.day, r.visits, r.visits]));
    expect(result[0]).not.toHaveProperty('pending_share');
  });

  it('gives the share pending investigation (of all deaths) and the drug-specificity share (of overdoses)', async () => {
    const result = await rows('measure=all_overdose&geography=state&unit=month&from=2024-01&to=2024-04', epidemiologist);
    const truth = await sql(`
      SELECT substr(c.residence_county_fips, 1, 2) AS state, strftime(c.death_date, '%Y-%m') AS month,
        count(*) FILTER (WHERE c.manner = 'P') / count(*) AS pending,
        count(*) FILTER (WHERE d.is_drug_overdose AND len(list_filter(d.record_axis, x -> x >= 'T36' AND x < 'T50.9')) > 0) / count(*) FILTER (WHERE d.is_drug_overdose) AS specific
      FROM certificates c JOIN coded_deaths d ON d.record_id = c.record_id AND d.is_current
      WHERE c.is_current AND NOT c.voided AND c.residence_county_fips IS NOT NULL AND c.death_date >= DATE '2024-01-01' AND c.death_date < DATE '2024-05-01'
      GROUP BY ALL`);
    const byKey = new Map(truth.map((t) => [`${t.state}|${t.month}`, t]));
    for (const row of result) {
      const t = byKey.get(`${row.geography}|${row.period}`)!;
      expect(row.pending_share).toBeCloseTo(Number(t.pending), 12);
      expect(row.specificity_share).toBeCloseTo(Number(t.specific), 12);
    }
    expect(result.some((r) => Number(r.pending_share) > 0)).toBe(true);
    expect(result.some((r) => Number(r.specificity_share) < 1)).toBe(true);
  });

  it('gives one state\'s counties, or its own row, with state=', async () => {
    const counties = await rows('measure=all_deaths&geography=county&unit=total&state=39', epidemiologist);
    expect(counties.length).toBeGreaterThan(20);
    expect(counties.every((r) => String(r.geography).startsWith('39') && String(r.geography).length === 5)).toBe(true);
    expect((await rows('measure=all_deaths&geography=state&unit=total&state=39', epidemiologist)).map((r) => r.geography)).toEqual(['39']);
  });

  it('shows an uploader what it shows the public (suppressed), and an epidemiologist everything', async () => {
    const query = 'measure=all_overdose&geography=county&unit=month&state=39';
    const [publicRows, uploaderRows, epidemiologistRows] = await Promise.all([rows(query), rows(query, uploader), rows(query, epidemiologist)]);
    expect(uploaderRows).toEqual(publicRows);
    expect(publicRows.some((r) => r.suppressed === true)).toBe(true);
    expect(epidemiologistRows.every((r) => r.suppressed === false)).toBe(true);
    expect((await body(query)).suppression).toMatchObject({ applied: true, suppressedCells: publicRows.filter((r) => r.suppressed === true).length });
  });

  it('counts Connecticut\'s planning regions in the state, and /api/meta lists the codes the 2017 map cannot draw', async () => {
    const ct = await rows('measure=all_overdose&geography=county&unit=year&state=09&from=2019-01&to=2024-12', epidemiologist);
    // 2019 by legacy county (the one hand-written death), 2024 by planning region (that one and the demo's).
    expect(ct.filter((r) => r.period === '2019').map((r) => [r.geography, r.count, r.population])).toEqual([['09001', 1, census('09001', 2019)]]);
    const regions = ct.filter((r) => r.period === '2024');
    expect(regions.map((r) => r.geography)).toContain('09110');
    expect(regions.every((r) => /^091[1-9]0$/.test(String(r.geography)) && r.population === census(String(r.geography), 2024))).toBe(true);
    const state = await rows('measure=all_overdose&geography=state&unit=year&state=09&from=2019-01&to=2024-12', epidemiologist);
    expect(state.map((r) => [r.period, r.count])).toEqual([['2019', 1], ['2024', regions.reduce((sum, r) => sum + Number(r.count), 0)]]);
    const meta = (await (await fetch(new URL('/api/meta', server.url))).json()) as { map: { countiesWithoutShape: string[]; shapesWithoutCurrentPopulation: string[]; note: string }; syndromes: { id: string }[]; aggregateCache: Record<string, { current: boolean }>; units: string[] };
    expect(meta.map.countiesWithoutShape).toEqual(['02063', '02066', '09110', '09120', '09130', '09140', '09150', '09160', '09170', '09180', '09190']);
    expect(meta.map.shapesWithoutCurrentPopulation).toEqual(expect.arrayContaining(['02261', '09001', '09015']));
    expect(meta.map.note).toContain('No crosswalk is applied');
    expect(meta.syndromes.map((s) => s.id)).toContain('all_drug');
    expect(meta.aggregateCache.deaths!.current).toBe(true);
    expect(meta.units).toEqual(['day', 'week', 'month', 'year', '12mo', 'total']);
  });
});

describe('downloads', () => {
  const query = 'measure=all_overdose&geography=county&unit=month&state=39&from=2024-01&to=2024-03';

  it('CSV: RFC 4180 attachment, one row per JSON row, a note per row, methods in X-Vigil-Notes', async () => {
    const response = await fetch(url(`${query}&format=csv`));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="vigil-deaths-all_overdose-county-39-month-2024-01-2024-03.csv"');
    expect(response.headers.get('x-vigil-notes')).toContain('Counts of 1-9 below the national level are withheld');
    const text = await response.text();
    expect(text.endsWith('\r\n')).toBe(true);
    const parser = new CsvParser();
    const records = parser.push(text);
    parser.end(records);
    const [header, ...lines] = records.map((r) => r.fields);
    const json = await rows(query);
    expect(header).toEqual([...Object.keys(json[0]!), 'note']);
    expect(lines).toHaveLength(json.length);
    lines.forEach((fields, i) => {
      const row = json[i]!;
      expect(fields.slice(0, -1)).toEqual(Object.values(row).map((v) => (v === null ? '' : String(v))));
      expect(fields.at(-1)).toBe(row.suppressed ? 'suppressed (small numbers)' : row.unreliable ? 'unreliable: fewer than 20' : '');
    });
  });

  it('Parquet: typed columns, the same rows, the temporary files deleted', async () => {
    const leftovers = () => fs.readdirSync(os.tmpdir()).filter((f) => f.startsWith('vigil-download-')).length;
    const before = leftovers();
    const response = await fetch(url(`${query}&format=parquet`), headers(epidemiologist));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(response.headers.get('content-disposition')).toMatch(/^attachment; filename="vigil-.*\.parquet"$/);
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 4).toString()).toBe('PAR1');
    const file = path.join(server.runtime.dataDir, 'download.parquet');
    fs.writeFileSync(file, bytes);
    const read = await server.runtime.db.connection.runAndReadAll(`SELECT * FROM read_parquet($file)`, { file });
    const json = await rows(query, epidemiologist);
    expect(read.columnNames()).toEqual(Object.keys(json[0]!));
    expect(read.columnTypes().map(String).slice(0, 5)).toEqual(['VARCHAR', 'VARCHAR', 'INTEGER', 'INTEGER', 'DOUBLE']);
    expect(read.getRowObjectsJson()).toEqual(json);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(leftovers()).toBe(before);
  });

  it('Arrow IPC: the columns the dashboard reads and the new ones, the same rows as JSON', async () => {
    const response = await fetch(url(`${query}&format=arrow`));
    expect(response.headers.get('content-type')).toBe('application/vnd.apache.arrow.stream');
    const table = tableFromIPC(new Uint8Array(await response.arrayBuffer()));
    expect(table.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual([
      'geography:Utf8', 'period:Utf8', 'count:Int32', 'deaths:Int32', 'population:Float64', 'rate_per_100k:Float64', 'rate_lower:Float64', 'rate_upper:Float64',
      'unreliable:Bool', 'suppressed:Bool', 'age_adjusted_rate:Float64', 'age_adjusted_lower:Float64', 'age_adjusted_upper:Float64', 'pending_share:Float64', 'specificity_share:Float64',
    ]);
    expect(table.toArray().map((r) => r.toJSON())).toEqual(await rows(query));
  });
});

describe('bad requests', () => {
  it('answer 400 naming the parameter and its value', async () => {
    const cases: [string, string][] = [
      ['measure=fentanil', 'invalid measure: "fentanil" (a death measure: all_overdose, any_opioid'],
      ['source=ed&measure=all_overdose', 'invalid measure: "all_overdose" (an active ED syndrome: all_drug, benzodiazepine'],
      ['source=births', 'invalid source: "births"'],
      ['geography=planet', 'invalid geography: "planet"'],
      ['state=390', 'invalid state: "390" (a 2-digit state FIPS code)'],
      ['geography=nation&state=39', 'invalid state: "39" (only with geography=county or geography=state)'],
      ['unit=fortnight', 'invalid unit: "fortnight"'],
      ['by=race', 'invalid by: "race"'],
      ['format=xml', 'invalid format: "xml"'],
      ['from=2024-13', 'invalid from: "2024-13" (expected a month as YYYY-MM or a day as YYYY-MM-DD)'],
      ['from=2024-02-30', 'invalid from: "2024-02-30" (not a calendar day)'],
      ['unit=12mo&from=2024-01-15', 'invalid from: "2024-01-15" (unit=12mo takes months, YYYY-MM)'],
      ['from=2024-05&to=2024-01', 'invalid from: "2024-05" is after to "2024-01"'],
      ['sql=drop', 'sql'],
      ['geography=county&unit=month&from=2000-01&to=2024-12', 'more than the 200,000 an answer may have'],
    ];
    for (const [query, message] of cases) {
      const response = await fetch(url(query));
      const json = (await response.json()) as { error: { message: string } };
      expect(response.status, query).toBe(400);
      expect(json.error.message, query).toContain(message);
    }
  });
});

describe('/api/meta after new data', () => {
  // The certificates' extent is kept between requests: new certificates must show at once.
  it('counts a certificate loaded since the last request and extends the months', async () => {
    const meta = async () => (await (await fetch(new URL('/api/meta', server.url))).json()) as { certificates: number; extent: { from: string; to: string } };
    const before = await meta();
    expect(await meta()).toEqual(before);
    const file = path.join(server.runtime.dataDir, 'later.csv');
    fs.writeFileSync(file, `${HEADER}\nWY-LATER,WY,2026-03-02,41,F,56001,56001,A,Acute fentanyl toxicity,,,,,\n`);
    expect(await server.runtime.ingest.ingestFile(file, { source: 'cli' })).toMatchObject({ status: 'loaded' });
    const after = await meta();
    expect(after.certificates).toBe(before.certificates + 1);
    expect(after.extent).toEqual({ from: before.extent.from, to: '2026-03' });
  });

  // The map coverage is kept between requests too, by the populations' version.
  it('reads the map coverage again when populations are loaded', async () => {
    const coverage = async () => ((await (await fetch(new URL('/api/meta', server.url))).json()) as { map: { countiesWithoutShape: string[]; shapesWithoutCurrentPopulation: string[] } }).map;
    const before = await coverage();
    expect(await coverage()).toEqual(before);
    expect(before.shapesWithoutCurrentPopulation).not.toContain('01001');
    // Estimates for a later year, for one county only: the codes current now are that one alone.
    const file = path.join(server.runtime.dataDir, 'autauga-2031.csv');
    const lines = ['fips,year,age_group,sex,population', ...NCHS_AGE_GROUPS.flatMap((group) => ['M', 'F'].map((sex) => `01001,2031,${group},${sex},1000`))];
    fs.writeFileSync(file, lines.join('\n') + '\n');
    await loadPopulationFile(server.runtime.db, file);
    const after = await coverage();
    expect(after.countiesWithoutShape).toEqual([]);
    expect(after.shapesWithoutCurrentPopulation).not.toContain('01001');
    expect(after.shapesWithoutCurrentPopulation).toContain('01003');
    expect(after.shapesWithoutCurrentPopulation.length).toBeGreaterThan(before.shapesWithoutCurrentPopulation.length + 3000);
  });

  // The populations' version is read with the cache status (one query): a load must still make
  // the next answer anew, on the new populations, not hand back the one kept.
  it('answers with the new populations after a load, not the answer kept before it', async () => {
    const query = 'source=deaths&measure=all_deaths&geography=county&state=56&unit=year&from=2023-01&to=2023-12';
    const ask = async () => {
      const response = await fetch(url(query), headers(epidemiologist));
      const { rows } = (await response.json()) as Body;
      return { answer: response.headers.get('x-vigil-answer'), albany: rows.find((r) => r.geography === '56001')! };
    };
    // Answers are kept only from a current cache (a test above loaded a certificate after the refresh).
    await refreshAggregates(server.runtime.db);
    await ask();
    const kept = await ask();
    expect(kept.answer).toBe('kept');
    expect(kept.albany.population).toBe(census('56001', 2023));
    const file = path.join(server.runtime.dataDir, 'albany-2023.csv');
    const lines = ['fips,year,age_group,sex,population', ...NCHS_AGE_GROUPS.flatMap((group) => ['M', 'F'].map((sex) => `56001,2023,${group},${sex},1000`))];
    fs.writeFileSync(file, lines.join('\n') + '\n');
    await loadPopulationFile(server.runtime.db, file);
    const after = await ask();
    expect(after.answer).toBe('built');
    expect(after.albany.population).toBe(NCHS_AGE_GROUPS.length * 2 * 1000);
    expect(after.albany.count).toBe(kept.albany.count);
  });
});
