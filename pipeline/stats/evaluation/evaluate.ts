/**
 * `vigil evaluate-detectors` as a function: seeded baseline series for the counties of some
 * states, outbreaks injected into a copy, every detector scored on both, and the scan's recovery
 * of the same outbreaks. Same options, same numbers.
 */
import { availableParallelism } from 'node:os';
import { dayOfWeek } from '../../../fixtures/generator/calendar.ts';
import { METHODS } from './methods.ts';
import { injected, planOutbreaks, type OutbreakPlanOptions } from './outbreaks.ts';
import { scanRecovery, type ScanRecovery } from './scan-recovery.ts';
import { bandOf, scoreMethod, type MethodScore, type SeriesSet } from './score.ts';
import { baselineSeries } from './synthetic-series.ts';

export interface EvaluationOptions {
  seed: number;
  states: readonly string[];
  year: number;
  outbreaks: number;
  replicates: number;
  /** Worker threads for the scan's replicates (0: this thread). */
  threads: number;
  /** Analyses without outbreaks for the scan's false-cluster share. */
  baselineAnalyses: number;
  /** Run the scan part (the slow one). */
  scan: boolean;
  /** Progress lines, for stderr. */
  log?: (message: string) => void;
}

export const DEFAULT_EVALUATION: EvaluationOptions = {
  seed: 2025,
  // The Ohio valley and its neighbours: 422 counties from big cities to rural Appalachia.
  states: ['OH', 'KY', 'IN', 'WV', 'PA'],
  year: 2024,
  outbreaks: 60,
  replicates: 999,
  threads: Math.min(4, availableParallelism()),
  baselineAnalyses: 24,
  scan: true,
};

/** Outbreaks as ALERTS.md's evaluation asks: varied size, duration and place. */
const OUTBREAK_SHAPE: Omit<OutbreakPlanOptions, 'seed' | 'count'> = {
  minDays: 5,
  maxDays: 21,
  minMultiplier: 0.5,
  maxMultiplier: 2,
  minExtraEd: 5,
  minExtraDeaths: 3,
  maxNeighbours: 4,
};

/** ED days the daily detectors see before the scored year (as the detect job: 84 of warm-up, enough for every baseline). */
const DETECTOR_WARMUP_DAYS = 84;

export interface EvaluationSetup {
  kind: 'setup';
  seed: number;
  states: readonly string[];
  year: number;
  counties: number;
  outbreaks: number;
  edVisitsPerYear: number;
  deathsPerYear: number;
  outbreakDays: { min: number; max: number };
  multiplier: { min: number; max: number };
}

export interface EvaluationReport {
  setup: EvaluationSetup;
  detectors: MethodScore[];
  scan: ScanRecovery | null;
}

export async function evaluateDetectors(options: EvaluationOptions): Promise<EvaluationReport> {
  const log = options.log ?? (() => undefined);
  // A year of ED days before the scored one: the scan's study period; five years of weeks: Farrington's.
  const baseline = baselineSeries({ seed: options.seed, states: options.states, year: options.year, edWarmupDays: 365, deathHistoryYears: 5 });
  const outbreaks = planOutbreaks(baseline, { seed: options.seed, count: options.outbreaks, ...OUTBREAK_SHAPE });
  const dirty = injected(baseline, outbreaks);
  const n = baseline.counties.length;
  const yearDays = baseline.edDaily[0]!.length - baseline.edYearStart;
  const yearWeeks = baseline.deathWeekly[0]!.length - baseline.deathYearStart;
  const sum = (rows: readonly ArrayLike<number>[], from: number) => rows.reduce((s, row) => s + Array.from(row).slice(from).reduce((a, b) => a + b, 0), 0);
  const setup: EvaluationSetup = {
    kind: 'setup',
    seed: options.seed,
    states: options.states,
    year: options.year,
    counties: n,
    outbreaks: outbreaks.length,
    edVisitsPerYear: sum(baseline.edDaily, baseline.edYearStart),
    deathsPerYear: sum(baseline.deathWeekly, baseline.deathYearStart),
    outbreakDays: { min: OUTBREAK_SHAPE.minDays, max: OUTBREAK_SHAPE.maxDays },
    multiplier: { min: OUTBREAK_SHAPE.minMultiplier, max: OUTBREAK_SHAPE.maxMultiplier },
  };
  log(`${n} counties of ${options.states.join(', ')}, ${outbreaks.length} outbreaks in ${options.year}`);

  const dailyOffset = baseline.edYearStart - DETECTOR_WARMUP_DAYS;
  const daily = (rows: readonly Int32Array[]): SeriesSet => ({
    counts: (k) => Array.from(rows[k]!.subarray(dailyOffset)),
    offset: dailyOffset,
    scoredFrom: baseline.edYearStart,
    firstWeekday: dayOfWeek(baseline.edFirstDay + dailyOffset),
  });
  const weekly = (rows: readonly Int32Array[]): SeriesSet => ({ counts: (k) => Array.from(rows[k]!), offset: 0, scoredFrom: baseline.deathYearStart, firstWeekday: 0 });
  const mean = (row: Float64Array, from: number) => row.slice(from).reduce((a, b) => a + b, 0) / (row.length - from);
  const dailyBand = baseline.edExpected.map((row) => bandOf(mean(row, baseline.edYearStart)));
  const weeklyBand = baseline.deathExpected.map((row) => bandOf(mean(row, baseline.deathYearStart)));
  const detectors: MethodScore[] = [];
  for (const method of METHODS) {
    const started = performance.now();
    const [clean, withOutbreaks, band, periods] = method.unit === 'day'
      ? [daily(baseline.edDaily), daily(dirty.edDaily), (k: number) => dailyBand[k]!, yearDays]
      : [weekly(baseline.deathWeekly), weekly(dirty.deathWeekly), (k: number) => weeklyBand[k]!, yearWeeks];
    detectors.push(...scoreMethod(method, baseline, outbreaks, clean, withOutbreaks, dirty.affected, band, periods));
    log(`${method.name}: ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  let scan: ScanRecovery | null = null;
  if (options.scan) {
    const started = performance.now();
    scan = await scanRecovery(baseline, outbreaks, dirty.edDaily, {
      replicates: options.replicates,
      seed: options.seed,
      threads: options.threads,
      studyDays: 365,
      baselineAnalyses: options.baselineAnalyses,
      maxP: 0.05,
      onAnalysis: (done) => done % 25 === 0 && log(`scan: ${done} analyses`),
    });
    log(`scan: ${scan.analyses + scan.baselineAnalyses} analyses in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return { setup, detectors, scan };
}
