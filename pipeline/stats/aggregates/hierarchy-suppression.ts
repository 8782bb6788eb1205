/**
 * Small-number suppression across the tables one aggregate question serves (NCHS / CDC WONDER
 * rules, DOMAIN.md "Rates, suppression, time"). A reader has, for one source, measure and range:
 * counties × periods inside each state, whose margins are the state's values and each county's
 * total over the range (the unit=total answer); states × periods, whose margins are the national
 * values (shown: NCHS does not suppress national counts); and, with a breakdown, the strata of every
 * place, which add up to its value without one. Withheld values must not follow from any of it.
 *
 * Without a breakdown each table is protected by `suppressTable` (primary 1-9, then complementary
 * cells on a cycle through each withheld one). Tables share values (a state's month is a cell of
 * the states table and a total of its counties' table), so they are settled top-down: the states
 * first, then each state's counties with the state's values fixed as settled; each table once
 * (`protect`: suppressTable leaves no withheld value unprotected, so given its own result again it
 * withholds nothing more). The range totals are settled by the unit=total answer (`totals`), which
 * is served too, so every unit agrees with it.
 *
 * With a breakdown the tables are three-dimensional (places × periods × strata), where protecting
 * every two-dimensional slice is not enough (the slices' sums together can fix a value). So:
 * - a place's value withheld without a breakdown is withheld in every stratum (so its protection
 *   carries over: the same cycle, in any one stratum);
 * - each other stratum value of 1-9 is withheld with a "cube": two places × two periods × two strata
 *   (one period where there are no range totals), every corner withheld. The alternating pattern
 *   over the corners changes no served sum, so no corner is determined (the hypercube method of
 *   statistical disclosure control);
 * - a cube of states is carried down to one county per state, and a cube of the unit=total answer
 *   to one period, so each still changes no sum once the counties' or periods' values are served.
 * Corners are chosen cheapest first: withheld already, then small positive counts, zeros last.
 *
 * Pure: give it counts, ask it which values are withheld.
 */
import { suppressTable, UnprotectableTableError, type SuppressionReason } from '../rates/suppression.ts';

export type HiddenReason = Exclude<SuppressionReason, null>;

/** The stratum of a table without a breakdown. */
export const ALL = 'all';
/** The nation's geography code. */
export const NATION = 'US';
/** The period key of a place's total over the whole range (a margin, not a cell of the answer). */
const RANGE = '\u0000range';
const SEP = '\u0001';
/** Cost of hiding a zero: last resort (a withheld 0 lets a reader bound its partners). */
const ZERO_COST = 1e6;
/** Places, periods tried per cube (the cheapest first): any cube protects, the cheapest few suffice. */
const PLACE_CANDIDATES = 8;
const PERIOD_CANDIDATES = 4;

export interface HiddenCell {
  geography: string;
  /** null for unit=total. */
  period: string | null;
  stratum: string;
  reason: HiddenReason;
}

export interface HierarchyShape {
  /** Column keys: every period of the range (null for unit=total). */
  periods: readonly (string | null)[];
  /** The breakdown's strata ([] without one); every stratum, those without counts included. */
  strata: readonly string[];
  /**
   * Whether each place's total over the range is a margin: not for unit=total or one period (the
   * period is the total), nor 12mo (overlapping windows have no served total).
   */
  rangeTotals: boolean;
  /**
   * The suppression of the unit=total answer over the same range, whose withheld totals this one
   * must respect (it is served too). Without it, this suppression decides the range totals itself.
   */
  totals?: HierarchySuppression;
  /** Rows of the states table: every state, with or without counts. */
  states: readonly string[];
  /** Rows of a state's counties table. */
  countiesOf(state: string): readonly string[];
}

interface Corner {
  geography: string;
  period: string;
  stratum: string;
  sign: 1 | -1;
}

/** Withheld corners whose alternating sum changes no served total. */
interface Cube {
  corners: Corner[];
  /** The unit=total cube this one carries down to one period. */
  fromTotals?: Cube;
}

const keyOf = (geography: string, period: string, stratum: string) => `${geography}${SEP}${period}${SEP}${stratum}`;

export class HierarchySuppression {
  private readonly counts = new Map<string, number>();
  private readonly hidden = new Map<string, HiddenCell>();
  /** Values whose status an earlier stage decided (shown unless in `hidden`). */
  private readonly settled = new Set<string>();
  private statesDone = false;
  private readonly countiesDone = new Set<string>();
  private readonly strata: readonly string[];
  private readonly periodKeys: readonly string[];
  /** The period keys, then the range total's. */
  private readonly periodsAndRange: readonly string[];
  private readonly stateCubes: Cube[] = [];
  /** Per state cube and state: the county it was carried down to. */
  private readonly liftedTo = new Map<Cube, Map<string, string>>();
  /** County-level cubes of each state that are not carried-down state cubes. */
  private readonly countyCubes = new Map<string, Cube[]>();

  constructor(private readonly shape: HierarchyShape) {
    this.strata = shape.strata.length > 0 ? [ALL, ...shape.strata] : [ALL];
    this.periodKeys = shape.periods.map((p) => p ?? '');
    this.periodsAndRange = [...this.periodKeys, RANGE];
  }

  /**
   * Adds counts at state or county level, stratum 'all' or a stratum of the breakdown (not both:
   * the 'all' values and range totals are summed here). Give a state's counties before asking
   * about them.
   */
  addCount(geography: string, period: string | null, stratum: string, count: number): void {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
    const add = (s: string) => {
      for (const p of this.shape.rangeTotals ? [period ?? '', RANGE] : [period ?? '']) {
        const key = keyOf(geography, p, s);
        this.counts.set(key, (this.counts.get(key) ?? 0) + count);
      }
    };
    add(stratum);
    if (stratum !== ALL) add(ALL);
  }

  /** Why a value is withheld, or null when it is shown. Settles the states (and the state's counties) first. */
  reason(geography: string, period: string | null, stratum: string): HiddenReason | null {
    if (geography === NATION) return null;
    this.settleStates();
    if (geography.length === 5) this.settleCounties(geography.slice(0, 2));
    return this.hidden.get(keyOf(geography, period ?? '', stratum))?.reason ?? null;
  }

  /**
   * Every withheld cell of the level (zeros included), for one state's counties or all states:
   * of the breakdown's strata (`breakdown`), or without one.
   */
  hiddenCells(level: 'state' | 'county', state: string | null, breakdown: boolean): HiddenCell[] {
    this.settleStates();
    const states = state === null ? this.shape.states : [state];
    if (level === 'county') for (const s of states) this.settleCounties(s);
    // Settled values never change again: the list for a level and state is made once.
    const memoKey = `${level}|${state ?? ''}|${breakdown}`;
    const known = this.hiddenLists.get(memoKey);
    if (known && known.size === this.hidden.size) return known.cells;
    const cells = this.collectHidden(level, state, breakdown);
    this.hiddenLists.set(memoKey, { size: this.hidden.size, cells });
    return cells;
  }

  private readonly hiddenLists = new Map<string, { size: number; cells: HiddenCell[] }>();

  private collectHidden(level: 'state' | 'county', state: string | null, breakdown: boolean): HiddenCell[] {
    const cells: HiddenCell[] = [];
    for (const [key, cell] of this.hidden) {
      if (key.split(SEP)[1] === RANGE || (cell.stratum !== ALL) !== breakdown) continue;
      if ((level === 'county') !== (cell.geography.length === 5)) continue;
      if (state !== null && cell.geography.slice(0, 2) !== state) continue;
      cells.push(cell);
    }
    return cells;
  }

  private count(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  private hide(geography: string, period: string, stratum: string, reason: HiddenReason): void {
    const key = keyOf(geography, period, stratum);
    if (!this.hidden.has(key)) this.hidden.set(key, { geography, period: period === '' ? null : period, stratum, reason });
  }

  private isSmall(key: string): boolean {
    const n = this.count(key);
    return n >= 1 && n <= 9;
  }

  private settleStates(): void {
    if (this.statesDone) return;
    this.statesDone = true;
    const { states } = this.shape;
    // National values are shown (NCHS): settled from the start, so no table may hide them.
    for (const stratum of this.strata) for (const p of this.periodsAndRange) this.settled.add(keyOf(NATION, p, stratum));
    this.settleRangeTotals(states, null);
    this.protect(this.placesTable(states, NATION));
    this.settle(states, [ALL]);
    if (this.strata.length > 1) {
      this.withholdStrataOfWithheld(states);
      for (const cube of this.shape.totals?.stateCubes ?? []) this.stateCubes.push(this.carryToPeriod(cube));
      this.protectStrata(states, (cube) => this.stateCubes.push(cube));
      this.settle(states, this.strata.slice(1));
    }
  }

  private settleCounties(state: string): void {
    if (this.countiesDone.has(state)) return;
    this.settleStates();
    this.countiesDone.add(state);
    const counties = this.shape.countiesOf(state);
    if (counties.length === 0) return;
    this.settleRangeTotals(counties, state);
    this.protect(this.placesTable(counties, state));
    this.settle(counties, [ALL]);
    if (this.strata.length > 1) {
      this.withholdStrataOfWithheld(counties);
      const own: Cube[] = [];
      this.countyCubes.set(state, own);
      // Cubes of states, carried down to one county of this state (the same one the unit=total
      // answer chose for the cube it comes from, so both carry down the same way).
      for (const cube of this.stateCubes) {
        const corners = cube.corners.filter((c) => c.geography === state);
        if (corners.length === 0) continue;
        const chosen = cube.fromTotals ? this.shape.totals!.liftedTo.get(cube.fromTotals)?.get(state) : undefined;
        const county = chosen ?? this.cheapest(counties, (county) => this.cornersCost(corners.map((c) => ({ ...c, geography: county }))));
        if (!this.liftedTo.has(cube)) this.liftedTo.set(cube, new Map());
        this.liftedTo.get(cube)!.set(state, county);
        for (const c of corners) this.hideCorner(county, c.period, c.stratum);
      }
      // The unit=total answer's own county cubes, carried to one period.
      for (const cube of this.shape.totals?.countyCubes.get(state) ?? []) own.push(this.carryToPeriod(cube));
      if (counties.length > 1) this.protectStrata(counties, (cube) => own.push(cube));
      this.settle(counties, this.strata.slice(1));
    }
  }

  /** Range totals decided by the unit=total answer: fixed as it shows them, withheld as it withholds them. */
  private settleRangeTotals(places: readonly string[], state: string | null): void {
    const { rangeTotals, totals } = this.shape;
    if (!rangeTotals || !totals) return;
    if (state !== null) totals.settleCounties(state);
    for (const place of places) {
      for (const stratum of this.strata) {
        this.settled.add(keyOf(place, RANGE, stratum));
        const reason = totals.reason(place, null, stratum);
        if (reason !== null) this.hide(place, RANGE, stratum, reason);
      }
    }
  }

  private settle(places: readonly string[], strata: readonly string[]): void {
    for (const place of places) for (const stratum of strata) for (const p of this.periodsAndRange) this.settled.add(keyOf(place, p, stratum));
  }

  /** A place's value withheld without a breakdown is withheld in every stratum. */
  private withholdStrataOfWithheld(places: readonly string[]): void {
    for (const place of places) {
      for (const period of this.periodKeys) {
        if (!this.hidden.has(keyOf(place, period, ALL))) continue;
        for (const stratum of this.strata.slice(1)) this.hide(place, period, stratum, this.isSmall(keyOf(place, period, stratum)) ? 'primary' : 'complementary');
      }
    }
  }

  /** The same corners in one period of this answer (the cheapest) for a cube of the unit=total answer. */
  private carryToPeriod(cube: Cube): Cube {
    const period = this.cheapest(this.periodKeys, (p) => this.cornersCost(cube.corners.map((c) => ({ ...c, period: p }))));
    const corners = cube.corners.map((c) => ({ ...c, period }));
    for (const c of corners) this.hideCorner(c.geography, c.period, c.stratum);
    return { corners, fromTotals: cube };
  }

  /** Every stratum value of 1-9 of these places (siblings) not withheld yet gets a cube. */
  private protectStrata(places: readonly string[], record: (cube: Cube) => void): void {
    const strata = this.strata.slice(1);
    for (const place of places) {
      for (const period of this.periodKeys) {
        for (const stratum of strata) {
          const key = keyOf(place, period, stratum);
          if (!this.isSmall(key)) continue;
          const primary = this.hidden.get(key);
          if (primary && this.inCube(key)) continue;
          this.hide(place, period, stratum, 'primary');
          const cube = this.cheapestCube(places, place, period, stratum);
          for (const c of cube.corners) this.hideCorner(c.geography, c.period, c.stratum);
          record(cube);
        }
      }
    }
  }

  /** Stratum values that are corners of a cube (protected). */
  private readonly cubed = new Set<string>();

  private hideCorner(geography: string, period: string, stratum: string): void {
    const key = keyOf(geography, period, stratum);
    this.cubed.add(key);
    this.hide(geography, period, stratum, this.isSmall(key) ? 'primary' : 'complementary');
  }

  /** Whether a withheld stratum value is already protected: a corner of a cube, or withheld with its place's value. */
  private inCube(key: string): boolean {
    if (this.cubed.has(key)) return true;
    const [place, period] = key.split(SEP) as [string, string];
    return this.hidden.has(keyOf(place, period, ALL));
  }

  private cheapestCube(places: readonly string[], place: string, period: string, stratum: string): Cube {
    const cost = (g: string, p: string, s: string) => this.cornerCost(g, p, s);
    const otherPlaces = places.filter((g) => g !== place).sort((a, b) => cost(a, period, stratum) - cost(b, period, stratum)).slice(0, PLACE_CANDIDATES);
    const otherStrata = this.strata.slice(1).filter((s) => s !== stratum);
    const periods = this.shape.rangeTotals ? this.periodKeys.filter((p) => p !== period).sort((a, b) => cost(place, a, stratum) - cost(place, b, stratum)).slice(0, PERIOD_CANDIDATES) : [null];
    let best: Corner[] | null = null;
    let bestCost = Infinity;
    for (const g of otherPlaces) {
      for (const s of otherStrata) {
        for (const p of periods) {
          const corners: Corner[] = [
            { geography: place, period, stratum, sign: 1 },
            { geography: g, period, stratum, sign: -1 },
            { geography: place, period, stratum: s, sign: -1 },
            { geography: g, period, stratum: s, sign: 1 },
          ];
          if (p !== null) corners.push(...corners.map((c) => ({ ...c, period: p, sign: (c.sign * -1) as 1 | -1 })));
          const total = this.cornersCost(corners);
          if (total < bestCost) [best, bestCost] = [corners, total];
        }
      }
    }
    if (best === null) throw new Error(`no cube protects ${place} ${period} ${stratum}: it needs a second place and stratum`);
    return { corners: best };
  }

  private cornerCost(geography: string, period: string, stratum: string): number {
    const key = keyOf(geography, period, stratum);
    if (this.hidden.has(key)) return 0;
    const n = this.count(key);
    return n === 0 ? ZERO_COST : n;
  }

  private cornersCost(corners: readonly Pick<Corner, 'geography' | 'period' | 'stratum'>[]): number {
    return corners.reduce((sum, c) => sum + this.cornerCost(c.geography, c.period, c.stratum), 0);
  }

  private cheapest<T>(options: readonly T[], cost: (option: T) => number): T {
    let best = options[0] as T;
    let bestCost = Infinity;
    for (const option of options) {
      const c = cost(option);
      if (c < bestCost) [best, bestCost] = [option, c];
    }
    return best;
  }

  /** Places (states, or one state's counties) × periods without a breakdown; margins: the parent's values. */
  private placesTable(places: readonly string[], parent: string): TableKeys {
    const range = this.shape.rangeTotals;
    return {
      cells: places.map((place) => this.periodKeys.map((p) => keyOf(place, p, ALL))),
      rowTotals: range ? places.map((place) => keyOf(place, RANGE, ALL)) : null,
      columnTotals: this.periodKeys.map((p) => keyOf(parent, p, ALL)),
      grandTotal: range ? keyOf(parent, RANGE, ALL) : null,
    };
  }

  /** Suppresses one table given what is withheld and settled so far. */
  private protect(table: TableKeys): void {
    const isHidden = (key: string) => this.hidden.has(key);
    const isFixed = (key: string) => this.settled.has(key) && !this.hidden.has(key);
    const values = table.cells.map((row) => row.map((key) => this.count(key)));
    const mask = (test: (key: string) => boolean) => ({
      cells: table.cells.map((row) => row.map(test)),
      rowTotals: table.rowTotals?.map(test),
      columnTotals: table.columnTotals.map(test),
      grandTotal: table.grandTotal !== null && test(table.grandTotal),
    });
    const show = { rowTotals: table.rowTotals !== null, columnTotals: true, grandTotal: table.grandTotal !== null };
    const mark = (key: string, reason: SuppressionReason) => {
      if (reason === null || this.hidden.has(key)) return;
      const [geography, period, stratum] = key.split(SEP) as [string, string, string];
      this.hide(geography, period, stratum, reason);
    };
    try {
      const result = suppressTable({ cells: values, show, hidden: mask(isHidden), fixed: mask(isFixed) });
      table.cells.forEach((row, r) => row.forEach((key, c) => mark(key, result.cells[r]![c]!)));
      table.rowTotals?.forEach((key, r) => mark(key, result.rowTotals[r]!));
      table.columnTotals.forEach((key, c) => mark(key, result.columnTotals[c]!));
      if (table.grandTotal !== null) mark(table.grandTotal, result.grandTotal);
    } catch (error) {
      if (!(error instanceof UnprotectableTableError)) throw error;
      // Nothing but settled values could protect a withheld one: withhold the whole table below
      // them, the safe answer (it does not arise with two or more rows; kept for odd shapes).
      for (const key of [...table.cells.flat(), ...(table.rowTotals ?? [])]) if (!isFixed(key)) mark(key, this.isSmall(key) ? 'primary' : 'complementary');
    }
  }
}

interface TableKeys {
  cells: string[][];
  rowTotals: string[] | null;
  columnTotals: string[];
  grandTotal: string | null;
}
