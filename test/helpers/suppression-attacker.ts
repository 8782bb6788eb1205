/**
 * An attacker on suppressed tables, for tests: from what a reader sees (shown values and the sum
 * equations between cells and totals) it finds every withheld value the equations determine.
 * Independent of how suppression chose its cells: it solves the linear system.
 *
 * - `subtractionLeaks`: equations with exactly one unknown (a total minus shown cells).
 * - `determinedUnknowns`: unknowns fixed by the whole system (Gaussian elimination per connected
 *   part of the system; an unknown is determined when its pivot row has no free variable).
 */

export interface Term {
  key: string;
  coefficient: number;
}

/** Σ coefficient · value = 0 over the terms. */
export type Equation = readonly Term[];

export interface Reading {
  /** Values a reader knows (shown cells and totals, zeros of absent rows). */
  known: ReadonlyMap<string, number>;
  /** Values withheld, with their true values (to check a solved value, not to solve with). */
  hidden: ReadonlyMap<string, number>;
  equations: readonly Equation[];
}

export interface Leak {
  key: string;
  solved: number;
  actual: number;
}

function unknownTerms(reading: Reading, equation: Equation): Term[] {
  return equation.filter((t) => !reading.known.has(t.key));
}

function constantOf(reading: Reading, equation: Equation): number {
  return equation.reduce((sum, t) => (reading.known.has(t.key) ? sum + t.coefficient * reading.known.get(t.key)! : sum), 0);
}

function checkCoverage(reading: Reading): void {
  for (const equation of reading.equations) {
    for (const term of equation) {
      if (!reading.known.has(term.key) && !reading.hidden.has(term.key)) throw new Error(`term ${term.key} is neither known nor hidden`);
    }
  }
}

/** A withheld value that one equation gives away: a total minus the shown cells of its line. */
export function subtractionLeaks(reading: Reading): Leak[] {
  checkCoverage(reading);
  const leaks = new Map<string, Leak>();
  for (const equation of reading.equations) {
    const unknown = unknownTerms(reading, equation);
    if (unknown.length !== 1) continue;
    const term = unknown[0]!;
    leaks.set(term.key, { key: term.key, solved: -constantOf(reading, equation) / term.coefficient, actual: reading.hidden.get(term.key)! });
  }
  return [...leaks.values()].sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** Every withheld value the system of equations determines. */
export function determinedUnknowns(reading: Reading): Leak[] {
  checkCoverage(reading);
  // Connected parts: unknowns linked by sharing an equation (union-find).
  const parent = new Map<string, string>();
  const find = (k: string): string => {
    let root = k;
    while (parent.get(root) !== root) root = parent.get(root)!;
    for (let x = k; parent.get(x) !== root; ) {
      const next = parent.get(x)!;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  const equations = reading.equations.map((e) => ({ unknown: unknownTerms(reading, e), constant: constantOf(reading, e) })).filter((e) => e.unknown.length > 0);
  for (const { unknown } of equations) {
    for (const t of unknown) if (!parent.has(t.key)) parent.set(t.key, t.key);
    for (let i = 1; i < unknown.length; i++) {
      const [a, b] = [find(unknown[0]!.key), find(unknown[i]!.key)];
      if (a !== b) parent.set(a, b);
    }
  }
  const parts = new Map<string, { keys: string[]; equations: typeof equations }>();
  for (const key of parent.keys()) {
    const root = find(key);
    if (!parts.has(root)) parts.set(root, { keys: [], equations: [] });
    parts.get(root)!.keys.push(key);
  }
  for (const equation of equations) parts.get(find(equation.unknown[0]!.key))!.equations.push(equation);

  const leaks: Leak[] = [];
  for (const part of parts.values()) {
    const index = new Map(part.keys.map((k, i) => [k, i]));
    const n = part.keys.length;
    const matrix = part.equations.map(({ unknown, constant }) => {
      const row = new Float64Array(n + 1);
      for (const t of unknown) row[index.get(t.key)!]! += t.coefficient;
      row[n] = -constant;
      return row;
    });
    const pivotRowOf = new Int32Array(n).fill(-1);
    let rank = 0;
    for (let col = 0; col < n && rank < matrix.length; col++) {
      let best = rank;
      for (let r = rank + 1; r < matrix.length; r++) if (Math.abs(matrix[r]![col]!) > Math.abs(matrix[best]![col]!)) best = r;
      if (Math.abs(matrix[best]![col]!) < 1e-9) continue;
      [matrix[rank], matrix[best]] = [matrix[best]!, matrix[rank]!];
      const pivot = matrix[rank]!;
      const scale = pivot[col]!;
      for (let k = col; k <= n; k++) pivot[k]! /= scale;
      for (let r = 0; r < matrix.length; r++) {
        if (r === rank) continue;
        const row = matrix[r]!;
        const factor = row[col]!;
        if (Math.abs(factor) < 1e-12) continue;
        for (let k = col; k <= n; k++) row[k]! -= factor * pivot[k]!;
      }
      pivotRowOf[col] = rank++;
    }
    part.keys.forEach((key, col) => {
      if (pivotRowOf[col] === -1) return;
      const row = matrix[pivotRowOf[col]!]!;
      for (let k = 0; k < n; k++) if (k !== col && Math.abs(row[k]!) > 1e-9) return;
      leaks.push({ key, solved: row[n]!, actual: reading.hidden.get(key)! });
    });
  }
  return leaks.sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** The equation "the parts add up to the whole". */
export function sumEquation(parts: readonly string[], whole: string): Equation {
  return [...parts.map((key) => ({ key, coefficient: 1 })), { key: whole, coefficient: -1 }];
}

export const RANGE_TOTAL = 'total';

export interface HierarchyLayout {
  /** Each state with its counties (all of them, zeros included). */
  states: readonly { state: string; counties: readonly string[] }[];
  periods: readonly string[];
  /** Strata of a breakdown ([] for none); 'all' is their sum. */
  strata: readonly string[];
  /** Whether each place's total over the range is served (a margin a reader can use). */
  rangeTotals: boolean;
}

export const cellKey = (geography: string, period: string, stratum: string) => `${geography}|${period}|${stratum}`;

/**
 * What a reader of the API has for one question: every county, state and national value by
 * period (and range total) and stratum (and 'all'), shown or withheld, with the equations that tie
 * them: counties sum to their state, states (plus deaths of unknown residence, given as known) to
 * the nation, periods to the range total, strata to 'all'.
 */
export function hierarchyReading(
  layout: HierarchyLayout,
  truth: (geography: string, period: string, stratum: string) => number,
  isHidden: (geography: string, period: string, stratum: string) => boolean,
  unallocated: (period: string, stratum: string) => number = () => 0,
): Reading {
  const known = new Map<string, number>();
  const hidden = new Map<string, number>();
  const equations: Equation[] = [];
  const periods = layout.rangeTotals ? [...layout.periods, RANGE_TOTAL] : [...layout.periods];
  const strata = ['all', ...layout.strata];
  const places = ['US', ...layout.states.flatMap(({ state, counties }) => [state, ...counties])];
  for (const place of places) {
    for (const period of periods) {
      for (const stratum of strata) {
        const key = cellKey(place, period, stratum);
        (place !== 'US' && isHidden(place, period, stratum) ? hidden : known).set(key, truth(place, period, stratum));
      }
    }
  }
  for (const period of periods) {
    for (const stratum of strata) {
      for (const { state, counties } of layout.states) if (counties.length > 0) equations.push(sumEquation(counties.map((c) => cellKey(c, period, stratum)), cellKey(state, period, stratum)));
      const rest = `unallocated|${period}|${stratum}`;
      known.set(rest, unallocated(period, stratum));
      equations.push(sumEquation([...layout.states.map(({ state }) => cellKey(state, period, stratum)), rest], cellKey('US', period, stratum)));
    }
  }
  for (const place of places) {
    for (const stratum of strata) if (layout.rangeTotals) equations.push(sumEquation(layout.periods.map((p) => cellKey(place, p, stratum)), cellKey(place, RANGE_TOTAL, stratum)));
    if (layout.strata.length > 0) for (const period of periods) equations.push(sumEquation(layout.strata.map((s) => cellKey(place, period, s)), cellKey(place, period, 'all')));
  }
  return { known, hidden, equations };
}
