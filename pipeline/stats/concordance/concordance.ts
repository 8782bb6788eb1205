/**
 * ED-death concordance in one place (README.md in this folder): each episode of ED syndrome alerts
 * is followed by a look at the matching death series over the MMWR weeks from the episode's first
 * alert on; the deaths there are tested against the place's own baseline rate, one-sided, exactly.
 * Pure: day numbers and counts in, one evaluated signal per episode out.
 */
import { statusFromP } from '../detectors/status.ts';
import { poissonRateRatioTest } from './binomial.ts';

export interface ConcordanceOptions {
  /** Weeks after the alert week that still count (the window is lagWeeks + 1 weeks); default 3. */
  lagWeeks?: number;
  /** Baseline weeks before the window; default 52. */
  baselineWeeks?: number;
  /** Fewer baseline weeks than this: 'insufficient'; default 8. */
  minBaselineWeeks?: number;
  /** Fewest deaths in the window for a signal; default 3. */
  minDeaths?: number;
  /** Alert days at most this many days apart are one episode; default 7. */
  episodeGapDays?: number;
}

export interface EdAlertDay {
  /** Days since 1970-01-01. */
  day: number;
  observed: number;
  /** The detector's p-value, null where it has none (EARS). */
  p: number | null;
}

export interface DeathWeeks {
  /** Days since 1970-01-01 of each complete MMWR week's Sunday, consecutive, oldest first. */
  weekStarts: readonly number[];
  counts: readonly number[];
}

export type ConcordanceStatus = 'alert' | 'warning' | 'none' | 'pending' | 'insufficient';

export interface ConcordanceSignal {
  edFirstDay: number;
  edLastDay: number;
  edAlertDays: number;
  edMinP: number | null;
  edVisits: number;
  /** First day (a Sunday) and end (exclusive) of the death weeks compared. */
  windowStart: number;
  windowEnd: number;
  windowWeeks: number;
  deathsObserved: number;
  deathsExpected: number | null;
  baselineWeeks: number;
  baselineDeaths: number;
  rateRatio: number | null;
  p: number | null;
  status: ConcordanceStatus;
  note: string | null;
}

const WEEK = 7;

/** Groups alert days (any order) into episodes: runs whose consecutive days are at most `gap` days apart. */
export function alertEpisodes(days: readonly EdAlertDay[], gap = 7): EdAlertDay[][] {
  const sorted = [...days].sort((a, b) => a.day - b.day);
  const episodes: EdAlertDay[][] = [];
  for (const day of sorted) {
    const current = episodes.at(-1);
    if (current && day.day - current.at(-1)!.day <= gap) current.push(day);
    else episodes.push([day]);
  }
  return episodes;
}

/** The Sunday on or before a day number (1970-01-01, day 0, was a Thursday). */
export function weekStartOf(day: number): number {
  return day - ((((day + 4) % 7) + 7) % 7);
}

/** Evaluates every episode of `edAlerts` against `deaths` (both for one place and one measure pair). */
export function concordanceSignals(edAlerts: readonly EdAlertDay[], deaths: DeathWeeks, options: ConcordanceOptions = {}): ConcordanceSignal[] {
  const lag = options.lagWeeks ?? 3;
  const baselineWeeks = options.baselineWeeks ?? 52;
  const minBaseline = options.minBaselineWeeks ?? 8;
  const minDeaths = options.minDeaths ?? 3;
  if (deaths.weekStarts.length !== deaths.counts.length) throw new RangeError(`deaths: ${deaths.weekStarts.length} weeks but ${deaths.counts.length} counts`);
  deaths.weekStarts.forEach((start, i) => {
    if (i > 0 && start !== deaths.weekStarts[i - 1]! + WEEK) throw new RangeError(`deaths: week ${i} does not follow week ${i - 1}`);
  });
  const first = deaths.weekStarts[0];
  return alertEpisodes(edAlerts, options.episodeGapDays ?? 7).map((episode): ConcordanceSignal => {
    const ps = episode.map((d) => d.p).filter((p): p is number => p !== null);
    const windowStart = weekStartOf(episode[0]!.day);
    const wanted = lag + 1;
    const base = {
      edFirstDay: episode[0]!.day,
      edLastDay: episode.at(-1)!.day,
      edAlertDays: episode.length,
      edMinP: ps.length > 0 ? Math.min(...ps) : null,
      edVisits: episode.reduce((sum, d) => sum + d.observed, 0),
      windowStart,
    };
    // Complete death weeks inside the window, and baseline weeks before it (indexes into deaths).
    const startIndex = first === undefined ? 0 : (windowStart - first) / WEEK;
    const windowFrom = Math.max(0, startIndex);
    const windowTo = Math.min(deaths.counts.length, startIndex + wanted);
    const available = Math.max(0, windowTo - windowFrom);
    const baselineFrom = Math.max(0, startIndex - baselineWeeks);
    const baselineCount = Math.max(0, Math.min(startIndex, deaths.counts.length) - baselineFrom);
    const sum = (from: number, to: number) => deaths.counts.slice(from, to).reduce((a, b) => a + b, 0);
    const deathsObserved = sum(windowFrom, windowFrom + available);
    const baselineDeaths = sum(baselineFrom, baselineFrom + baselineCount);
    const empty = { windowEnd: windowStart + available * WEEK, windowWeeks: available, deathsObserved, baselineWeeks: baselineCount, baselineDeaths };
    if (baselineCount < minBaseline) {
      return { ...base, ...empty, deathsExpected: null, rateRatio: null, p: null, status: 'insufficient', note: `only ${baselineCount} baseline weeks of deaths (needs ${minBaseline})` };
    }
    if (available === 0) {
      return { ...base, ...empty, deathsExpected: null, rateRatio: null, p: null, status: 'pending', note: 'no complete week of deaths since the ED alert yet' };
    }
    const deathsExpected = (baselineDeaths * available) / baselineCount;
    const p = poissonRateRatioTest(deathsObserved, available, baselineDeaths, baselineCount);
    const rateRatio = baselineDeaths > 0 ? deathsObserved / deathsExpected : null;
    const partial = available < wanted ? `${available} of ${wanted} weeks of deaths so far` : null;
    let status: ConcordanceStatus = deathsObserved >= minDeaths ? statusFromP(p) as ConcordanceStatus : 'none';
    const notes: string[] = [];
    if (partial) notes.push(partial);
    if (deathsObserved < minDeaths) notes.push(`fewer than ${minDeaths} deaths in the window`);
    // Not rising yet but weeks still to come: not a "no".
    if (status === 'none' && partial) status = 'pending';
    return { ...base, ...empty, deathsExpected, rateRatio, p, status, note: notes.length > 0 ? notes.join('; ') : null };
  });
}
