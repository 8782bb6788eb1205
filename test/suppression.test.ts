/**
 * Small-number suppression. The central check is an attacker: from the shown cells and totals it
 * solves the table's row and column equations (Gaussian elimination, test/helpers/suppression-attacker.ts) and reports every suppressed
 * cell whose value the equations determine. It is independent of suppressTable's graph reasoning.
 */
import { describe, expect, it } from 'vitest';
import {
  isSuppressedCount,
  rateReliability,
  suppressTable,
  type SuppressionReason,
  type SuppressionTableInput,
  type TableSuppression,
  UnprotectableTableError,
} from '../pipeline/stats/rates/suppression.ts';
import { determinedUnknowns, sumEquation, type Equation } from './helpers/suppression-attacker.ts';

/** Mulberry32, a seeded generator for the random tables (fixtures must be seeded). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * What a reader can solve for, by the attacker of test/helpers/suppression-attacker.ts. Unknowns:
 * suppressed cells and totals, plus totals the table does not show. Equations: each row sums to
 * its total, each column to its total, the row totals and the column totals to the grand total.
 * Returns the labels of suppressed values the equations determine, with the value solved (which
 * must equal the true one).
 */
function recoverable(input: SuppressionTableInput, result: TableSuppression): { label: string; solved: number; actual: number }[] {
  const { cells } = input;
  const show = { rowTotals: true, columnTotals: true, grandTotal: true, ...input.show };
  const rowTotal = cells.map((row) => row.reduce((s, v) => s + v, 0));
  const columnTotal = cells[0]!.map((_, c) => cells.reduce((s, row) => s + row[c]!, 0));
  const grand = rowTotal.reduce((s, v) => s + v, 0);

  const known = new Map<string, number>();
  const hidden = new Map<string, number>();
  const suppressed = new Set<string>();
  const consider = (label: string, value: number, reason: SuppressionReason, shown: boolean) => {
    if (reason !== null) suppressed.add(label);
    (reason !== null || !shown ? hidden : known).set(label, value);
  };
  cells.forEach((row, r) => row.forEach((v, c) => consider(`cell ${r},${c}`, v, result.cells[r]![c]!, true)));
  rowTotal.forEach((v, r) => consider(`row total ${r}`, v, result.rowTotals[r]!, show.rowTotals));
  columnTotal.forEach((v, c) => consider(`column total ${c}`, v, result.columnTotals[c]!, show.columnTotals));
  consider('grand total', grand, result.grandTotal, show.grandTotal);

  const cellKey = (r: number, c: number) => `cell ${r},${c}`;
  const equations: Equation[] = [
    ...cells.map((row, r) => sumEquation(row.map((_, c) => cellKey(r, c)), `row total ${r}`)),
    ...cells[0]!.map((_, c) => sumEquation(cells.map((_, r) => cellKey(r, c)), `column total ${c}`)),
    sumEquation(rowTotal.map((_, r) => `row total ${r}`), 'grand total'),
    sumEquation(columnTotal.map((_, c) => `column total ${c}`), 'grand total'),
  ];
  return determinedUnknowns({ known, hidden, equations })
    .filter((leak) => suppressed.has(leak.key))
    .map((leak) => ({ label: leak.key, solved: leak.solved, actual: leak.actual }));
}

function suppressedCount(result: TableSuppression): number {
  return result.cells.flat().filter((r) => r !== null).length;
}

describe('primary rules (NCHS / CDC WONDER)', () => {
  it('suppresses sub-national counts 1-9, not 0 and not 10', () => {
    expect([0, 1, 5, 9, 10, 250].map((n) => isSuppressedCount(n))).toEqual([false, true, true, true, false, false]);
    expect(isSuppressedCount(4, { subnational: false })).toBe(false);
    expect(() => isSuppressedCount(-2)).toThrow('count must be a non-negative integer, got -2');
  });

  it('suppresses rates on 1-9 deaths and flags rates on fewer than 20 as unreliable', () => {
    expect([0, 1, 9, 10, 19, 20, 500].map((n) => rateReliability(n))).toEqual([
      'unreliable', 'suppressed', 'suppressed', 'unreliable', 'unreliable', 'reliable', 'reliable',
    ]);
    expect(rateReliability(7, { subnational: false })).toBe('unreliable');
  });
});

describe('the attacker (checker) itself', () => {
  it('recovers a lone suppressed cell of a row, so it can catch a bad suppression', () => {
    const input = { cells: [[12, 5, 30], [40, 22, 18]] };
    const naive: TableSuppression = {
      cells: [[null, 'primary', null], [null, null, null]],
      rowTotals: [null, null],
      columnTotals: [null, null, null],
      grandTotal: null,
    };
    expect(recoverable(input, naive)).toEqual([{ label: 'cell 0,1', solved: 5, actual: 5 }]);
  });

  it('catches the bridge that "two per row and column" misses', () => {
    // Two 2×2 blocks of hidden cells joined by one more hidden cell (0,2): every row and column
    // has at least two hidden cells, yet the joining cell is determined.
    const input = { cells: [[3, 12, 15, 30, 40], [14, 4, 50, 60, 35], [20, 30, 11, 16, 45], [25, 35, 17, 6, 55]] };
    const h = 'primary' as const;
    const joined: TableSuppression = {
      cells: [
        [h, h, h, null, null],
        [h, h, null, null, null],
        [null, null, h, h, null],
        [null, null, h, h, null],
      ],
      rowTotals: [null, null, null, null],
      columnTotals: [null, null, null, null, null],
      grandTotal: null,
    };
    expect(recoverable(input, joined).map((f) => f.label)).toEqual(['cell 0,2']);
    for (const f of recoverable(input, joined)) expect(f.solved).toBeCloseTo(f.actual, 9);
  });
});

describe('complementary suppression', () => {
  it('hides the smallest further cells so a lone 1-9 cannot be recovered', () => {
    const input = {
      cells: [
        [12, 5, 30, 44],
        [40, 22, 18, 13],
        [25, 31, 11, 60],
      ],
    };
    const result = suppressTable(input);
    // The cheapest cycle through (0,1): 12 + 25 + 31 = 68 (the next, 30 + 18 + 22 = 70).
    expect(result.cells).toEqual([
      ['complementary', 'primary', null, null],
      [null, null, null, null],
      ['complementary', 'complementary', null, null],
    ]);
    expect(recoverable(input, result)).toEqual([]);
  });

  it('leaves a table alone when nothing is 1-9', () => {
    const result = suppressTable({ cells: [[10, 20], [0, 30]] });
    expect(suppressedCount(result)).toBe(0);
    expect(result.rowTotals).toEqual([null, null]);
  });

  it('suppresses a total of 1-9 and protects it too', () => {
    // County B has 6 deaths in all: its total is primary, and so are its cells.
    const input = { cells: [[20, 31, 44], [2, 0, 4], [15, 27, 33]] };
    const result = suppressTable(input);
    expect(result.rowTotals[1]).toBe('primary');
    expect(result.cells[1]).toEqual(['primary', null, 'primary']);
    expect(recoverable(input, result)).toEqual([]);
  });

  it('with row totals not shown, needs the second cell only down the column', () => {
    const input = { cells: [[12, 5, 30], [40, 22, 18], [25, 31, 11]], show: { rowTotals: false, grandTotal: false } };
    const result = suppressTable(input);
    expect(result.cells).toEqual([
      [null, 'primary', null],
      [null, 'complementary', null],
      [null, null, null],
    ]);
    expect(recoverable(input, result)).toEqual([]);
  });

  it('never leaves a suppressed value recoverable in random county × month tables with state totals', () => {
    const random = mulberry32(20_240_601);
    for (let trial = 0; trial < 60; trial++) {
      const rows = 2 + Math.floor(random() * 12);
      const columns = 2 + Math.floor(random() * 11);
      const sparsity = random();
      const cells = Array.from({ length: rows }, () =>
        Array.from({ length: columns }, () => (random() < sparsity * 0.5 ? Math.floor(random() * 10) : Math.floor(random() * 80))),
      );
      const input = { cells };
      const result = suppressTable(input);
      expect(recoverable(input, result), `trial ${trial}: ${JSON.stringify(cells)}`).toEqual([]);
      // Every primary count is hidden, and every row and column with a hidden cell (totals included) has two.
      cells.forEach((row, r) => row.forEach((v, c) => expect(result.cells[r]![c] === 'primary').toBe(v >= 1 && v <= 9)));
      const lines = [
        ...result.cells.map((row, r) => [...row, result.rowTotals[r]!]),
        ...result.cells[0]!.map((_, c) => [...result.cells.map((row) => row[c]!), result.columnTotals[c]!]),
        [...result.rowTotals, result.grandTotal],
        [...result.columnTotals, result.grandTotal],
      ];
      for (const line of lines) {
        const hidden = line.filter((x) => x !== null).length;
        expect(hidden === 0 || hidden >= 2).toBe(true);
      }
    }
  });

  it('never leaves one recoverable when some totals are not shown', () => {
    const random = mulberry32(7_070_707);
    for (let trial = 0; trial < 40; trial++) {
      const rows = 2 + Math.floor(random() * 8);
      const columns = 2 + Math.floor(random() * 8);
      const cells = Array.from({ length: rows }, () => Array.from({ length: columns }, () => Math.floor(random() * (random() < 0.4 ? 10 : 60))));
      const input = { cells, show: { rowTotals: random() < 0.5, columnTotals: random() < 0.5, grandTotal: random() < 0.5 } };
      const result = suppressTable(input);
      expect(recoverable(input, result), `trial ${trial}: ${JSON.stringify(input)}`).toEqual([]);
    }
  });

  it('prefers positive counts to zeros as complements', () => {
    const input = { cells: [[5, 0, 14], [0, 0, 0], [16, 0, 18]] };
    const result = suppressTable(input);
    expect(result.cells).toEqual([
      ['primary', null, 'complementary'],
      [null, null, null],
      ['complementary', null, 'complementary'],
    ]);
    expect(recoverable(input, result)).toEqual([]);
  });

  it('rejects ragged and negative tables', () => {
    expect(() => suppressTable({ cells: [[1, 2], [3]] })).toThrow('row 1 has 1 cells, row 0 has 2');
    expect(() => suppressTable({ cells: [[1, -2]] })).toThrow('count must be a non-negative integer, got -2');
    expect(() => suppressTable({ cells: [] })).toThrow('suppressTable needs at least one row and one column');
  });
});

describe('tables linked to others (hidden and fixed values)', () => {
  it('protects a value hidden elsewhere like a suppressed one', () => {
    // The column total of column 0 (e.g. a state's month, withheld in the states table) is hidden here too.
    const input = { cells: [[40, 22, 18], [25, 31, 11], [30, 44, 12]], hidden: { columnTotals: [true, false, false] } };
    const result = suppressTable(input);
    expect(result.columnTotals[0]).toBe('complementary');
    expect(recoverable(input, result)).toEqual([]);
    expect(suppressedCount(result)).toBeGreaterThanOrEqual(2);
  });

  it('never hides a fixed value, and says when only fixed values could protect one', () => {
    const input = { cells: [[12, 5, 30], [40, 22, 18], [25, 31, 11]], fixed: { rowTotals: [true, true, true], columnTotals: [true, true, true], grandTotal: true } };
    const result = suppressTable(input);
    expect([...result.rowTotals, ...result.columnTotals, result.grandTotal]).toEqual([null, null, null, null, null, null, null]);
    expect(recoverable(input, result)).toEqual([]);
    // One row: the cell is its column's total, which is fixed, so nothing can protect it.
    expect(() => suppressTable({ cells: [[5, 30]], fixed: { columnTotals: [true, true] } })).toThrow(UnprotectableTableError);
    expect(() => suppressTable({ cells: [[5, 30]], hidden: { cells: [[true, false]] }, fixed: { cells: [[true, false]] } })).toThrow('a value cannot be both fixed and hidden (row 0, column 0)');
  });

  it('given its own result as hidden values, withholds nothing more (so linked tables are each protected once)', () => {
    const random = mulberry32(20_261_202);
    let compared = 0;
    for (let trial = 0; trial < 80; trial++) {
      const rows = 1 + Math.floor(random() * 60);
      const columns = 1 + Math.floor(random() * 13);
      const cells = Array.from({ length: rows }, () => Array.from({ length: columns }, () => (random() < 0.5 ? Math.floor(random() * 10) : Math.floor(random() * 60))));
      // As hierarchy-suppression.ts asks: a parent's values fixed, some withheld by another table.
      const fixedTotals = random() < 0.5;
      const show = { rowTotals: columns > 1 && random() < 0.7, columnTotals: true, grandTotal: random() < 0.5 };
      const input: SuppressionTableInput = {
        cells,
        show,
        hidden: { rowTotals: cells.map(() => show.rowTotals && random() < 0.05) },
        ...(fixedTotals ? { fixed: { columnTotals: cells[0]!.map(() => true), grandTotal: show.grandTotal } } : {}),
      };
      let first: TableSuppression;
      try {
        first = suppressTable(input);
      } catch (error) {
        if (error instanceof UnprotectableTableError) continue;
        throw error;
      }
      const withheld = (reason: SuppressionReason) => reason !== null;
      const mask = (result: TableSuppression) => [result.cells.map((row) => row.map(withheld)), result.rowTotals.map(withheld), result.columnTotals.map(withheld), withheld(result.grandTotal)];
      const [cellsHidden, rowTotals, columnTotals, grandTotal] = mask(first) as [boolean[][], boolean[], boolean[], boolean];
      const again = suppressTable({ ...input, hidden: { cells: cellsHidden, rowTotals, columnTotals, grandTotal } });
      expect(mask(again), `trial ${trial}: ${JSON.stringify(input)}`).toEqual(mask(first));
      if (first.cells.some((row) => row.some(withheld))) compared++;
    }
    expect(compared).toBeGreaterThan(60);
  });

  it('does not count a fixed 1-9 as primary (national values are shown)', () => {
    const result = suppressTable({ cells: [[20, 30], [25, 31]], fixed: { columnTotals: [true, true] } });
    expect(suppressedCount(result)).toBe(0);
    const small = suppressTable({ cells: [[3, 30], [2, 31]], fixed: { columnTotals: [true, true], grandTotal: true } });
    expect(small.columnTotals).toEqual([null, null]); // 5, fixed: shown although 1-9
    expect(small.cells).toEqual([['primary', 'complementary'], ['primary', 'complementary']]);
  });
});
