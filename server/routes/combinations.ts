/**
 * `GET /api/combinations`: which drug classes occur together in overdose deaths (record-axis
 * T-codes) or ED overdose visits (the ED coder's drugs, through the CM → WHO bridge), by place and
 * period: each combination's count ("synthetic_opioid+psychostimulant", "synthetic_opioid" alone),
 * its share of the place-period's overdose total and its change from the previous period, and the
 * class × class co-occurrence counts for a matrix (diagonal = records with the class).
 *
 * Small counts: callers who do not see unsuppressed aggregates get no count of 1-9 below the
 * nation, and nothing they are shown (here or as a measure's count in /api/aggregates) lets them
 * work one out: combinationProtection, below. Each period's table is protected on its own, so
 * below the nation they get one unit only, the calendar year (a 403 for the others): with years
 * and quarters both, a year minus three shown quarters would be the fourth.
 */
import { Router } from 'express';
import { z } from 'zod';
import { ARROW_MEDIA_TYPE, rowsToArrow, sendArrow, wantsArrow, type ColumnType } from '../arrow.ts';
import { principalOf, seesUnsuppressed } from '../auth/principal.ts';
import { HttpError, parseInput, yearMonth } from '../errors.ts';
import type { RouteDoc } from '../openapi.ts';
import type { AppServices } from '../services.ts';
import { PUBLIC_COMBINATION_UNIT } from '../../pipeline/stats/aggregates/public-grid.ts';
import { combinationProtection, type CombinationCell, type Protection } from '../../pipeline/stats/rates/combination-protection.ts';

const QUERY = z.strictObject({
  source: z.enum(['deaths', 'ed']).default('deaths'),
  geography: z.enum(['county', 'state', 'nation']).default('nation'),
  place: z.string().regex(/^(\d{2}|\d{5})$/, 'a state (2-digit) or county (5-digit) FIPS code').optional().meta({ examples: ['39'] }),
  unit: z.enum(['month', 'quarter', 'year']).default('quarter'),
  from: yearMonth.optional().meta({ examples: ['2024-01'] }),
  to: yearMonth.optional().meta({ examples: ['2024-03'] }),
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

/** For the OpenAPI document (server/openapi.ts). */
export const COMBINATION_ROUTES: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/api/combinations',
    summary: 'Drug-class combinations of overdose deaths or ED overdose visits, by place and period',
    description:
      'Per place and period: each combination of drug classes (e.g. synthetic_opioid+psychostimulant), its count, share of the overdose total and change from the previous period, ' +
      'and the class × class co-occurrence counts. Callers without unsuppressed access get no count of 1-9 below the nation: small combinations are hidden, summed into "other" (never 1-9), ' +
      'and whatever else would let them be worked out is hidden too; below the nation they get calendar years only (unit=year: a year minus its shown quarters would be the fourth). County tables need place (a state or a county).',
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
    const suppress = query.geography !== 'nation' && !seesUnsuppressed(principalOf(response));
    if (suppress && query.unit !== PUBLIC_COMBINATION_UNIT) {
      throw new HttpError(403, `unit=${query.unit} below the national level needs a sign-in: public drug combinations for states and counties are by calendar year (unit=year), so that no withheld count follows from a year minus its shown quarters or months`);
    }
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
