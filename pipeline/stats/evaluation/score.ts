/**
 * Scoring temporal detectors against injected outbreaks. An outbreak is detected by a method when
 * one of its counties alarms during it (daily: a day of the outbreak; weekly: a week holding one
 * of its days); days to detection run from its first day to the first alarm (a weekly alarm
 * counts on the week's Saturday, when the week's count is complete). False alerts are the alarms
 * on the same counties' series without any outbreak, per county-year of scored periods.
 */
import type { EvaluatedMethod, MethodName } from './methods.ts';
import { weekOfEdDay, type InjectedOutbreak } from './outbreaks.ts';
import type { Baseline } from './synthetic-series.ts';

export interface MethodScore {
  kind: 'detector';
  method: MethodName;
  unit: 'day' | 'week';
  /** 'all', or the centre county's expected cases per period ('<0.5', '0.5-2', '≥2'). */
  band: string;
  outbreaks: number;
  detected: number;
  sensitivity: number | null;
  countyYears: number;
  falseAlerts: number;
  falseAlertsPerCountyYear: number | null;
  medianDaysToDetection: number | null;
}

export const BANDS = ['<0.5', '0.5-2', '≥2'] as const;

export function bandOf(expectedPerPeriod: number): (typeof BANDS)[number] {
  return expectedPerPeriod < 0.5 ? '<0.5' : expectedPerPeriod < 2 ? '0.5-2' : '≥2';
}

export interface SeriesSet {
  /** Per county: the counts the method sees (from `offset` of the full series), and where scoring starts in them. */
  counts: (county: number) => readonly number[];
  offset: number;
  scoredFrom: number;
  firstWeekday: number;
}

/** Alarm flags of a method over one county's series, as indices of the full series. */
function alarmIndices(method: EvaluatedMethod, set: SeriesSet, county: number): number[] {
  const flags = method.alarms(set.counts(county), { firstWeekday: set.firstWeekday, from: set.scoredFrom - set.offset });
  const out: number[] = [];
  flags.forEach((alarm, i) => {
    if (alarm && i + set.offset >= set.scoredFrom) out.push(i + set.offset);
  });
  return out;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Scores one method: `clean` are the baseline series (false alerts, every county), `dirty` the
 * series with the outbreaks (only the counties they touch are run). `band` gives each county's band.
 */
export function scoreMethod(
  method: EvaluatedMethod,
  baseline: Baseline,
  outbreaks: readonly InjectedOutbreak[],
  clean: SeriesSet,
  dirty: SeriesSet,
  affected: ReadonlySet<number>,
  band: (county: number) => string,
  periodsScored: number,
): MethodScore[] {
  const n = baseline.counties.length;
  const periodsPerYear = method.unit === 'day' ? 365 : 52;
  const falseByBand = new Map<string, { alerts: number; counties: number }>();
  for (let k = 0; k < n; k++) {
    const entry = falseByBand.get(band(k)) ?? falseByBand.set(band(k), { alerts: 0, counties: 0 }).get(band(k))!;
    entry.alerts += alarmIndices(method, clean, k).length;
    entry.counties++;
  }
  const dirtyAlarms = new Map<number, number[]>();
  for (const k of affected) dirtyAlarms.set(k, alarmIndices(method, dirty, k));
  const detections = outbreaks.map((o) => {
    const first = method.unit === 'day' ? o.start : weekOfEdDay(baseline, o.start);
    const last = method.unit === 'day' ? o.start + o.days - 1 : weekOfEdDay(baseline, o.start + o.days - 1);
    const hit = Math.min(...o.counties.map((k) => dirtyAlarms.get(k)!.find((i) => i >= first && i <= last) ?? Infinity));
    if (!Number.isFinite(hit)) return { band: band(o.counties[0]!), days: null };
    const days = method.unit === 'day' ? hit - o.start : Math.max(0, baseline.deathFirstWeek + 7 * hit + 6 - (baseline.edFirstDay + o.start));
    return { band: band(o.counties[0]!), days };
  });
  return ['all', ...BANDS].map((b): MethodScore => {
    const mine = detections.filter((d) => b === 'all' || d.band === b);
    const found = mine.filter((d) => d.days !== null).map((d) => d.days!);
    const falseEntries = b === 'all' ? [...falseByBand.values()] : [falseByBand.get(b) ?? { alerts: 0, counties: 0 }];
    const falseAlerts = falseEntries.reduce((s, e) => s + e.alerts, 0);
    const countyYears = (falseEntries.reduce((s, e) => s + e.counties, 0) * periodsScored) / periodsPerYear;
    return {
      kind: 'detector',
      method: method.name,
      unit: method.unit,
      band: b,
      outbreaks: mine.length,
      detected: found.length,
      sensitivity: mine.length > 0 ? found.length / mine.length : null,
      countyYears,
      falseAlerts,
      falseAlertsPerCountyYear: countyYears > 0 ? falseAlerts / countyYears : null,
      medianDaysToDetection: median(found),
    };
  });
}
