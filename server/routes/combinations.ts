/**
 * `GET /api/combinations`: which drug classes occur together in overdose deaths (record-axis
 * T-codes) or ED overdose visits (the ED coder's drugs, through the CM → WHO bridge), by place and
 * period: each combination's count ("synthetic_opioid+psychostimulant", "synthetic_opioid" alone),
 * its share of the place-period's overdose total and its change from the previous period, and the
 * class × class co-occurrence counts for a matrix (diagonal = records with the class).
 *
 * Small counts: callers who do not see unsuppressed aggregates get no count of 1-9 below the
 * nation, and nothing they are shown (here or as a measure's count in /api/aggregates) lets them
 * work one out: combinationProtection, below.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ARROW_MEDIA_TYPE, rowsToArrow, sendArrow, type ColumnType } from '../arrow.ts';
import { principalOf, seesUnsuppressed } from '../auth/principal.ts';
import { HttpError, parseInput } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';
import { wantsArrow } from './clusters.ts';

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'expected a month as YYYY-MM');
const QUERY = z.strictObject({
  source: z.enum(['deaths', 'ed']).default('deaths'),
  geography: z.enum(['county', 'state', 'nation']).default('nation'),
  place: z.string().regex(/^(\d{2}|\d{5})$/, 'a state (2-digit) or county (5-digit) FIPS code').optional(),
  unit: z.enum(['month', 'quarter', 'year']).default('quarter'),
  from: month.optional(),
  to: month.optional(),
  format: z.enum(['json', 'arrow']).optional(),
  view: z.enum(['combinations', 'pairs']).default('combinations'),
});
type Unit = z.infer<typeof QUERY>['unit'];

/** Periods in one answer at most (ten years of months). */
const MAX_PERIODS = 120;

const COMBINATION_COLUMNS: Record<string, ColumnType> = {
  geography: 'utf8', period: 'utf8', combination: 'utf8', count: 'int32', share: 'float64', suppressed: 'int32',
  previous_count: 'int32', change: 'int32', change_pct: 'float64',
};
const PAIR_COLUMNS: Record<string, ColumnType> = { geography: 'utf8', period: 'utf8', a: 'utf8', b: 'utf8', count: 'int32', suppressed: 'int32' };

// Periods as integers (months since year 0, quarters, years), so ranges and "the previous one" are arithmetic.
const PER_YEAR: Record<Unit, number> = { month: 12, quarter: 4, year: 1 };

function periodIndex(yyyyMm: string, unit: Unit): number {
  const [year, monthNumber] = yyyyMm.split('-').map(Number) as [number, number];
  return year * PER_YEAR[unit] + Math.floor(((monthNumber - 1) * PER_YEAR[unit]) / 12);
}

function periodLabel(index: number, unit: Unit): string {
  const year = Math.floor(index / PER_YEAR[unit]);
  const part = index - year * PER_YEAR[unit];
  return unit === 'year' ? String(year) : unit === 'quarter' ? `${year}-Q${part + 1}` : `${year}-${String(part + 1).padStart(2, '0')}`;
}

/** First day of a period (YYYY-MM-DD). */
function periodStart(index: number, unit: Unit): string {
  const year = Math.floor(index / PER_YEAR[unit]);
  const firstMonth = ((index - year * PER_YEAR[unit]) * 12) / PER_YEAR[unit] + 1;
  return `${year}-${String(firstMonth).padStart(2, '0')}-01`;
}

export interface CombinationCell {
  combination: string;
  classes: string[];
  count: number;
}

/** For the OpenAPI document (server/openapi.ts). */
export const COMBINATION_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/combinations',
    summary: 'Drug-class combinations of overdose deaths or ED overdose visits, by place and period',
    description:
      'Per place and period: each combination of drug classes (e.g. synthetic_opioid+psychostimulant), its count, share of the overdose total and change from the previous period, ' +
      'and the class × class co-occurrence counts. Callers without unsuppressed access get no count of 1-9 below the nation: small combinations are hidden, summed into "other" (never 1-9), ' +
      'and whatever else would let them be worked out is hidden too. County tables need place (a state or a county).',
    tags: ['aggregates'],
    callers: ['public', 'admin', 'uploader', 'coder', 'epidemiologist'],
    query: QUERY,
    responses: {
      '200': { description: 'The tables (JSON), or one row per combination or pair (Arrow IPC, view=combinations|pairs).', mediaTypes: ['application/json', ARROW_MEDIA_TYPE] },
      '400': { description: 'A bad parameter, named with its value.' },
    },
  },
];

export function combinationRoutes({ db, queries }: AppServices): Router {
  const router = Router();
  router.get('/api/combinations', async (request, response) => {
    const query = parseInput(QUERY, request.query);
    if (query.geography === 'county' && query.place === undefined) throw new HttpError(400, 'invalid place: missing (county tables come one state, place=39, or one county, place=39061, at a time)');
    if (query.geography === 'state' && query.place !== undefined && query.place.length !== 2) throw new HttpError(400, `invalid place: "${query.place}" (state tables take a state FIPS code)`);
    if (query.geography === 'nation' && query.place !== undefined) throw new HttpError(400, `invalid place: "${query.place}" (the nation has no place filter)`);
    const [extent] = await queries.rows(db.connection, 'drug_combination_extent', { source: query.source });
    const firstDay = (extent?.first_day as string | null) ?? null;
    const lastDay = (extent?.last_day as string | null) ?? null;
    const from = query.from ?? firstDay?.slice(0, 7);
    const to = query.to ?? lastDay?.slice(0, 7);
    const classes = (extent?.classes as { class: string; label: string }[] | undefined) ?? [];
    const base = { source: query.source, geography: query.geography, place: query.place ?? null, unit: query.unit, first_day: firstDay, last_day: lastDay };
    if (from === undefined || to === undefined) {
      response.json({ ...base, from: null, to: null, suppression: 'none', classes, tables: [] });
      return;
    }
    if (from > to) throw new HttpError(400, `invalid from: "${from}" is after to "${to}"`);
    const first = periodIndex(from, query.unit);
    const last = periodIndex(to, query.unit);
    if (last - first + 1 > MAX_PERIODS) throw new HttpError(400, `invalid from: "${from}" to "${to}" is ${last - first + 1} ${query.unit}s (at most ${MAX_PERIODS})`);
    // One period more at the start: the first period's change needs the one before.
    const rows = await queries.rows(db.connection, 'drug_combinations', {
      source: query.source, geography: query.geography, place: query.place ?? '', unit: query.unit,
      from: periodStart(first - 1, query.unit), to: periodStart(last + 1, query.unit),
    });
    const suppress = query.geography !== 'nation' && !seesUnsuppressed(principalOf(response));
    const order = new Map(classes.map((c, i) => [c.class, i]));
    const cells = new Map<string, Map<string, CombinationCell[]>>();
    for (const row of rows) {
      const geography = String(row.geography);
      const byPeriod = cells.get(geography) ?? cells.set(geography, new Map()).get(geography)!;
      const period = String(row.period);
      const list = byPeriod.get(period) ?? byPeriod.set(period, []).get(period)!;
      const combination = String(row.combination);
      list.push({ combination, classes: combination === 'unspecified' ? [] : combination.split('+'), count: Number(row.records) });
    }
    const tables = [...cells.keys()].sort().flatMap((geography) => {
      const byPeriod = cells.get(geography)!;
      const protect = (index: number) => tableOf(byPeriod.get(periodLabel(index, query.unit)) ?? [], suppress, order);
      let previous = protect(first - 1);
      return Array.from({ length: last - first + 1 }, (_, k) => {
        const index = first + k;
        const current = protect(index);
        // A previous period the data do not wholly cover is no baseline for a change (not zero, not half).
        const hasPrevious = firstDay !== null && periodStart(index - 1, query.unit) >= firstDay;
        const table = present(geography, index, query.unit, current, hasPrevious ? previous : null, { firstDay, lastDay: lastDay! });
        previous = current;
        return table;
      });
    });
    response.set('Cache-Control', 'no-cache');
    if (wantsArrow(request, query.format)) {
      const flat = query.view === 'pairs'
        ? tables.flatMap((t) => t.pairs.map((p) => ({ geography: t.geography, period: t.period, ...p, suppressed: Number(p.suppressed) })))
        : tables.flatMap((t) => [...t.combinations, ...(t.other ? [{ ...t.other, combination: 'other' }] : [])].map((c) => ({ geography: t.geography, period: t.period, ...c, suppressed: Number(c.suppressed) })));
      sendArrow(response, rowsToArrow(flat, query.view === 'pairs' ? PAIR_COLUMNS : COMBINATION_COLUMNS));
      return;
    }
    response.json({ ...base, from, to, suppression: suppress ? 'small counts (1-9) suppressed below the nation' : 'none', classes, tables });
  });
  return router;
}

interface ProtectedTable {
  cells: CombinationCell[];
  protection: Protection;
  pairs: { a: string; b: string; count: number }[];
}

/** A place-period's cells with their protection (none for callers who see everything) and pair counts. */
function tableOf(cells: CombinationCell[], suppress: boolean, order: ReadonlyMap<string, number>): ProtectedTable {
  const protection = combinationProtection(cells, { suppress });
  const pairs = new Map<string, { a: string; b: string; count: number }>();
  for (const cell of cells) {
    const sorted = [...cell.classes].sort((x, y) => (order.get(x) ?? 99) - (order.get(y) ?? 99));
    sorted.forEach((a, i) => {
      for (const b of sorted.slice(i)) {
        const key = `${a}+${b}`;
        (pairs.get(key) ?? pairs.set(key, { a, b, count: 0 }).get(key)!).count += cell.count;
      }
    });
  }
  return { cells, protection, pairs: [...pairs.values()] };
}

function present(geography: string, index: number, unit: Unit, table: ProtectedTable, previous: ProtectedTable | null, extent: { firstDay: string | null; lastDay: string }) {
  const { protection } = table;
  const total = protection.totalHidden ? null : protection.total;
  const previousTotal = previous && !previous.protection.totalHidden ? previous.protection.total : null;
  const previousCount = (combination: string): number | null => {
    if (!previous) return null;
    if (previous.protection.hidden.has(combination) || previous.protection.namesWithheld || previous.protection.totalHidden) return null;
    return previous.cells.find((c) => c.combination === combination)?.count ?? 0;
  };
  // Shown combinations by count, then the hidden ones by name: their place in the list must not hint at their size.
  const listed = [
    ...table.cells.filter((c) => !protection.hidden.has(c.combination)).sort((x, y) => y.count - x.count || (x.combination < y.combination ? -1 : 1)),
    ...(protection.namesWithheld ? [] : table.cells.filter((c) => protection.hidden.has(c.combination)).sort((x, y) => (x.combination < y.combination ? -1 : 1))),
  ];
  const combinations = listed.map((c) => {
    const hidden = protection.hidden.has(c.combination);
    const count = hidden ? null : c.count;
    const before = hidden ? null : previousCount(c.combination);
    return {
      combination: c.combination,
      classes: c.classes,
      count,
      share: count !== null && total ? count / total : null,
      suppressed: hidden,
      previous_count: before,
      change: count !== null && before !== null ? count - before : null,
      change_pct: count !== null && before ? (count - before) / before : null,
    };
  });
  const otherCount = protection.hidden.size > 0 && !protection.totalHidden ? table.cells.filter((c) => protection.hidden.has(c.combination)).reduce((s, c) => s + c.count, 0) : null;
  const end = periodStart(index + 1, unit);
  return {
    geography,
    period: periodLabel(index, unit),
    partial: (extent.firstDay !== null && periodStart(index, unit) < extent.firstDay) || end > nextDay(extent.lastDay),
    total,
    total_suppressed: protection.totalHidden,
    previous_period: previous ? periodLabel(index - 1, unit) : null,
    previous_total: previousTotal,
    combinations,
    // The hidden combinations together, when something is hidden: never 1-9 (combination-protection.ts).
    other: protection.hidden.size > 0 ? { count: otherCount, share: otherCount !== null && total ? otherCount / total : null, combinations: protection.namesWithheld ? null : protection.hidden.size, suppressed: otherCount === null } : null,
    names_withheld: protection.namesWithheld,
    pairs: protection.namesWithheld ? [] : table.pairs.map((p) => {
      const hidden = protection.hiddenPairs.has(`${p.a}+${p.b}`);
      return { a: p.a, b: p.b, count: hidden ? null : p.count, suppressed: hidden };
    }),
  };
}

function nextDay(isoDay: string): string {
  return new Date(Date.parse(`${isoDay}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

// ---------------------------------------------------------------------------------------------
// Small-count protection of one place-period table.
//
// Shown to a protected caller: each combination's count, the total, the hidden combinations'
// sum ("other combinations"), the class totals (the matrix diagonal) and pair counts. Also public
// elsewhere: each death measure's count (/api/aggregates: the T40.4, T40.1, T40.2, T40.3, T40.5,
// T43.6, T42.4 classes, and any opioid). Each shown number is an equation in the hidden counts,
// and a reader knows each hidden (listed) combination has at least 1. A hidden count of 1-9, and
// any pair count, class total or hidden sum of 1-9, must not follow from them (NCHS: suppressed
// cells must not be recoverable by subtraction). Two tests of "follows": the quantity is a linear
// combination of the equations (exact elimination), or bound propagation with every hidden count
// ≥ 1 pins it (x + y = 2 makes both 1).
//
// - Primary: combinations of 1-9; a total of 1-9 hides the whole table.
// - Off-diagonal pair counts are shown only when every combination in them is shown (then they
//   add nothing a reader could not add up). Class totals of 10 or more are shown.
// - Complementary, while something protected follows: hide a class total no other page shows
//   (cannabis, antidepressants, xylazine, alcohol, other, opium/unspecified) if that helps, else
//   the smallest of the few smallest shown combinations that helps, else the smallest. Each step
//   hides one more thing, so it ends.
// - If even with every combination and those class totals hidden something follows from the
//   published counts alone, the hidden combinations' names are withheld (a reader who does not
//   know which combinations exist cannot set up the equations).
// ---------------------------------------------------------------------------------------------

export interface Protection {
  total: number;
  totalHidden: boolean;
  /** Hidden combinations. */
  hidden: Set<string>;
  /** Hidden pair counts, as "a+b" and "b+a" (a = b for a class total). */
  hiddenPairs: Set<string>;
  namesWithheld: boolean;
}

/** Classes whose totals /api/aggregates publishes as death measures. */
const MEASURE_CLASSES = new Set(['synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'cocaine', 'psychostimulant', 'benzodiazepine']);
/** The any-opioid measure (T40.0-T40.4, T40.6) in classes. */
const OPIOID_CLASSES = new Set(['synthetic_opioid', 'heroin', 'natural_semisynthetic', 'methadone', 'other_opioid']);

const small = (n: number) => n >= 1 && n <= 9;
/** Shown combinations tried per complementary step (each try is an elimination and a propagation). */
const CANDIDATES = 8;

/** A set of combinations (indices) and the true sum of their counts. */
interface Group {
  members: number[];
  value: number;
}

export function combinationProtection(cells: readonly CombinationCell[], { suppress }: { suppress: boolean }): Protection {
  const total = cells.reduce((s, c) => s + c.count, 0);
  const none: Protection = { total, totalHidden: false, hidden: new Set(), hiddenPairs: new Set(), namesWithheld: false };
  if (!suppress) return none;
  if (small(total)) return { ...none, totalHidden: true, hidden: new Set(cells.map((c) => c.combination)), hiddenPairs: new Set(pairKeys(cells).flatMap(([a, b]) => [pairKey(a, b), pairKey(b, a)])) };
  const groupOf = (members: number[]): Group => ({ members, value: members.reduce((s, k) => s + cells[k]!.count, 0) });
  const classes = [...new Set(cells.flatMap((c) => c.classes))];
  const pairs = new Map<string, Group>();
  classes.forEach((a, i) => {
    for (const b of classes.slice(i)) pairs.set(pairKey(a, b), groupOf(cells.flatMap((c, k) => (c.classes.includes(a) && c.classes.includes(b) ? [k] : []))));
  });
  const diagonal = (a: string) => pairs.get(pairKey(a, a))!;
  const all = groupOf(cells.map((_, k) => k));
  const opioid = groupOf(cells.flatMap((c, k) => (c.classes.some((x) => OPIOID_CLASSES.has(x)) ? [k] : [])));
  const hidden = new Set(cells.flatMap((c, k) => (small(c.count) ? [k] : [])));
  const removed = new Set<string>(); // own class totals hidden as complements
  const ownTotals = classes.filter((a) => !MEASURE_CLASSES.has(a) && diagonal(a).value >= 10);
  const protectedGroups = (): Group[] => [
    ...[...hidden].filter((k) => small(cells[k]!.count)).map((k) => groupOf([k])),
    ...[...pairs.values()].filter((g) => small(g.value)),
    ...(small(opioid.value) ? [opioid] : []),
    ...(small(groupOf([...hidden]).value) ? [groupOf([...hidden])] : []),
  ];
  const equations = (): Group[] => [
    all,
    ...(opioid.value >= 10 ? [opioid] : []),
    ...classes.filter((a) => diagonal(a).value >= 10 && !removed.has(a)).map(diagonal),
  ];
  const determined = () => countDetermined(protectedGroups(), equations(), hidden, cells);
  const tryWith = (change: () => void, undo: () => void, left: number) => {
    change();
    const after = determined();
    undo();
    return after < left;
  };
  for (let left = determined(); left > 0; left = determined()) {
    const ownTotal = ownTotals.find((a) => !removed.has(a) && tryWith(() => removed.add(a), () => removed.delete(a), left));
    if (ownTotal !== undefined) {
      removed.add(ownTotal);
      continue;
    }
    const shown = cells.map((_, k) => k).filter((k) => !hidden.has(k)).sort((x, y) => cells[x]!.count - cells[y]!.count || x - y);
    if (shown.length === 0) {
      const rest = ownTotals.filter((a) => !removed.has(a));
      if (rest.length === 0) return { total: all.value, totalHidden: false, hidden: names(cells, hidden), hiddenPairs: hiddenPairsOf(hidden, pairs, removed), namesWithheld: true };
      for (const a of rest) removed.add(a);
      continue;
    }
    const better = shown.slice(0, CANDIDATES).find((k) => tryWith(() => hidden.add(k), () => hidden.delete(k), left));
    hidden.add(better ?? shown[0]!);
  }
  return { total: all.value, totalHidden: false, hidden: names(cells, hidden), hiddenPairs: hiddenPairsOf(hidden, pairs, removed), namesWithheld: false };
}

function pairKey(a: string, b: string): string {
  return `${a}+${b}`;
}

function pairKeys(cells: readonly CombinationCell[]): [string, string][] {
  return cells.flatMap((c) => c.classes.flatMap((a, i) => c.classes.slice(i).map((b): [string, string] => [a, b])));
}

function names(cells: readonly CombinationCell[], hidden: ReadonlySet<number>): Set<string> {
  return new Set([...hidden].map((k) => cells[k]!.combination));
}

/** Pair counts not shown: off-diagonal ones with a hidden member; class totals of 1-9 or hidden as complements. */
function hiddenPairsOf(hidden: ReadonlySet<number>, pairs: ReadonlyMap<string, Group>, removed: ReadonlySet<string>): Set<string> {
  const keys = new Set<string>();
  for (const [key, g] of pairs) {
    const [a, b] = key.split('+') as [string, string];
    const hide = a === b ? small(g.value) || removed.has(a) : g.members.some((k) => hidden.has(k));
    if (hide) keys.add(key).add(pairKey(b, a));
  }
  return keys;
}

/**
 * How many protected groups follow from the equations: linearly, or pinned by bounds with every
 * hidden count ≥ 1 (propagated through the equations and through their reduced row-echelon rows,
 * which hold the differences a reader would take, e.g. total − fentanyl = the non-fentanyl rest).
 */
function countDetermined(groups: readonly Group[], equations: readonly Group[], hidden: ReadonlySet<number>, cells: readonly CombinationCell[]): number {
  const unknowns = [...hidden];
  const n = unknowns.length;
  const column = new Map(unknowns.map((k, i) => [k, i]));
  // A row over the hidden counts, with the sum left once the shown members are taken off in the last place.
  const row = (g: Group, withRest: boolean) => {
    const v = new Float64Array(n + 1);
    let rest = g.value;
    for (const k of g.members) {
      if (column.has(k)) v[column.get(k)!] = 1;
      else rest -= cells[k]!.count;
    }
    v[n] = withRest ? rest : 0;
    return v;
  };
  const rows = equations.map((e) => row(e, true));
  const basis = rowBasis(rows, n);
  const { lo, hi } = propagateBounds([...rows, ...basis.map((b) => b.row)], n);
  return groups.filter((g) => {
    const v = row(g, false);
    if (reduces(basis, v, n)) return true;
    let low = 0;
    let high = 0;
    let any = false;
    for (let i = 0; i < n; i++) {
      if (v[i] === 0) continue;
      any = true;
      low += lo[i]!;
      high += hi[i]!;
    }
    return any && low === high;
  }).length;
}

/** Interval propagation over rows Σ a_j x_j = r (r last) for integers x_j ≥ 1, to a fixed point. */
function propagateBounds(rows: readonly Float64Array[], n: number): { lo: Float64Array; hi: Float64Array } {
  const lo = new Float64Array(n).fill(1);
  const hi = new Float64Array(n).fill(Infinity);
  // The least and greatest value of a_j x_j over x_j's interval.
  const least = (a: number, j: number) => (a > 0 ? a * lo[j]! : a * hi[j]!);
  const most = (a: number, j: number) => (a > 0 ? a * hi[j]! : a * lo[j]!);
  for (let changed = true, rounds = 0; changed && rounds < 20; rounds++) {
    changed = false;
    for (const row of rows) {
      const r = row[n]!;
      // Σ of every term's range once (infinite terms counted apart), then each j takes its own out.
      let min = 0;
      let max = 0;
      let minInfinite = 0;
      let maxInfinite = 0;
      for (let k = 0; k < n; k++) {
        const a = row[k]!;
        if (Math.abs(a) <= EPSILON) continue;
        const l = least(a, k);
        const m = most(a, k);
        if (Number.isFinite(l)) min += l;
        else minInfinite++;
        if (Number.isFinite(m)) max += m;
        else maxInfinite++;
      }
      for (let j = 0; j < n; j++) {
        const a = row[j]!;
        if (Math.abs(a) <= EPSILON) continue;
        const l = least(a, j);
        const m = most(a, j);
        const othersMin = minInfinite - (Number.isFinite(l) ? 0 : 1) > 0 ? -Infinity : min - (Number.isFinite(l) ? l : 0);
        const othersMax = maxInfinite - (Number.isFinite(m) ? 0 : 1) > 0 ? Infinity : max - (Number.isFinite(m) ? m : 0);
        // a x_j = r − others, so x_j lies between (r − othersMax)/a and (r − othersMin)/a.
        const [from, to] = a > 0 ? [(r - othersMax) / a, (r - othersMin) / a] : [(r - othersMin) / a, (r - othersMax) / a];
        const lower = Number.isFinite(from) ? Math.ceil(from - EPSILON) : -Infinity;
        const upper = Number.isFinite(to) ? Math.floor(to + EPSILON) : Infinity;
        if (upper < hi[j]! || lower > lo[j]!) {
          // Keep the running sums true to the narrowed interval.
          if (Number.isFinite(l)) min -= l;
          else minInfinite--;
          if (Number.isFinite(m)) max -= m;
          else maxInfinite--;
          if (upper < hi[j]!) hi[j] = upper;
          if (lower > lo[j]!) lo[j] = lower;
          const l2 = least(a, j);
          const m2 = most(a, j);
          if (Number.isFinite(l2)) min += l2;
          else minInfinite++;
          if (Number.isFinite(m2)) max += m2;
          else maxInfinite++;
          changed = true;
        }
      }
    }
  }
  return { lo, hi };
}

interface BasisRow {
  pivot: number;
  row: Float64Array;
}

const EPSILON = 1e-9;

/** Gaussian elimination on rows of n coefficients and a right-hand side: reduced row-echelon rows, distinct pivots, 1 at each. */
function rowBasis(rows: readonly Float64Array[], n: number): BasisRow[] {
  const basis: BasisRow[] = [];
  for (const original of rows) {
    const row = Float64Array.from(original);
    eliminate(basis, row);
    let pivot = -1;
    for (let j = 0; j < n && pivot === -1; j++) if (Math.abs(row[j]!) > EPSILON) pivot = j;
    if (pivot === -1) continue;
    const scale = row[pivot]!;
    for (let j = 0; j < row.length; j++) row[j]! /= scale;
    for (const b of basis) {
      const factor = b.row[pivot]!;
      if (Math.abs(factor) > EPSILON) for (let j = 0; j < row.length; j++) b.row[j]! -= factor * row[j]!;
    }
    basis.push({ pivot, row });
  }
  return basis;
}

function eliminate(basis: readonly BasisRow[], row: Float64Array): void {
  for (const { pivot, row: b } of basis) {
    const factor = row[pivot]!;
    if (Math.abs(factor) > EPSILON) for (let j = 0; j < row.length; j++) row[j]! -= factor * b[j]!;
  }
}

/** True when the first n entries of v are a combination of the basis rows' (a nonzero v reduces to 0). */
function reduces(basis: readonly BasisRow[], v: Float64Array, n: number): boolean {
  if (v.subarray(0, n).every((x) => x === 0)) return false;
  const row = Float64Array.from(v);
  eliminate(basis, row);
  return row.subarray(0, n).every((x) => Math.abs(x) <= EPSILON);
}
