/**
 * Small-number suppression of GET /api/aggregates on real DuckDB data (the seeded demo set, over
 * HTTP). A public reader gets no count of 1-9 below the national level, in any geography, unit or
 * breakdown; and the attacker (test/helpers/suppression-attacker.ts), given every public answer of
 * a question's family (counties, states, the nation, range totals, totals without the breakdown)
 * and the true counts an epidemiologist sees, finds no withheld value it can solve for.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshAggregates } from '../pipeline/jobs/refresh-aggregates.ts';
import { createToken } from '../pipeline/store/tokens.ts';
import { cellKey, determinedUnknowns, hierarchyReading, RANGE_TOTAL, subtractionLeaks, sumEquation, type HierarchyLayout } from './helpers/suppression-attacker.ts';
import { startTestServer, type TestServer } from './helpers/test-server.ts';

type Row = Record<string, unknown>;

let server: TestServer;
let epidemiologist: string;
beforeAll(async () => {
  server = await startTestServer({ demo: true });
  await refreshAggregates(server.runtime.db);
  ({ token: epidemiologist } = await createToken(server.runtime.db.connection, { name: 'suppression test', role: 'epidemiologist', createdBy: 'test' }));
}, 180_000);
afterAll(() => server.close());

async function rows(query: string, token?: string): Promise<Row[]> {
  const response = await fetch(new URL(`/api/aggregates?${query}`, server.url), token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const body = (await response.json()) as { rows?: Row[]; error?: { message: string } };
  expect(response.status, `${query}: ${body.error?.message}`).toBe(200);
  return body.rows!;
}

const shownSmall = (list: readonly Row[]) => list.filter((r) => r.geography !== 'US' && typeof r.count === 'number' && r.count >= 1 && r.count <= 9);

interface Family {
  base: string;
  by: 'age_group' | 'sex' | null;
  /** States whose counties the attacker gets (all when null). */
  states: string[] | null;
}

/** Public and true answers of a family, as the attacker's reading. */
async function readingOf(family: Family) {
  const byParam = family.by ? `&by=${family.by}` : '';
  const stratumOf = (row: Row) => (family.by ? String(row[family.by]) : 'all');
  const periodOf = (row: Row) => (row.period === null ? RANGE_TOTAL : String(row.period));
  const truth = new Map<string, number>();
  const hidden = new Set<string>();
  const counties = new Map<string, Set<string>>();
  const states = new Set<string>();
  const monthly = family.base.includes('unit=total') ? [] : ['']; // a family of one unit: add its unit=total answers
  for (const unit of [...monthly, '&unit=total']) {
    const base = unit ? family.base.replace(/unit=[a-z0-9]+/, 'unit=total') : family.base;
    for (const by of family.by ? [byParam, ''] : ['']) {
      const countyQueries = family.states === null ? [`${base}&geography=county${by}`] : family.states.map((s) => `${base}&geography=county&state=${s}${by}`);
      for (const query of [...countyQueries, `${base}&geography=state${by}`, `${base}&geography=nation${by}`]) {
        const [shown, actual] = await Promise.all([rows(query), rows(query, epidemiologist)]);
        expect(shownSmall(shown), query).toEqual([]);
        for (const row of actual) {
          const key = cellKey(String(row.geography), periodOf(row), by ? stratumOf(row) : 'all');
          truth.set(key, Number(row.count));
        }
        for (const row of shown) {
          const geography = String(row.geography);
          if (geography.length === 5) {
            if (!counties.has(geography.slice(0, 2))) counties.set(geography.slice(0, 2), new Set());
            counties.get(geography.slice(0, 2))!.add(geography);
          }
          if (geography.length === 2) states.add(geography);
          if (row.suppressed === true) hidden.add(cellKey(geography, periodOf(row), by ? stratumOf(row) : 'all'));
        }
      }
    }
  }
  for (const key of truth.keys()) if (key.split('|')[0]!.length === 2) states.add(key.split('|')[0]!);
  const periods = [...new Set([...truth.keys()].map((k) => k.split('|')[1]!))].filter((p) => p !== RANGE_TOTAL).sort();
  const strata = family.by ? [...new Set([...truth.keys()].map((k) => k.split('|')[2]!))].filter((s) => s !== 'all') : [];
  const layout: HierarchyLayout = {
    states: [...states].sort().map((state) => ({ state, counties: family.states === null || family.states.includes(state) ? [...(counties.get(state) ?? [])].sort() : [] })),
    periods: periods.length > 0 ? periods : [RANGE_TOTAL],
    strata,
    rangeTotals: monthly.length > 0 && periods.length > 1,
  };
  const value = (g: string, p: string, s: string) => truth.get(cellKey(g, p, s)) ?? 0;
  const reading = hierarchyReading(layout, value, (g, p, s) => hidden.has(cellKey(g, p, s)), (p, s) => value('US', p, s) - layout.states.reduce((sum, { state }) => sum + value(state, p, s), 0));
  return { reading, hidden };
}

describe('public aggregates give away no small count', () => {
  it('withholds every county and state count of 1-9, in every geography, unit and breakdown', async () => {
    for (const query of [
      'measure=all_overdose&geography=county&unit=month',
      'measure=all_overdose&geography=county&unit=total&by=age_group',
      'measure=all_deaths&geography=county&unit=month&by=sex',
      'measure=synthetic_opioid&geography=state&unit=year',
      'measure=all_overdose&geography=state&unit=month&by=sex&from=2024-02&to=2024-02',
      'measure=all_deaths&geography=county&unit=year&state=48',
      'source=ed&measure=all_drug&geography=county&unit=month&state=06',
      'source=ed&measure=opioid&geography=state&unit=month&by=age_group',
    ]) {
      const shown = await rows(query);
      expect(shown.length, query).toBeGreaterThan(0);
      expect(shownSmall(shown), query).toEqual([]);
      // A withheld row carries no figure at all.
      for (const row of shown.filter((r) => r.suppressed === true)) {
        const figures = Object.entries(row).filter(([name]) => !['geography', 'period', 'suppressed', 'age_group', 'sex'].includes(name));
        expect(figures.length, query).toBeGreaterThanOrEqual(9);
        expect(figures.filter(([, value]) => value !== null), query).toEqual([]);
      }
    }
  });

  it('shows national counts of 1-9', async () => {
    const nation = await rows('measure=methadone&geography=nation&unit=day');
    expect(nation.some((r) => typeof r.count === 'number' && r.count >= 1 && r.count <= 9)).toBe(true);
    expect(nation.every((r) => r.suppressed === false)).toBe(true);
  });

  const families: [string, Family][] = [
    ['all deaths, county × month, every state', { base: 'measure=all_deaths&unit=month', by: null, states: null }],
    ['overdoses, county × month, every state (mostly withheld)', { base: 'measure=all_overdose&unit=month', by: null, states: null }],
    ['all deaths by sex, county × month, small states', { base: 'measure=all_deaths&unit=month&from=2024-01&to=2024-02', by: 'sex', states: ['10', '11', '44', '50'] }],
    ['overdoses by age group, states, whole range', { base: 'measure=all_overdose&unit=total', by: 'age_group', states: [] }],
    ['ED opioid visits, state × month', { base: 'source=ed&measure=opioid&unit=month&from=2024-01&to=2024-03', by: null, states: [] }],
  ];
  for (const [name, family] of families) {
    it(`leaves no withheld value to solve for: ${name}`, async () => {
      const { reading, hidden } = await readingOf(family);
      expect(hidden.size).toBeGreaterThan(0);
      expect(subtractionLeaks(reading)).toEqual([]);
      expect(determinedUnknowns(reading)).toEqual([]);
    }, 120_000);
  }

  it('is checked by an attacker that does catch primary-only suppression of the same answers', async () => {
    // The same reading with only the 1-9 counts withheld: the attacker must find values to solve for.
    const { reading } = await readingOf({ base: 'measure=all_deaths&unit=month', by: null, states: null });
    const all = new Map([...reading.known, ...reading.hidden]);
    const primaryOnly = {
      known: new Map([...all].filter(([key, v]) => key.startsWith('US|') || key.startsWith('unallocated|') || !(v >= 1 && v <= 9))),
      hidden: new Map([...all].filter(([key, v]) => !key.startsWith('US|') && !key.startsWith('unallocated|') && v >= 1 && v <= 9)),
      equations: reading.equations,
    };
    const leaks = subtractionLeaks(primaryOnly);
    expect(leaks.length).toBeGreaterThan(10);
    for (const leak of leaks) expect(leak.solved).toBeCloseTo(leak.actual, 9);
  }, 120_000);

  it('refuses the public days, weeks and part months below the nation, saying what to do', async () => {
    for (const [query, message] of [
      ['measure=all_overdose&geography=state&unit=week', /^unit=week below the national level needs a sign-in/],
      ['measure=all_overdose&geography=county&state=39&unit=day', /^unit=day below the national level needs a sign-in/],
      ['measure=all_overdose&geography=county&state=39&unit=total&from=2024-01-01&to=2024-01-20', /cover whole months/],
    ] as const) {
      const response = await fetch(new URL(`/api/aggregates?${query}`, server.url));
      expect(response.status, query).toBe(403);
      expect(((await response.json()) as { error: { message: string } }).error.message, query).toMatch(message);
      const signedIn = await fetch(new URL(`/api/aggregates?${query}`, server.url), { headers: { authorization: `Bearer ${epidemiologist}` } });
      expect(signedIn.status, query).toBe(200);
    }
    expect((await rows('measure=all_overdose&geography=nation&unit=week')).length).toBeGreaterThan(0);
  });

  // Each answer protected on its own let a reader subtract two of them: (January-April) minus
  // (January-March) was April's count, withheld or not.
  it('gives away no withheld count across answers over different ranges and units', async () => {
    const nation = await rows('measure=all_deaths&geography=nation&unit=month', epidemiologist);
    const months = nation.map((r) => String(r.period)).sort();
    expect(months.length).toBeGreaterThanOrEqual(4);
    const last = months.length - 1;
    const years = [...new Set(months.map((m) => m.slice(0, 4)))];
    const monthsOf = (from: string, to: string) => months.filter((m) => m >= from && m <= to);
    /** Ranges a reader might ask, as [from, to] months (inclusive). */
    const ranges: [string, string][] = [
      [months[0]!, months[months.length - 1]!],
      ...years.map((y) => [`${y}-01`, `${y}-12`] as [string, string]),
      // Every range of whole months inside the data, and ranges running past it.
      ...months.flatMap((from, i) => months.slice(i).map((to) => [from, to] as [string, string])),
      [`${years[0]!}-01`, months[last]!],
      [months[0]!, `${years[years.length - 1]!}-12`],
    ];
    for (const [measure, level, place] of [
      ['all_deaths', 'county', '&state=39'],
      ['all_deaths', 'county', '&state=48'],
      ['all_overdose', 'state', ''],
      ['synthetic_opioid', 'state', ''],
    ] as const) {
      const base = `measure=${measure}&geography=${level}${place}`;
      const known = new Map<string, number>();
      const truth = new Map<string, number>();
      const equations: ReturnType<typeof sumEquation>[] = [];
      const monthKey = (geography: string, month: string) => `${geography}|${month}`;
      // The months, asked over several ranges: a cell shown in any of them is known.
      for (const [from, to] of [ranges[0]!, [months[1]!, months[last]!], [months[0]!, months[last - 1]!], [months[1]!, months[2]!]] as [string, string][]) {
        const query = `${base}&unit=month&from=${from}&to=${to}`;
        const [shown, actual] = await Promise.all([rows(query), rows(query, epidemiologist)]);
        for (const row of actual) truth.set(monthKey(String(row.geography), String(row.period)), Number(row.count));
        for (const row of shown) if (row.suppressed !== true) known.set(monthKey(String(row.geography), String(row.period)), Number(row.count));
      }
      const geographies = [...new Set([...truth.keys()].map((k) => k.split('|')[0]!))];
      // Totals over every range, years, and 12-month-ending values: each shown one is a sum of months.
      const sums: { query: string; monthsOf: (row: Row) => string[] }[] = [
        ...ranges.map(([from, to]) => ({ query: `${base}&unit=total&from=${from}&to=${to}`, monthsOf: () => monthsOf(from, to) })),
        { query: `${base}&unit=year`, monthsOf: (row: Row) => monthsOf(`${String(row.period)}-01`, `${String(row.period)}-12`) },
        ...(months.length >= 12
          ? [{ query: `${base}&unit=12mo&from=${months[11]!}&to=${months[last]!}`, monthsOf: (row: Row) => months.slice(months.indexOf(String(row.period)) - 11, months.indexOf(String(row.period)) + 1) }]
          : []),
      ];
      let shownSums = 0;
      for (const { query, monthsOf: partsOf } of sums) {
        const shown = await rows(query);
        expect(shownSmall(shown), query).toEqual([]);
        for (const row of shown) {
          if (row.suppressed === true) continue;
          const key = `${String(row.geography)}|${query}|${String(row.period)}`;
          known.set(key, Number(row.count));
          equations.push(sumEquation(partsOf(row).map((m) => monthKey(String(row.geography), m)), key));
          shownSums++;
        }
      }
      const hidden = new Map<string, number>();
      for (const g of geographies) {
        for (const m of months) {
          const key = monthKey(g, m);
          if (!known.has(key)) (truth.has(key) && truth.get(key)! > 0 ? hidden : known).set(key, truth.get(key) ?? 0);
        }
      }
      // A shown zero-count row is absent from the answer, so a month missing from the truth is a known 0.
      for (const [key, value] of hidden) if (value === 0) known.set(key, 0);
      const reading = { known, hidden, equations };
      expect(hidden.size, base).toBeGreaterThan(5);
      expect(shownSums, base).toBeGreaterThan(20);
      process.stderr.write(`cross-range attacker, ${base}: ${sums.length} sum answers (${shownSums} values shown) over ${months.length} months, ${hidden.size} withheld months, ${equations.length} equations\n`);
      expect(subtractionLeaks(reading), base).toEqual([]);
      expect(determinedUnknowns(reading), base).toEqual([]);
      // The guard: the same sums taken from the true counts (as each answer protected on its own
      // showed most of them) do give withheld months away.
      const naive = { known: new Map(known), hidden: new Map(hidden), equations: [...equations] };
      for (const [from, to] of ranges) {
        for (const g of geographies) {
          const key = `${g}|naive ${from} ${to}`;
          const value = monthsOf(from, to).reduce((sum, m) => sum + (truth.get(monthKey(g, m)) ?? 0), 0);
          if (value >= 10) {
            naive.known.set(key, value);
            naive.equations.push(sumEquation(monthsOf(from, to).map((m) => monthKey(g, m)), key));
          }
        }
      }
      if (measure === 'all_deaths') expect(determinedUnknowns(naive).length, base).toBeGreaterThan(0);
    }
  }, 180_000);

  it('answers a state\'s counties the same with state= as without', async () => {
    const all = await rows('measure=all_deaths&geography=county&unit=month');
    for (const state of ['06', '39', '11']) {
      const filtered = await rows(`measure=all_deaths&geography=county&unit=month&state=${state}`);
      expect(filtered).toEqual(all.filter((r) => String(r.geography).startsWith(state)));
    }
  });

  it('shows everything to an epidemiologist, with the same figures where the public sees them', async () => {
    const [shown, actual] = await Promise.all([rows('measure=all_deaths&geography=county&unit=month&state=06'), rows('measure=all_deaths&geography=county&unit=month&state=06', epidemiologist)]);
    expect(actual.every((r) => r.suppressed === false && typeof r.count === 'number')).toBe(true);
    expect(shownSmall(actual).length).toBeGreaterThan(0);
    const byKey = new Map(actual.map((r) => [`${r.geography}|${r.period}`, r]));
    for (const row of shown.filter((r) => r.suppressed === false)) expect(row).toEqual({ ...byKey.get(`${row.geography}|${row.period}`), specificity_share: null, pending_share: null });
  });
});
