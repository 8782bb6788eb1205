/**
 * Drug combinations: the small-count protection checked by an independent brute-force reader
 * (every way to fill the hidden cells that agrees with what is shown, and with the measure counts
 * /api/aggregates publishes), then GET /api/combinations on the demo data: counts equal to the
 * certificates' record axes classified here, shares, change from the previous period, the pair
 * matrix, suppression for the public below the nation, and bad input.
 */
import { tableFromIPC } from 'apache-arrow';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../pipeline/store/tokens.ts';
import { xoshiro128StarStar } from '../pipeline/stats/scan/prng.ts';
import { combinationProtection, type CombinationCell } from '../pipeline/stats/rates/combination-protection.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

const cell = (combination: string, count: number): CombinationCell => ({ combination, classes: combination === 'unspecified' ? [] : combination.split('+'), count });
const MEASURES = ['synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'cocaine', 'psychostimulant', 'benzodiazepine'];
const OPIOIDS = ['synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'other_opioid'];

/**
 * What a reader can work out: every assignment of positive counts to the hidden combinations that
 * reproduces the shown total ("other" = the hidden sum), the shown class totals and pair counts,
 * and the measure counts of 10 or more (published by /api/aggregates whatever this page hides).
 * Returns, per hidden combination, the set of values it takes over those assignments.
 */
function readerCanInfer(cells: CombinationCell[]): Map<string, Set<number>> {
  const p = combinationProtection(cells, { suppress: true });
  const hidden = cells.filter((c) => p.hidden.has(c.combination));
  const shown = cells.filter((c) => !p.hidden.has(c.combination));
  const has = (c: CombinationCell, a: string, b = a) => c.classes.includes(a) && c.classes.includes(b);
  const classes = [...new Set(cells.flatMap((c) => c.classes))];
  const constraints: { members: (c: CombinationCell) => boolean; value: number }[] = [];
  const value = (f: (c: CombinationCell) => boolean) => cells.filter(f).reduce((s, c) => s + c.count, 0);
  if (!p.totalHidden) constraints.push({ members: () => true, value: p.total });
  classes.forEach((a, i) => {
    for (const b of classes.slice(i)) {
      const f = (c: CombinationCell) => has(c, a, b);
      const published = a === b && MEASURES.includes(a) && value(f) >= 10;
      if (published || !p.hiddenPairs.has(`${a}+${b}`)) constraints.push({ members: f, value: value(f) });
    }
  });
  const opioid = (c: CombinationCell) => c.classes.some((x) => OPIOIDS.includes(x));
  if (value(opioid) >= 10) constraints.push({ members: opioid, value: value(opioid) });
  const seen = new Map(hidden.map((c) => [c.combination, new Set<number>()]));
  const assignment = new Array<number>(hidden.length).fill(0);
  const limit = p.total;
  const fits = () => constraints.every((k) => shown.filter(k.members).reduce((s, c) => s + c.count, 0) + hidden.reduce((s, c, i) => s + (k.members(c) ? assignment[i]! : 0), 0) === k.value);
  const search = (i: number, used: number) => {
    if (i === hidden.length) {
      if (fits()) hidden.forEach((c, j) => seen.get(c.combination)!.add(assignment[j]!));
      return;
    }
    for (let v = 1; used + v <= limit; v++) {
      assignment[i] = v;
      search(i + 1, used + v);
    }
  };
  search(0, shown.reduce((s, c) => s + c.count, 0));
  return seen;
}

describe('small-count protection of a combination table', () => {
  it('hides nothing from callers who see unsuppressed counts', () => {
    const p = combinationProtection([cell('synthetic_opioid', 40), cell('cocaine', 3)], { suppress: false });
    expect(p).toEqual({ total: 43, totalHidden: false, hidden: new Set(), hiddenPairs: new Set(), namesWithheld: false });
  });

  it('hides the whole table when its total is 1-9', () => {
    const p = combinationProtection([cell('synthetic_opioid', 5), cell('synthetic_opioid+cocaine', 2)], { suppress: true });
    expect(p.totalHidden).toBe(true);
    expect([...p.hidden].sort()).toEqual(['synthetic_opioid', 'synthetic_opioid+cocaine']);
    expect(p.hiddenPairs.has('synthetic_opioid+cocaine')).toBe(true);
  });

  it('adds the smallest combination to "other" when the hidden ones sum to 1-9', () => {
    const cells = [cell('synthetic_opioid', 40), cell('synthetic_opioid+psychostimulant', 25), cell('alcohol', 12), cell('antidepressant', 4)];
    const p = combinationProtection(cells, { suppress: true });
    // Alcohol (12) joins "other" (16); the alcohol total (12, no other page shows it) is hidden
    // too, or it would give alcohol alone and so antidepressants = 16 - 12.
    expect([...p.hidden].sort()).toEqual(['alcohol', 'antidepressant']);
    expect(p.hiddenPairs.has('alcohol+alcohol')).toBe(true);
    expect(p.hiddenPairs.has('synthetic_opioid+synthetic_opioid')).toBe(false);
    const inferred = readerCanInfer(cells);
    expect(inferred.get('antidepressant')!.size).toBeGreaterThan(1);
  });

  it('does not let published drug counts give a small combination away', () => {
    // Naively: hide cocaine (4), add the smallest, psychostimulant alone (12), to "other" (16). But
    // the psychostimulant count (37, published) minus fentanyl+psychostimulant (25, shown) gives
    // psychostimulant alone, and then cocaine = 16 − 12 = 4.
    const cells = [cell('synthetic_opioid', 40), cell('synthetic_opioid+psychostimulant', 25), cell('psychostimulant', 12), cell('cocaine', 4)];
    const p = combinationProtection(cells, { suppress: true });
    expect(p.hidden.has('cocaine')).toBe(true);
    expect(p.hidden.size).toBeGreaterThan(2);
    expect(readerCanInfer(cells).get('cocaine')!.size).toBeGreaterThan(1);
  });

  it('withholds the names when the published counts alone would fix a hidden one', () => {
    // Total 53, fentanyl 33, cocaine 23: with only these three combinations, fentanyl+cocaine = 33 + 23 − 53.
    const p = combinationProtection([cell('synthetic_opioid', 30), cell('synthetic_opioid+cocaine', 3), cell('cocaine', 20)], { suppress: true });
    expect(p).toMatchObject({ totalHidden: false, namesWithheld: true });
    expect(p.hidden.size).toBe(3);
  });

  it('never leaves a hidden 1-9 combination determined: 300 random tables', () => {
    const random = xoshiro128StarStar(7);
    const names = ['synthetic_opioid', 'synthetic_opioid+psychostimulant', 'synthetic_opioid+cocaine', 'psychostimulant', 'cocaine', 'heroin', 'alcohol', 'synthetic_opioid+alcohol', 'unspecified'];
    let checked = 0;
    for (let t = 0; t < 300; t++) {
      const cells = names.filter(() => random.nextDouble() < 0.45).map((name) => cell(name, 1 + Math.floor(random.nextDouble() ** 2 * 16)));
      if (cells.length === 0) continue;
      const p = combinationProtection(cells, { suppress: true });
      // Nothing of 1-9 is ever shown: combinations, the hidden sum, class totals, pairs.
      for (const c of cells) if (!p.hidden.has(c.combination)) expect(c.count).toBeGreaterThanOrEqual(10);
      const hiddenSum = cells.filter((c) => p.hidden.has(c.combination)).reduce((s, c) => s + c.count, 0);
      if (!p.totalHidden && hiddenSum > 0) expect(hiddenSum).toBeGreaterThanOrEqual(10);
      const hidden = cells.filter((c) => p.hidden.has(c.combination));
      if (p.namesWithheld || p.totalHidden || hidden.length > 4) continue;
      const inferred = readerCanInfer(cells);
      for (const c of hidden) if (c.count <= 9) expect(inferred.get(c.combination)!.size, JSON.stringify(cells)).toBeGreaterThan(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(80);
  });
});

// ---------------------------------------------------------------------------------------------

/** Drug classes by WHO code, written out here independently of the SQL macro. */
const CLASS_OF: Record<string, string> = {
  'T40.4': 'synthetic_opioid', 'T40.1': 'heroin', 'T40.2': 'natural_semisynthetic', 'T40.3': 'methadone', 'T40.0': 'other_opioid', 'T40.6': 'other_opioid',
  'T40.5': 'cocaine', 'T43.6': 'psychostimulant', 'T42.4': 'benzodiazepine', 'T40.7': 'cannabis', 'T43.0': 'antidepressant', 'T43.1': 'antidepressant',
  'T43.2': 'antidepressant', 'T46.5': 'xylazine', 'T51.0': 'alcohol',
};
const ORDER = ['synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'other_opioid', 'cocaine', 'psychostimulant', 'benzodiazepine', 'cannabis', 'antidepressant', 'xylazine', 'alcohol', 'other_drug'];

function combinationOf(codes: readonly string[]): string {
  const classes = new Set(codes.flatMap((code) => (CLASS_OF[code] ? [CLASS_OF[code]!] : /^T(3[6-9]|4\d|50)/.test(code) && code !== 'T50.9' ? ['other_drug'] : [])));
  return classes.size === 0 ? 'unspecified' : ORDER.filter((c) => classes.has(c)).join('+');
}

interface Table {
  geography: string;
  period: string;
  partial: boolean;
  total: number | null;
  previous_total: number | null;
  combinations: { combination: string; count: number | null; share: number | null; suppressed: boolean; previous_count: number | null; change: number | null }[];
  other: { count: number | null } | null;
  names_withheld: boolean;
  pairs: { a: string; b: string; count: number | null; suppressed: boolean }[];
}

let server: TestServer;
let epidemiologist: string;
let expected: Map<string, Map<string, number>>; // month → combination → deaths (nation)
beforeAll(async () => {
  server = await startTestServer();
  epidemiologist = (await createToken(server.runtime.db.connection, { name: 'epi', role: 'epidemiologist', createdBy: 'test' })).token;
  const rows = (await server.runtime.db.connection.runAndReadAll(
    `SELECT strftime(death_date, '%Y-%m') AS month, record_axis FROM measure_deaths('all_overdose')`,
  )).getRowObjectsJson();
  expected = new Map();
  for (const row of rows) {
    const month = String(row.month);
    const byCombination = expected.get(month) ?? expected.set(month, new Map()).get(month)!;
    const combination = combinationOf(row.record_axis as string[]);
    byCombination.set(combination, (byCombination.get(combination) ?? 0) + 1);
  }
}, 300_000);
afterAll(() => server.close());

const get = async (route: string, token?: string) => {
  const response = await fetch(new URL(route, server.url), { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: response.status, body: (await response.json()) as Record<string, any> };
};

describe('GET /api/combinations', () => {
  it('counts every combination of the nation by month, with shares and the change from the month before', async () => {
    const { status, body } = await get('/api/combinations?geography=nation&unit=month&from=2024-01&to=2024-04');
    expect(status).toBe(200);
    expect(body).toMatchObject({ source: 'deaths', geography: 'nation', unit: 'month', from: '2024-01', to: '2024-04', suppression: 'none', first_day: '2024-01-01', last_day: '2024-04-30' });
    const tables = body.tables as Table[];
    expect(tables.map((t) => t.period)).toEqual(['2024-01', '2024-02', '2024-03', '2024-04']);
    for (const table of tables) {
      const want = expected.get(table.period)!;
      expect(Object.fromEntries(table.combinations.map((c) => [c.combination, c.count]))).toEqual(Object.fromEntries(want));
      expect(table.total).toBe([...want.values()].reduce((a, b) => a + b, 0));
      expect(table.combinations.reduce((s, c) => s + c.share!, 0)).toBeCloseTo(1, 12);
      expect(table.other).toBeNull();
      // Shown by count, largest first.
      expect(table.combinations.map((c) => c.count)).toEqual(table.combinations.map((c) => c.count).sort((a, b) => b! - a!));
    }
    // January has no month before it in the data: no change, not "up from 0".
    expect(tables[0]!.combinations.every((c) => c.previous_count === null && c.change === null)).toBe(true);
    expect(tables[0]!.previous_total).toBeNull();
    const february = tables[1]!;
    const fentanyl = february.combinations.find((c) => c.combination === 'synthetic_opioid')!;
    expect(fentanyl.previous_count).toBe(expected.get('2024-01')!.get('synthetic_opioid'));
    expect(fentanyl.change).toBe(fentanyl.count! - fentanyl.previous_count!);
    expect(february.previous_total).toBe(tables[0]!.total);
  });

  it('gives the pair matrix: a class total on the diagonal, co-occurrences off it', async () => {
    const { body } = await get('/api/combinations?geography=nation&unit=quarter&from=2024-01&to=2024-03');
    const [table] = body.tables as Table[];
    const counts = new Map<string, number>();
    for (const month of ['2024-01', '2024-02', '2024-03']) for (const [k, v] of expected.get(month)!) counts.set(k, (counts.get(k) ?? 0) + v);
    const involving = (a: string, b: string) => [...counts].filter(([k]) => k.split('+').includes(a) && k.split('+').includes(b)).reduce((s, [, v]) => s + v, 0);
    expect(table!.period).toBe('2024-Q1');
    const pair = (a: string, b: string) => table!.pairs.find((p) => p.a === a && p.b === b)?.count;
    expect(pair('synthetic_opioid', 'synthetic_opioid')).toBe(involving('synthetic_opioid', 'synthetic_opioid'));
    expect(pair('synthetic_opioid', 'psychostimulant')).toBe(involving('synthetic_opioid', 'psychostimulant'));
    expect(pair('synthetic_opioid', 'psychostimulant')).toBeGreaterThan(0);
    expect(table!.pairs.every((p) => ORDER.indexOf(p.a) <= ORDER.indexOf(p.b))).toBe(true);
    // The quarter holding May-June data that does not exist yet is partial.
    const q2 = (await get('/api/combinations?geography=nation&unit=quarter&from=2024-04&to=2024-04')).body.tables as Table[];
    expect(q2[0]).toMatchObject({ period: '2024-Q2', partial: true });
  });

  it('shows the public no count of 1-9 below the nation, and epidemiologists everything', async () => {
    const route = '/api/combinations?geography=state&unit=year&from=2024-01&to=2024-12';
    const open = (await get(route, epidemiologist)).body;
    const tables = (await get(route)).body;
    expect(open.suppression).toBe('none');
    expect(tables.suppression).toBe('small counts (1-9) suppressed below the nation');
    let hidden = 0;
    for (const table of tables.tables as Table[]) {
      const numbers = [table.total, table.other?.count, ...table.combinations.flatMap((c) => [c.count, c.previous_count]), ...table.pairs.map((p) => p.count)];
      for (const n of numbers) if (n !== null && n !== undefined && n !== 0) expect(n).toBeGreaterThanOrEqual(10);
      hidden += table.combinations.filter((c) => c.suppressed).length;
      const full = (open.tables as Table[]).find((t) => t.geography === table.geography && t.period === table.period)!;
      // What is shown is the true count.
      for (const c of table.combinations.filter((x) => !x.suppressed)) expect(c.count).toBe(full.combinations.find((x) => x.combination === c.combination)!.count);
      if (table.other?.count && !table.names_withheld) {
        const hiddenSum = table.combinations.filter((c) => c.suppressed).map((c) => full.combinations.find((x) => x.combination === c.combination)!.count!).reduce((a, b) => a + b, 0);
        expect(table.other.count).toBe(hiddenSum);
      }
    }
    expect(hidden).toBeGreaterThan(0);
  });

  // A year's combinations minus those of three shown quarters would be the fourth's, each table protected on its own.
  it('gives the public the combinations of states and counties by calendar year only, saying so', async () => {
    for (const route of ['/api/combinations?geography=state&unit=quarter', '/api/combinations?geography=county&place=39&unit=month']) {
      const refused = await fetch(new URL(route, server.url));
      expect(refused.status, route).toBe(403);
      expect(((await refused.json()) as { error: { message: string } }).error.message, route).toMatch(/below the national level needs a sign-in: public drug combinations for states and counties are by calendar year/);
      expect((await fetch(new URL(route, server.url), { headers: { authorization: `Bearer ${epidemiologist}` } })).status, route).toBe(200);
    }
    expect((await fetch(new URL('/api/combinations?geography=nation&unit=month', server.url))).status).toBe(200);
  });

  it('answers for ED overdose visits and counties of one state, as Arrow too', async () => {
    const ed = (await get('/api/combinations?source=ed&geography=nation&unit=year')).body;
    expect(ed.source).toBe('ed');
    expect((ed.tables as Table[])[0]!.total).toBeGreaterThan(0);
    const counties = (await get('/api/combinations?geography=county&place=39&unit=year', epidemiologist)).body;
    expect((counties.tables as Table[]).length).toBeGreaterThan(0);
    expect((counties.tables as Table[]).every((t) => /^39\d{3}$/.test(t.geography))).toBe(true);
    const arrow = await fetch(new URL('/api/combinations?geography=nation&unit=quarter&view=pairs&format=arrow', server.url));
    const table = tableFromIPC(new Uint8Array(await arrow.arrayBuffer()));
    expect(table.schema.fields.map((f) => f.name)).toEqual(['geography', 'period', 'a', 'b', 'count', 'suppressed']);
    expect(table.numRows).toBeGreaterThan(0);
  });

  it('refuses bad input, naming the parameter and value', async () => {
    const cases: [string, RegExp][] = [
      ['/api/combinations?geography=county', /^invalid place: missing/],
      ['/api/combinations?geography=nation&place=39', /^invalid place: "39"/],
      ['/api/combinations?geography=state&place=39061', /^invalid place: "39061"/],
      ['/api/combinations?unit=week', /^invalid unit: "week"/],
      ['/api/combinations?from=2024-05&to=2024-01', /^invalid from: "2024-05" is after to "2024-01"/],
      ['/api/combinations?from=2024-13', /^invalid from: "2024-13"/],
      ['/api/combinations?source=hl7', /^invalid source: "hl7"/],
      ['/api/combinations?from=1990-01&to=2024-01&unit=month', /at most 120/],
    ];
    for (const [route, message] of cases) {
      const { status, body } = await get(route);
      expect(status, route).toBe(400);
      expect(body.error.message, route).toMatch(message);
    }
  });
});
