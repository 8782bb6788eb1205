// The dashboard's side of the API (dashboard/src/api/*, cache.ts): reading each answer, telling
// "not on this server yet" from an error, the token on every request. A fake fetch stands in for
// the server; the browser tests run the real one.
import { Bool, Float64, Int32, Int64, Table, Utf8, tableFromIPC, tableToIPC, vectorFromArray } from 'apache-arrow';
import { describe, expect, test, vi } from 'vitest';
import { aggregateSearch, aggregatesFromArrow } from '../../dashboard/src/api/aggregates.ts';
import { columnReader } from '../../dashboard/src/api/arrow-columns.ts';
import { alertKey, parseAlert, parseCluster, recurrenceDays, seriesOf } from '../../dashboard/src/api/alerts.ts';
import { parseReport } from '../../dashboard/src/api/batches.ts';
import { parseCombinations } from '../../dashboard/src/api/combinations.ts';
import { ApiError, Http, NotAvailableError, rejectsNewParameter } from '../../dashboard/src/api/http.ts';
import { parseMeta } from '../../dashboard/src/api/meta.ts';
import { parseQueueItem, parseRecord } from '../../dashboard/src/api/records.ts';
import { AnswerCache } from '../../dashboard/src/cache.ts';
import { parseAlertKey } from '../../dashboard/src/views/alerts.ts';
import { alert } from './rows.ts';

const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const serverError = (status: number, message: string) => json(status, { error: { status, message } });

function httpAnswering(response: () => Response | Promise<Response>, token: string | null = null, onUnauthorized = () => {}) {
  const fetch = vi.fn(async (_url: string | URL | Request, _init?: RequestInit) => response());
  return { http: new Http({ token: () => token, onUnauthorized, fetch: fetch as unknown as typeof globalThis.fetch }), fetch };
}

describe('aggregatesFromArrow', () => {
  test('reads the columns every server sends; unreliable under 20 when the server does not say', () => {
    const bytes = tableToIPC(
      new Table({
        geography: vectorFromArray(['24510', '24029'], new Utf8()),
        period: vectorFromArray([null, null], new Utf8()),
        deaths: vectorFromArray([412, 2], new Int32()),
        population: vectorFromArray([569_931, null], new Float64()),
        rate_per_100k: vectorFromArray([72.29, null], new Float64()),
      }),
      'stream',
    );
    const { rows, hasAgeAdjusted, hasIntervals } = aggregatesFromArrow(bytes);
    expect([hasAgeAdjusted, hasIntervals]).toEqual([false, false]);
    expect(rows).toEqual([
      { geography: '24510', period: null, count: 412, population: 569_931, ratePer100k: 72.29, suppressed: false, unreliable: false, rateLower: null, rateUpper: null, ageAdjustedRate: null, ageAdjustedLower: null, ageAdjustedUpper: null, pendingShare: null },
      { geography: '24029', period: null, count: 2, population: null, ratePer100k: null, suppressed: false, unreliable: true, rateLower: null, rateUpper: null, ageAdjustedRate: null, ageAdjustedLower: null, ageAdjustedUpper: null, pendingShare: null },
    ]);
  });

  test('reads suppression, confidence limits and age-adjusted rates when present; a suppressed cell has no count or rate', () => {
    const bytes = tableToIPC(
      new Table({
        geography: vectorFromArray(['24', '10'], new Utf8()),
        period: vectorFromArray(['2024-01', '2024-01'], new Utf8()),
        deaths: vectorFromArray([BigInt(131), null], new Int64()),
        population: vectorFromArray([6_180_253, 1_031_890], new Float64()),
        rate_per_100k: vectorFromArray([2.12, 0.58], new Float64()),
        suppressed: vectorFromArray([false, true], new Bool()),
        unreliable: vectorFromArray([false, true], new Bool()),
        rate_lower: vectorFromArray([1.77, null], new Float64()),
        rate_upper: vectorFromArray([2.51, null], new Float64()),
        age_adjusted_rate: vectorFromArray([2.2, null], new Float64()),
      }),
      'stream',
    );
    const { rows, hasAgeAdjusted, hasIntervals } = aggregatesFromArrow(bytes);
    expect([hasAgeAdjusted, hasIntervals]).toEqual([true, true]);
    expect(rows[0]).toMatchObject({ count: 131, rateLower: 1.77, rateUpper: 2.51, ageAdjustedRate: 2.2, suppressed: false });
    // Even had a server sent a rate for a suppressed cell, the page does not show it.
    expect(rows[1]).toMatchObject({ count: null, ratePer100k: null, suppressed: true, unreliable: true });
  });

  test('names a missing column', () => {
    const bytes = tableToIPC(new Table({ geography: vectorFromArray(['US'], new Utf8()) }), 'stream');
    expect(() => aggregatesFromArrow(bytes)).toThrow('missing column period');
  });
});

describe('columnReader', () => {
  // Values as the server writes them (server/arrow.ts: one batch, nulls in a validity bitmap),
  // and the shapes read with Vector.get instead: several batches, 64-bit ints.
  const columns = {
    geography: vectorFromArray(['24510', null, '24029', 'Doña Ana', '35013'], new Utf8()),
    ascii: vectorFromArray(['2024-01', '2024-02', null, '', '2024-12'], new Utf8()),
    deaths: vectorFromArray([412, null, 2, 0, -1], new Int32()),
    rate: vectorFromArray([72.29, 0.5, null, 0, 1e-9], new Float64()),
    flag: vectorFromArray([true, false, null, true, false], new Bool()),
    big: vectorFromArray([BigInt(1), null, BigInt(3), BigInt(4), BigInt(5)], new Int64()),
  };
  const asGet = (table: Table) => Object.keys(columns).map((name) => Array.from({ length: table.numRows }, (_, i) => table.getChild(name)!.get(i)));
  const asReader = (table: Table) => Object.keys(columns).map((name) => Array.from({ length: table.numRows }, (_, i) => columnReader(table.getChild(name)!)(i)));

  test('reads what Vector.get reads, nulls and non-ASCII text included', () => {
    const table = tableFromIPC(tableToIPC(new Table(columns), 'stream'));
    expect(asReader(table)).toEqual(asGet(table));
    expect(asReader(table)[0]).toEqual(['24510', null, '24029', 'Doña Ana', '35013']);
  });

  test('reads a table of several batches, and a slice of one (an offset into its buffers)', () => {
    const table = new Table(columns);
    const twice = tableFromIPC(tableToIPC(table.concat(table), 'stream'));
    expect(twice.batches.length).toBe(2);
    expect(asReader(twice)).toEqual(asGet(twice));
    const sliced = new Table(Object.fromEntries(Object.entries(columns).map(([name, v]) => [name, v.slice(1, 4)])));
    expect(sliced.getChild('deaths')!.data[0]!.offset).toBe(1);
    expect(asReader(sliced)).toEqual(asGet(sliced));
    expect(asReader(sliced)[2]).toEqual([null, 2, 0]);
  });
});

describe('aggregateSearch', () => {
  test('sends only what older servers know unless asked for more, and says which parameters are new', () => {
    expect(aggregateSearch({ source: 'deaths', measure: 'heroin', geography: 'state', unit: 'week', from: '2024-01', to: '2024-03' })).toEqual({
      search: 'measure=heroin&geography=state&unit=week&from=2024-01&to=2024-03&format=arrow',
      newParameters: [],
    });
    expect(aggregateSearch({ source: 'ed', measure: 'fentanyl', geography: 'nation', unit: 'day', from: '2024-01', to: '2024-03', wholeExtent: true })).toEqual({
      search: 'source=ed&measure=fentanyl&geography=nation&unit=day&format=arrow',
      newParameters: ['source', 'unit'],
    });
  });
});

describe('Http', () => {
  test('sends the token as a Bearer header, and nothing for the public', async () => {
    const signed = httpAnswering(() => json(200, {}), 'vgl_abc');
    await signed.http.json('/api/meta');
    expect((signed.fetch.mock.calls[0]![1]!.headers as Record<string, string>)['authorization']).toBe('Bearer vgl_abc');
    const anonymous = httpAnswering(() => json(200, {}));
    await anonymous.http.json('/api/meta');
    expect(anonymous.fetch.mock.calls[0]![1]!.headers).not.toHaveProperty('authorization');
  });

  test('a route the server lacks is "not available", not an error', async () => {
    const { http } = httpAnswering(() => serverError(404, 'no route for GET /clusters'));
    const error = await http.json('/api/clusters', { feature: 'space-time clusters' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotAvailableError);
    expect((error as Error).message).toBe('This server does not offer space-time clusters yet.');
  });

  test('a 404 for a thing that is not there is an error (the route exists)', async () => {
    const { http } = httpAnswering(() => serverError(404, 'no batch b20240101000000-00000000'));
    const error = await http.json('/api/batches/b20240101000000-00000000').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(NotAvailableError);
    expect((error as ApiError).message).toContain('no batch b20240101000000-00000000');
  });

  test('a 400 naming a new parameter is "not available"; any other 400 names the bad value', async () => {
    const older = httpAnswering(() => serverError(400, 'Unrecognized key: "source"'));
    await expect(older.http.json('/api/aggregates', { feature: 'ED visit counts', newParameters: ['source'] })).rejects.toBeInstanceOf(NotAvailableError);
    const bad = httpAnswering(() => serverError(400, 'invalid measure: "foo" (Invalid option)'));
    const error = await bad.http.json('/api/aggregates', { newParameters: ['source'] }).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(NotAvailableError);
    expect((error as ApiError).message).toBe('The server answered 400: invalid measure: "foo" (Invalid option). Check the filters (or reset them) and retry.');
  });

  test('a rejected token calls back (to sign out) and says what to do', async () => {
    const onUnauthorized = vi.fn();
    const { http } = httpAnswering(() => serverError(401, 'invalid or revoked API token'), 'vgl_old', onUnauthorized);
    const error = await http.json('/api/meta').catch((e: unknown) => e);
    expect(onUnauthorized).toHaveBeenCalledOnce();
    expect((error as ApiError).status).toBe(401);
    expect((error as ApiError).message).toContain('Sign in again');
  });

  test('a server failure and an unreachable server are told apart', async () => {
    const failing = httpAnswering(() => serverError(500, 'Internal Server Error'));
    await expect(failing.http.json('/api/meta')).rejects.toThrow('The server answered 500: Internal Server Error. The server failed; retry in a moment');
    const down = httpAnswering(() => Promise.reject(new TypeError('fetch failed')));
    const error = await down.http.json('/api/meta').catch((e: unknown) => e);
    expect((error as ApiError).status).toBe(0);
    expect((error as ApiError).message).toMatch(/^Could not reach the vigil server/);
  });

  test('rejectsNewParameter reads zod’s messages through server/errors.ts', () => {
    expect(rejectsNewParameter('invalid unit: "day" (Invalid option: expected one of "week"|"month")', ['unit'])).toBe(true);
    expect(rejectsNewParameter('invalid measure: "x"; invalid unit: "12mo" (Invalid option)', ['unit'])).toBe(true);
    expect(rejectsNewParameter('invalid measure: "x"', ['unit'])).toBe(false);
  });
});

describe('AnswerCache', () => {
  test('one request per key, a failed answer is asked again, the least recently used goes first', async () => {
    const cache = new AnswerCache(2);
    const load = vi.fn(async () => 'a');
    await cache.get('a', load);
    await cache.get('a', load);
    expect(load).toHaveBeenCalledOnce();
    await expect(cache.get('b', () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    await Promise.resolve();
    const retry = vi.fn(async () => 'b');
    await cache.get('b', retry);
    expect(retry).toHaveBeenCalledOnce();
    await cache.get('a', load); // a is now the most recent
    await cache.get('c', async () => 'c'); // b goes
    expect(cache.size).toBe(2);
    await cache.get('a', load);
    expect(load).toHaveBeenCalledOnce();
    cache.clear();
    expect(cache.size).toBe(0);
  });
});

describe('alerts and clusters', () => {
  const row = parseAlert({ run_id: 'r', computed_at: '2024-06-01 04:45:07+00', source: 'ed', measure: 'fentanyl', level: 'state', geography: '39', period: '2024-05-31', period_unit: 'day', method: 'switch', observed: 30, expected: 2.4, threshold: 7.9, p_value: 0.00002, status: 'alert', note: null });

  test('reads an /api/alerts row', () => {
    expect(row).toEqual({ source: 'ed', measure: 'fentanyl', level: 'state', geography: '39', period: '2024-05-31', periodUnit: 'day', method: 'switch', observed: 30, expected: 2.4, threshold: 7.9, pValue: 0.00002, status: 'alert', note: null, computedAt: '2024-06-01 04:45:07+00' });
  });

  test('an alert key round-trips, and anything else is refused', () => {
    expect(parseAlertKey(alertKey(row))).toEqual({ source: 'ed', measure: 'fentanyl', geography: '39', method: 'switch', period: '2024-05-31' });
    expect(parseAlertKey('ed.fentanyl.39.switch')).toBeNull();
    expect(parseAlertKey('sms.fentanyl.39.switch.2024-05-31')).toBeNull();
  });

  test('the series of one alert: its source, measure, place and method, in period order', () => {
    const rows = [
      alert({ source: 'ed', measure: 'fentanyl', geography: '39', period: '2024-05-31', method: 'switch', observed: 30, status: 'alert' }),
      alert({ source: 'ed', measure: 'fentanyl', geography: '39', period: '2024-05-30', method: 'switch', observed: 9, status: 'warning' }),
      alert({ source: 'ed', measure: 'fentanyl', geography: '39', period: '2024-05-30', method: 'ears_c2', observed: 9, status: 'none' }),
      alert({ source: 'ed', measure: 'fentanyl', geography: '21', period: '2024-05-30', method: 'switch', observed: 1, status: 'none' }),
    ];
    expect(seriesOf(rows, { source: 'ed', measure: 'fentanyl', geography: '39', method: 'switch' }).map((r) => r.period)).toEqual(['2024-05-30', '2024-05-31']);
  });

  test('recurrence interval: 1/(p × analyses a year), one analysis per period', () => {
    expect(recurrenceDays(0.001, 'day')).toBeCloseTo(1000, 6);
    expect(recurrenceDays(0.01, 'week')).toBeCloseTo(365 / 0.52, 6);
    expect(recurrenceDays(null, 'day')).toBeNull();
    expect(recurrenceDays(0, 'day')).toBeNull();
  });

  test('reads a cluster as GET /api/clusters sends it', () => {
    const cluster = parseCluster({ source: 'ed', measure: 'fentanyl', method: 'space_time_permutation', rank: 1, centre: '24510', counties: ['24510', '24005'], states: ['24'], radius_km: 12.5, start_date: '2024-05-20', end_date: '2024-05-31', days: 12, observed: 41, expected: 12.3, relative_risk: 3.47, llr: 18.2, p_value: 0.001, recurrence_interval_days: 1000 });
    expect(cluster).toEqual({ id: 'ed.fentanyl.1', source: 'ed', measure: 'fentanyl', rank: 1, centre: '24510', members: ['24510', '24005'], radiusKm: 12.5, start: '2024-05-20', end: '2024-05-31', observed: 41, expected: 12.3, relativeRisk: 3.47, pValue: 0.001, recurrenceDays: 1000 });
    // Arrow flattens the counties into one string.
    expect(parseCluster({ source: 'deaths', measure: 'all_overdose', rank: 2, centre: '39061', counties: '39061 39017', p_value: 0.2, observed: 5, expected: 1 }).members).toEqual(['39061', '39017']);
  });
});

describe('the other answers', () => {
  test('/api/meta: measures, syndromes, extent, data-as-of; no measures is an error to report', () => {
    expect(parseMeta({ measures: [{ key: 'all_overdose', label: 'All' }], syndromes: [{ id: 'all_drug', name: 'All drug overdose' }], extent: { from: '2024-01', to: '2024-04' }, dataAsOf: '2024-05-01T00:00:00.000Z', certificates: 21621, synthetic: true })).toEqual({
      measures: [{ key: 'all_overdose', label: 'All' }], extent: { from: '2024-01', to: '2024-04' }, dataAsOf: '2024-05-01T00:00:00.000Z', certificates: 21621, synthetic: true, syndromes: [{ id: 'all_drug', name: 'All drug overdose' }],
    });
    expect(parseMeta({ measures: [{ key: 'a', label: 'A' }] }).syndromes).toBeNull();
    expect(parseMeta({ measures: [{ key: 'a', label: 'A' }], extent: null }).extent).toBeNull();
    expect(() => parseMeta({ measures: [] })).toThrow('lists no measures');
  });

  test('combinations: class labels, one table per period, withheld counts as null', () => {
    const parsed = parseCombinations({
      classes: [{ class: 'synthetic_opioid', label: 'Fentanyl and other synthetic opioids (T40.4)' }, { class: 'cocaine', label: 'Cocaine (T40.5)' }],
      suppression: 'small counts (1-9) suppressed below the nation',
      tables: [{
        geography: '24', period: '2024-02', partial: false, total: 41, total_suppressed: false, previous_period: '2024-01', previous_total: 52,
        combinations: [
          { combination: 'synthetic_opioid+cocaine', classes: ['synthetic_opioid', 'cocaine'], count: 17, share: 0.41, suppressed: false, previous_count: 12, change: 5, change_pct: 0.42 },
          { combination: 'cocaine', classes: ['cocaine'], count: null, share: null, suppressed: true, previous_count: null, change: null, change_pct: null },
        ],
        other: { count: 11, share: 0.27, combinations: 3, suppressed: false },
        pairs: [{ a: 'cocaine', b: 'cocaine', count: 25, suppressed: false }, { a: 'synthetic_opioid', b: 'cocaine', count: 4, suppressed: true }],
      }],
    });
    expect([...parsed.classes.keys()]).toEqual(['synthetic_opioid', 'cocaine']);
    expect(parsed.suppression).toBe('small counts (1-9) suppressed below the nation');
    expect(parsed.tables).toEqual([{
      geography: '24', period: '2024-02', partial: false, total: 41, previousPeriod: '2024-01',
      combinations: [
        { drugs: ['synthetic_opioid', 'cocaine'], count: 17, share: 0.41, previousCount: 12, suppressed: false },
        { drugs: ['cocaine'], count: null, share: null, previousCount: null, suppressed: true },
      ],
      other: { count: 11, share: 0.27 },
      pairs: [{ a: 'cocaine', b: 'cocaine', count: 25 }, { a: 'synthetic_opioid', b: 'cocaine', count: null }],
    }]);
  });

  test('a review item: the certificate’s lines in order, its coding, codes per line and the reasons', () => {
    const record = parseRecord(
      { source: 'deaths', record_id: '10537', certificate_id: '2024OH000270', death_date: '2024-02-02', age: 55, sex: 'F', residence_county_fips: '39093', manner: 'A', part1_a: 'FENTYNAL TOXICITY', part1_b: 'CHRONIC SUBSTANCE ABUSE', part1_c: null, part2: 'METHAMPHETAMINE INTOXICATION', how_injury: 'DECEDENT USED ILLICIT DRUGS' },
      { underlyingCause: 'X44', recordAxis: ['X44', 'T43.6', 'F19.1'], entityAxis: [{ line: 6, position: 1, code: 'T43.6', text: 'methamphetamine' }, { line: 2, position: 1, code: 'F19.1', text: 'substance abuse' }], drugs: [{ name: 'methamphetamine', code: 'T43.6' }], trace: [{ rule: 'drug poisoning', detail: 'T43.6' }], reviewReasons: ['from the coding'] },
      ['text that matched nothing: "fentynal toxicity"'],
    );
    expect(record).toEqual({
      id: '2024OH000270', source: 'deaths', date: '2024-02-02', age: '55', sex: 'F', residence: '39093', manner: 'A',
      lines: [
        { label: 'I(a)', number: 1, text: 'FENTYNAL TOXICITY' },
        { label: 'I(b)', number: 2, text: 'CHRONIC SUBSTANCE ABUSE' },
        { label: 'Part II', number: 6, text: 'METHAMPHETAMINE INTOXICATION' },
        { label: 'How the injury occurred', number: null, text: 'DECEDENT USED ILLICIT DRUGS' },
      ],
      underlyingCause: 'X44', codes: ['X44', 'T43.6', 'F19.1'],
      entityAxis: [{ line: 6, position: 1, code: 'T43.6', text: 'methamphetamine' }, { line: 2, position: 1, code: 'F19.1', text: 'substance abuse' }],
      drugs: [{ name: 'methamphetamine', code: 'T43.6' }], syndromes: [], trace: [{ rule: 'drug poisoning', detail: 'T43.6' }],
      reviewReasons: ['text that matched nothing: "fentynal toxicity"'],
    });
  });

  test('an ED visit: its chief complaint, triage note and diagnoses, its codes and syndromes', () => {
    const visit = parseRecord(
      { source: 'ed', visit_id: 'F4207101-2024-000004', visit_datetime: '2024-01-21T11:50:49', age: 42, sex: 'M', patient_county_fips: '42029', chief_complaint: 'AMS ? OD', triage_note: 'Pt unresponsive, GCS 6.', discharge_diagnoses: ['T40.411A', 'R40.20'] },
      { codes: ['T40.411A'], drugs: [{ name: 'fentanyl', code: 'T40.41' }], syndromes: ['all_drug', 'fentanyl'] },
    );
    expect(visit).toMatchObject({
      id: 'F4207101-2024-000004', source: 'ed', date: '2024-01-21', residence: '42029', codes: ['T40.411A'], syndromes: ['all_drug', 'fentanyl'],
      lines: [{ label: 'Chief complaint', number: null, text: 'AMS ? OD' }, { label: 'Triage note', number: null, text: 'Pt unresponsive, GCS 6.' }, { label: 'Discharge diagnoses', number: null, text: 'T40.411A, R40.20' }],
    });
  });

  test('a review queue item', () => {
    expect(parseQueueItem({ id: 'deaths-10537', source: 'deaths', recordId: '10537', state: 'pending', jurisdiction: 'OH', countyFips: '39093', eventDate: '2024-02-02', summary: 'FENTYNAL TOXICITY', coder: 'vigil-death-coder/1', underlyingCause: 'X44', codes: ['X44', 'T43.6'], overdose: true, reasons: [{ key: 'unmatched_text', label: 'text that matched nothing', text: 'text that matched nothing: "fentynal toxicity"', lowConfidence: true }], pendingSince: '2026-12-01T11:44:30.876000Z', decidedAt: null, impact: { score: 13, why: ['drug overdose', 'state 39 is alerting'] } })).toEqual({
      id: 'deaths-10537', source: 'deaths', state: 'pending', jurisdiction: 'OH', county: '39093', date: '2024-02-02', summary: 'FENTYNAL TOXICITY', underlyingCause: 'X44', codes: ['X44', 'T43.6'],
      reasons: ['text that matched nothing: "fentynal toxicity"'], pendingSince: '2026-12-01T11:44:30.876000Z', why: ['drug overdose', 'state 39 is alerting'],
    });
  });

  test('a batch answer: the 202 (progress) and the final report', () => {
    const accepted = parseReport({ batchId: 'b20240601120000-0a1b2c3d', status: 'processing', progress: { bytes: 100, bytesRead: 40, recordsRead: 12, recordsPerSecond: null, etaSeconds: 2 } });
    expect(accepted).toMatchObject({ status: 'processing', recordsRead: 0, errors: [], progress: { bytes: 100, bytesRead: 40, recordsRead: 12, recordsPerSecond: null, etaSeconds: 2 } });
    expect(() => parseReport({ status: 'loaded' })).toThrow('no batch id');
  });
});
