/**
 * Small-number rules of NCHS and CDC WONDER ("Assurance of confidentiality"; "Unreliable" rates):
 * sub-national counts of 1-9 are suppressed, and so is every rate built on them; a rate from fewer
 * than 20 deaths is flagged unreliable (its relative standard error is above 23%).
 *
 * Complementary suppression: when a table also shows row and column totals, one suppressed cell in
 * a row could be recovered by subtracting the row's shown cells from its total. `suppressTable`
 * hides further cells until no hidden value is determined by the table's sum equations.
 */

export type SuppressionReason = 'primary' | 'complementary' | null;
export type RateReliability = 'suppressed' | 'unreliable' | 'reliable';

export const SUPPRESS_MIN = 1;
export const SUPPRESS_MAX = 9;
export const UNRELIABLE_BELOW = 20;

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
}

/** A count NCHS does not show: 1-9 below the national level (0 is shown). */
export function isSuppressedCount(count: number, options: { subnational?: boolean } = {}): boolean {
  checkCount(count);
  return (options.subnational ?? true) && count >= SUPPRESS_MIN && count <= SUPPRESS_MAX;
}

/**
 * How a rate from `deaths` may be shown: suppressed with its count; otherwise unreliable below 20
 * deaths (0 included, as the rule reads); reliable from 20 on.
 */
export function rateReliability(deaths: number, options: { subnational?: boolean } = {}): RateReliability {
  if (isSuppressedCount(deaths, options)) return 'suppressed';
  return deaths < UNRELIABLE_BELOW ? 'unreliable' : 'reliable';
}

export type TablePosition = 'cell' | 'row-total' | 'column-total' | 'grand-total';

/** Thrown when no further cells can protect a suppressed value (e.g. every alternative is fixed). */
export class UnprotectableTableError extends Error {
  override name = 'UnprotectableTableError';
  constructor() {
    super('no complementary cells can protect this table');
  }
}

/** A flag per cell and per total of a table (missing = false). */
export interface TableMask {
  cells?: readonly (readonly boolean[])[];
  rowTotals?: readonly boolean[];
  columnTotals?: readonly boolean[];
  grandTotal?: boolean;
}

export interface SuppressionTableInput {
  /** Counts, rows × columns (e.g. counties × months). */
  cells: readonly (readonly number[])[];
  /** Which totals the table shows (default: all). A total not shown is unknown to a reader. */
  show?: { rowTotals?: boolean; columnTotals?: boolean; grandTotal?: boolean };
  /** Primary rule (default: 1-9 anywhere, every count here being sub-national). */
  isPrimary?: (count: number, position: TablePosition) => boolean;
  /**
   * Values already hidden elsewhere (another table sharing them: a state's monthly total is a cell of
   * the states table and a total of its counties' table). They are protected here like primary cells.
   */
  hidden?: TableMask;
  /**
   * Values whose status is settled elsewhere and shown (e.g. national totals, which NCHS does not
   * suppress): never primary here and never chosen as complements.
   */
  fixed?: TableMask;
}

export interface TableSuppression {
  cells: SuppressionReason[][];
  /** Per row total; null also for a total that is not shown. */
  rowTotals: SuppressionReason[];
  columnTotals: SuppressionReason[];
  grandTotal: SuppressionReason;
}

const SHOWN = 0;
const PRIMARY = 1;
const COMPLEMENTARY = 2;
const NOT_SHOWN = 3;

/**
 * Primary and complementary suppression of a table with its totals.
 *
 * Model: with the totals as an extra row and column, the table is a bipartite graph (row r — column c
 * for cell (r, c)) and every row and column is one sum equation. A hidden value is determined by the
 * equations exactly when its cell is a bridge of the graph of hidden cells (the equations' null
 * space is the graph's cycle space), so it is protected when it lies on a cycle of hidden cells;
 * in particular every row and column with a hidden cell then has at least two. Repeatedly, for a
 * suppressed cell that is still a bridge, the cheapest path of further cells closing a cycle through
 * it is hidden (Dijkstra): positive counts first, cheapest by count ("the smallest counts"), then
 * zeros (a hidden 0 lets a reader bound its partner exactly), then shown totals. With only positive
 * complements, each hidden value can also move by at least ±1 without making any count negative.
 *
 * Linked tables (pipeline/stats/aggregates/hierarchy-suppression.ts): values `hidden` elsewhere are
 * protected like suppressed ones; `fixed` values are never hidden (no path through them), and when
 * nothing else can protect a value the call throws UnprotectableTableError.
 */
export function suppressTable(input: SuppressionTableInput): TableSuppression {
  const { cells } = input;
  const rows = cells.length;
  const columns = cells[0]?.length ?? 0;
  if (rows === 0 || columns === 0) throw new RangeError('suppressTable needs at least one row and one column');
  for (const [r, row] of cells.entries()) {
    if (row.length !== columns) throw new RangeError(`row ${r} has ${row.length} cells, row 0 has ${columns}`);
    row.forEach(checkCount);
  }
  const isPrimary = input.isPrimary ?? ((count: number) => isSuppressedCount(count));
  const show = { rowTotals: true, columnTotals: true, grandTotal: true, ...input.show };

  // Extended table: row `rows` holds the column totals, column `columns` the row totals.
  const R = rows + 1;
  const C = columns + 1;
  const value = new Float64Array(R * C);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) {
      const v = cells[r]![c]!;
      value[r * C + c] = v;
      value[r * C + columns]! += v;
      value[rows * C + c]! += v;
      value[rows * C + columns]! += v;
    }
  }
  const positionOf = (r: number, c: number): TablePosition =>
    r < rows ? (c < columns ? 'cell' : 'row-total') : c < columns ? 'column-total' : 'grand-total';
  const shown = (position: TablePosition): boolean =>
    position === 'cell' || (position === 'row-total' ? show.rowTotals : position === 'column-total' ? show.columnTotals : show.grandTotal);

  const flagged = (mask: TableMask | undefined, r: number, c: number): boolean => {
    if (!mask) return false;
    if (r < rows) return c < columns ? mask.cells?.[r]?.[c] === true : mask.rowTotals?.[r] === true;
    return c < columns ? mask.columnTotals?.[c] === true : mask.grandTotal === true;
  };
  const state = new Uint8Array(R * C);
  const isFixed = new Uint8Array(R * C);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const position = positionOf(r, c);
      const fixed = flagged(input.fixed, r, c);
      const hidden = flagged(input.hidden, r, c);
      if (fixed && hidden) throw new RangeError(`a value cannot be both fixed and hidden (row ${r}, column ${c})`);
      isFixed[r * C + c] = fixed ? 1 : 0;
      if (!shown(position)) state[r * C + c] = NOT_SHOWN;
      else if (!fixed && isPrimary(value[r * C + c]!, position)) state[r * C + c] = PRIMARY;
      else if (hidden) state[r * C + c] = COMPLEMENTARY;
    }
  }

  const big = 4 * (value[rows * C + columns]! + 1);
  const cost = (r: number, c: number): number => {
    if (isFixed[r * C + c]) return Infinity;
    const v = value[r * C + c]!;
    const tier = positionOf(r, c) !== 'cell' ? 2 * big : v === 0 ? big : 0;
    return tier + v + 1e-6; // the small constant prefers fewer cells among equal sums
  };

  for (;;) {
    const bridge = firstProtectedBridge(state, R, C);
    if (bridge === null) break;
    const path = cheapestCycleThrough(bridge, state, R, C, cost);
    for (const cell of path) if (state[cell] === SHOWN) state[cell] = COMPLEMENTARY;
  }

  const reason = (r: number, c: number): SuppressionReason => {
    const s = state[r * C + c];
    return s === PRIMARY ? 'primary' : s === COMPLEMENTARY ? 'complementary' : null;
  };
  // Plain loops: Array.from over {length} reads every index off an empty object, which was the
  // largest part of suppressing a state's ~60 counties.
  const out: TableSuppression = { cells: new Array(rows), rowTotals: new Array(rows), columnTotals: new Array(columns), grandTotal: reason(rows, columns) };
  for (let r = 0; r < rows; r++) {
    const row = new Array<SuppressionReason>(columns);
    for (let c = 0; c < columns; c++) row[c] = reason(r, c);
    out.cells[r] = row;
    out.rowTotals[r] = reason(r, columns);
  }
  for (let c = 0; c < columns; c++) out.columnTotals[c] = reason(rows, c);
  return out;
}

/**
 * The first (row-major) primary or complementary cell that is a bridge of the graph of hidden cells
 * (nodes: rows 0..R-1, columns R..R+C-1), by Tarjan's low-link bridge search, iterative.
 */
function firstProtectedBridge(state: Uint8Array, R: number, C: number): number | null {
  const nodes = R + C;
  const adjacency: { to: number; cell: number }[][] = Array.from({ length: nodes }, () => []);
  for (let r = 0; r < R; r++) {
    for (let c = 0; c < C; c++) {
      const cell = r * C + c;
      if (state[cell] === SHOWN) continue;
      adjacency[r]!.push({ to: R + c, cell });
      adjacency[R + c]!.push({ to: r, cell });
    }
  }
  const order = new Int32Array(nodes).fill(-1);
  const low = new Int32Array(nodes);
  let counter = 0;
  let first: number | null = null;
  for (let root = 0; root < nodes; root++) {
    if (order[root] !== -1) continue;
    // Stack frames: node, the cell it was entered by, the next adjacency index.
    const stack: { node: number; via: number; next: number }[] = [{ node: root, via: -1, next: 0 }];
    order[root] = low[root] = counter++;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      const edges = adjacency[frame.node]!;
      if (frame.next < edges.length) {
        const { to, cell } = edges[frame.next++]!;
        if (cell === frame.via) continue;
        if (order[to] === -1) {
          order[to] = low[to] = counter++;
          stack.push({ node: to, via: cell, next: 0 });
        } else {
          low[frame.node] = Math.min(low[frame.node]!, order[to]!);
        }
        continue;
      }
      stack.pop();
      const parent = stack[stack.length - 1];
      if (!parent) continue;
      low[parent.node] = Math.min(low[parent.node]!, low[frame.node]!);
      const isBridge = low[frame.node]! > order[parent.node]!;
      const protectedCell = state[frame.via] === PRIMARY || state[frame.via] === COMPLEMENTARY;
      if (isBridge && protectedCell && (first === null || frame.via < first)) first = frame.via;
    }
  }
  return first;
}

/**
 * The cells (other than `bridge`) of the cheapest path between the bridge's row and column, over
 * every cell of the extended table: hidden cells cost 0, shown ones `cost`. Dense Dijkstra,
 * O((R + C)²) per call.
 */
function cheapestCycleThrough(
  bridge: number,
  state: Uint8Array,
  R: number,
  C: number,
  cost: (r: number, c: number) => number,
): number[] {
  const nodes = R + C;
  const source = Math.floor(bridge / C);
  const target = R + (bridge % C);
  const dist = new Float64Array(nodes).fill(Infinity);
  const previous = new Int32Array(nodes).fill(-1);
  const done = new Uint8Array(nodes);
  dist[source] = 0;
  for (;;) {
    let u = -1;
    for (let n = 0; n < nodes; n++) if (!done[n] && dist[n]! < Infinity && (u === -1 || dist[n]! < dist[u]!)) u = n;
    if (u === -1 || u === target) break;
    done[u] = 1;
    const isRow = u < R;
    const [from, to] = isRow ? [R, R + C] : [0, R];
    for (let v = from; v < to; v++) {
      if (done[v]) continue;
      const r = isRow ? u : v;
      const c = isRow ? v - R : u - R;
      const cell = r * C + c;
      if (cell === bridge) continue;
      const w = state[cell] === SHOWN ? cost(r, c) : 0;
      if (w === Infinity) continue;
      if (dist[u]! + w < dist[v]!) {
        dist[v] = dist[u]! + w;
        previous[v] = u;
      }
    }
  }
  if (previous[target] === -1) throw new UnprotectableTableError();
  const path: number[] = [];
  for (let v = target; v !== source; v = previous[v]!) {
    const u = previous[v]!;
    const [r, c] = u < R ? [u, v - R] : [v, u - R];
    path.push(r * C + c);
  }
  return path;
}
