/**
 * Suppression across linked tables (pipeline/stats/aggregates/hierarchy-suppression.ts), checked by
 * the attacker in test/helpers/suppression-attacker.ts on random hierarchies (fast-check): counties
 * in states in the nation, periods with range totals, strata. Whatever the counts, no county or
 * state value of 1-9 is shown, and no withheld value follows from the shown ones, neither by one
 * subtraction nor by solving every equation together.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HierarchySuppression } from '../pipeline/stats/aggregates/hierarchy-suppression.ts';
import { suppressTable } from '../pipeline/stats/rates/suppression.ts';
import { determinedUnknowns, hierarchyReading, RANGE_TOTAL, subtractionLeaks, sumEquation, type HierarchyLayout, type Reading } from './helpers/suppression-attacker.ts';

/** Small counts, as county tables have them: many zeros and 1-9s, some larger. */
const countArb = fc.oneof({ weight: 3, arbitrary: fc.constant(0) }, { weight: 4, arbitrary: fc.integer({ min: 1, max: 9 }) }, { weight: 3, arbitrary: fc.integer({ min: 10, max: 60 }) });

interface Case {
  layout: HierarchyLayout;
  /** county → period → stratum ('all' when there are no strata) → count */
  counts: Map<string, number>;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    countiesPerState: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 2, maxLength: 4 }),
    periods: fc.integer({ min: 1, max: 4 }),
    strata: fc.constantFrom([] as string[], ['a', 'b'], ['a', 'b', 'c']),
    rangeTotals: fc.boolean(),
    seed: fc.integer(),
  })
  .chain(({ countiesPerState, periods, strata, rangeTotals }) => {
    const states = countiesPerState.map((n, s) => ({ state: String(10 + s), counties: Array.from({ length: n }, (_, c) => `${10 + s}${String(c + 1).padStart(3, '0')}`) }));
    const periodKeys = Array.from({ length: periods }, (_, p) => `p${p}`);
    const strataKeys = strata.length > 0 ? strata : ['all'];
    const cells = states.flatMap((s) => s.counties).flatMap((county) => periodKeys.flatMap((period) => strataKeys.map((stratum) => `${county}|${period}|${stratum}`)));
    return fc.array(countArb, { minLength: cells.length, maxLength: cells.length }).map((values) => ({
      layout: { states, periods: periodKeys, strata, rangeTotals: rangeTotals && periods > 1 },
      counts: new Map(cells.map((key, i) => [key, values[i]!])),
    }));
  });

/** True values of every place, period (and range total) and stratum (and 'all'). */
function truthOf({ layout, counts }: Case) {
  return (geography: string, period: string, stratum: string): number => {
    const periods = period === RANGE_TOTAL ? layout.periods : [period];
    const strata = stratum === 'all' && layout.strata.length > 0 ? layout.strata : [stratum];
    const counties =
      geography === 'US' ? layout.states.flatMap((s) => s.counties) : geography.length === 2 ? layout.states.find((s) => s.state === geography)!.counties : [geography];
    let sum = 0;
    for (const c of counties) for (const p of periods) for (const s of strata) sum += counts.get(`${c}|${p}|${s}`) ?? 0;
    return sum;
  };
}

/** The suppression as the API builds it: the unit=total answer first, whose withheld totals the period table then respects. */
function suppress(testCase: Case, options: { separateTotals: boolean }) {
  const { layout } = testCase;
  const truth = truthOf(testCase);
  const leafStrata = layout.strata.length > 0 ? layout.strata : ['all'];
  const build = (periods: readonly (string | null)[], rangeTotals: boolean, totals?: HierarchySuppression) => {
    const plan = new HierarchySuppression({
      periods,
      strata: layout.strata,
      rangeTotals,
      states: layout.states.map((s) => s.state),
      countiesOf: (state) => layout.states.find((s) => s.state === state)?.counties ?? [],
      ...(totals ? { totals } : {}),
    });
    for (const { state, counties } of layout.states) {
      for (const place of [state, ...counties]) {
        for (const period of periods) for (const stratum of leafStrata) plan.addCount(place, period, stratum, period === null ? truth(place, RANGE_TOTAL, stratum) : truth(place, period, stratum));
      }
    }
    return plan;
  };
  const totals = build([null], false);
  const byPeriod = layout.rangeTotals ? build(layout.periods, true, options.separateTotals ? totals : undefined) : build(layout.periods, false);
  return {
    totals,
    byPeriod,
    isHidden: (geography: string, period: string, stratum: string) =>
      period === RANGE_TOTAL ? totals.reason(geography, null, stratum) !== null : byPeriod.reason(geography, period, stratum) !== null,
  };
}

function shownSmallCounts(reading: Reading): string[] {
  return [...reading.known].filter(([key, value]) => !key.startsWith('US|') && !key.startsWith('unallocated|') && value >= 1 && value <= 9).map(([key]) => key);
}

describe('the attacker', () => {
  it('finds a withheld cell given away by one subtraction, and one given away only by the whole system', () => {
    // a + b = 10 (shown total), a hidden, b shown: one subtraction.
    const simple: Reading = { known: new Map([['b', 4], ['t', 10]]), hidden: new Map([['a', 6]]), equations: [sumEquation(['a', 'b'], 't')] };
    expect(subtractionLeaks(simple)).toEqual([{ key: 'a', solved: 6, actual: 6 }]);
    // x + y = 5 and x - y = 1 (y + 1 = x): no single equation has one unknown, together they fix both.
    const joint: Reading = {
      known: new Map([['t', 5], ['one', 1]]),
      hidden: new Map([['x', 3], ['y', 2]]),
      equations: [sumEquation(['x', 'y'], 't'), sumEquation(['y', 'one'], 'x')],
    };
    expect(subtractionLeaks(joint)).toEqual([]);
    expect(determinedUnknowns(joint).map((l) => [l.key, l.solved])).toEqual([['x', 3], ['y', 2]]);
  });

  it('agrees with suppressTable on random tables: nothing it hides can be solved for (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 7 }).chain((rows) => fc.integer({ min: 2, max: 7 }).chain((columns) => fc.array(fc.array(countArb, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }))),
        (cells) => {
          const result = suppressTable({ cells });
          const known = new Map<string, number>();
          const hidden = new Map<string, number>();
          const put = (key: string, value: number, reason: unknown) => (reason === null ? known : hidden).set(key, value);
          cells.forEach((row, r) => row.forEach((v, c) => put(`c${r},${c}`, v, result.cells[r]![c])));
          cells.forEach((row, r) => put(`r${r}`, row.reduce((s, v) => s + v, 0), result.rowTotals[r]));
          cells[0]!.forEach((_, c) => put(`k${c}`, cells.reduce((s, row) => s + row[c]!, 0), result.columnTotals[c]));
          put('g', cells.flat().reduce((s, v) => s + v, 0), result.grandTotal);
          const equations = [
            ...cells.map((row, r) => sumEquation(row.map((_, c) => `c${r},${c}`), `r${r}`)),
            ...cells[0]!.map((_, c) => sumEquation(cells.map((_, r) => `c${r},${c}`), `k${c}`)),
            sumEquation(cells.map((_, r) => `r${r}`), 'g'),
          ];
          const reading = { known, hidden, equations };
          expect(determinedUnknowns(reading)).toEqual([]);
          expect([...known.values()].filter((v) => v >= 1 && v <= 9)).toEqual([]);
        },
      ),
      { numRuns: 300, seed: 20_241_201 },
    );
  });
});

describe('suppression across counties, states, periods and strata', () => {
  it('shows no county or state count of 1-9 and gives none away (fast-check)', () => {
    fc.assert(
      fc.property(caseArb, (testCase) => {
        const { isHidden } = suppress(testCase, { separateTotals: true });
        const reading = hierarchyReading(testCase.layout, truthOf(testCase), isHidden);
        expect(shownSmallCounts(reading)).toEqual([]);
        expect(subtractionLeaks(reading)).toEqual([]);
        expect(determinedUnknowns(reading)).toEqual([]);
      }),
      { numRuns: 400, seed: 7_070_707 },
    );
  });

  it('settles the states the same whichever counties are asked about first', () => {
    fc.assert(
      fc.property(caseArb, (testCase) => {
        const states = testCase.layout.states.map((s) => s.state);
        const first = suppress(testCase, { separateTotals: true });
        const second = suppress(testCase, { separateTotals: true });
        // One asks about a county first (settling its state's counties), the other about states only.
        first.byPeriod.reason(testCase.layout.states.at(-1)!.counties[0]!, testCase.layout.periods[0]!, 'all');
        for (const state of states) {
          for (const period of testCase.layout.periods) {
            for (const stratum of ['all', ...testCase.layout.strata]) expect(first.byPeriod.reason(state, period, stratum)).toBe(second.byPeriod.reason(state, period, stratum));
          }
        }
      }),
      { numRuns: 100, seed: 99 },
    );
  });

  it('withholds a lone small county with its complement, and no national value', () => {
    const layout: HierarchyLayout = {
      states: [
        { state: '10', counties: ['10001', '10002', '10003'] },
        { state: '11', counties: ['11001', '11002'] },
      ],
      periods: ['p0', 'p1'],
      strata: [],
      rangeTotals: true,
    };
    const values: Record<string, [number, number]> = { '10001': [4, 30], '10002': [25, 40], '10003': [33, 12], '11001': [50, 60], '11002': [70, 80] };
    const counts = new Map(Object.entries(values).flatMap(([county, [a, b]]) => [[`${county}|p0|all`, a] as const, [`${county}|p1|all`, b] as const]));
    const testCase = { layout, counts };
    const { byPeriod, isHidden } = suppress(testCase, { separateTotals: true });
    expect(byPeriod.reason('10001', 'p0', 'all')).toBe('primary');
    expect(byPeriod.hiddenCells('county', '10', false).length).toBeGreaterThanOrEqual(4);
    expect(byPeriod.reason('US', 'p0', 'all')).toBeNull();
    expect(byPeriod.hiddenCells('county', '11', false)).toEqual([]);
    const reading = hierarchyReading(layout, truthOf(testCase), isHidden);
    expect(determinedUnknowns(reading)).toEqual([]);
  });
});
