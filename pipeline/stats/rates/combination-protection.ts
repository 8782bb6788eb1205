/**
 * Small-count protection of one drug-combination table (a place and period): which combinations,
 * pair counts and class totals a caller without record-level rights may see. Pure; used by
 * GET /api/combinations (server/routes/combinations.ts) and the policymaker report.
 */

/** One combination of drug classes and its count. */
export interface CombinationCell {
  combination: string;
  classes: string[];
  count: number;
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
