/**
 * Baseline count series for evaluating detectors: per county of the chosen states, daily overdose
 * ED visits and weekly overdose deaths, Poisson around a mean that follows the county's
 * population (Census estimates, per year) and its state's overdose level, a weekly cycle and a
 * yearly one. Built from the demo generator's parts (fixtures/generator: geography, calendar,
 * random streams), so the evaluation's counties look like the demo data's.
 */
import { civilFromDays, dayOfWeek, dayOfYear, daysFromCivil, seasonal } from '../../../fixtures/generator/calendar.ts';
import { loadGeography } from '../../../fixtures/generator/geography.ts';
import { Rng } from '../../../fixtures/generator/random.ts';
import { countyCentroids } from '../scan/county-centroids.ts';

/** Overdose ED visits per 100,000 a day: ~245,000 a year in the US (the scale of NSSP's suspected drug overdose visits). */
export const ED_RATE_PER_100K_DAY = 0.2;
/** Overdose deaths per 100,000 a day: ~105,000 a year (NCHS provisional counts, 2023). */
export const DEATH_RATE_PER_100K_DAY = 0.086;
/**
 * Sunday … Saturday, the generator's ED pattern (fixtures/generator/ed-visits.ts: Mondays are
 * busiest), which the ESSENCE regression's weekday terms must absorb.
 */
const ED_DAY_OF_WEEK = [0.97, 1.08, 1.02, 1.0, 0.99, 0.98, 0.96];
/**
 * Yearly cycles: a summer peak for ED visits (±10%, in July) and a milder one for deaths (±5%).
 * The demo generator keeps overdoses flat; a detector must not alert on a season.
 */
const ED_SEASON = { amplitude: 0.1, peakDoy: 196 };
const DEATH_SEASON = { amplitude: 0.05, peakDoy: 196 };

export interface EvaluationCounty {
  fips: string;
  state: string;
  lon: number;
  lat: number;
  population: number;
}

export interface BaselineOptions {
  seed: number;
  /** USPS codes. */
  states: readonly string[];
  /** The evaluated year (outbreaks fall in it). */
  year: number;
  /** Days of ED history before the year (detector warm-up). */
  edWarmupDays: number;
  /** Years of weekly deaths before the year (Farrington looks 5 years back). */
  deathHistoryYears: number;
}

export interface Baseline {
  counties: EvaluationCounty[];
  /** Day number (days since 1970-01-01) of edDaily[·][0]. */
  edFirstDay: number;
  /** Index in edDaily of the evaluated year's first day. */
  edYearStart: number;
  /** Expected ED visits (the Poisson mean) and the counts drawn, per county per day. */
  edExpected: Float64Array[];
  edDaily: Int32Array[];
  /** Day number of the Sunday of deathWeekly[·][0]. */
  deathFirstWeek: number;
  /** Index of the first week whose Sunday is in the evaluated year. */
  deathYearStart: number;
  deathExpected: Float64Array[];
  deathWeekly: Int32Array[];
}

/** Counties of the states (the year's Census estimate) with a centroid for the scan. */
export function evaluationCounties(states: readonly string[], year: number): EvaluationCounty[] {
  const geography = loadGeography(year, states);
  const centroids = countyCentroids();
  const counties = geography.counties.flatMap((c) => {
    const centroid = centroids.get(c.fips);
    return centroid ? [{ fips: c.fips, state: c.state, lon: centroid.lon, lat: centroid.lat, population: c.population }] : [];
  });
  if (counties.length === 0) throw new RangeError(`no counties for states ${states.join(', ')}`);
  return counties;
}

/** The county populations of every year the series cover, and each state's overdose ratios. */
function populationsByYear(states: readonly string[], years: readonly number[]) {
  const byYear = new Map<number, Map<string, number>>();
  for (const year of years) byYear.set(year, new Map(loadGeography(year, states).counties.map((c) => [c.fips, c.population])));
  return byYear;
}

export function baselineSeries(options: BaselineOptions): Baseline {
  const counties = evaluationCounties(options.states, options.year);
  const rates = loadGeography(options.year, options.states).rates;
  const yearStart = daysFromCivil(options.year, 1, 1);
  const yearEnd = daysFromCivil(options.year + 1, 1, 1);
  const edFirstDay = yearStart - options.edWarmupDays;
  // Weeks: from the Sunday on or before Jan 1 `deathHistoryYears` back, to the last week starting in the year.
  const deathFirstWeek = sundayOnOrBefore(daysFromCivil(options.year - options.deathHistoryYears, 1, 1));
  const deathYearStart = Math.ceil((yearStart - deathFirstWeek) / 7);
  const weeks = Math.ceil((yearEnd - deathFirstWeek) / 7);
  const years = Array.from({ length: options.deathHistoryYears + 2 }, (_, i) => options.year - options.deathHistoryYears - 1 + i);
  const populations = populationsByYear(options.states, years);
  const populationOn = (fips: string, day: number, fallback: number) => populations.get(civilFromDays(day).year)?.get(fips) ?? fallback;

  const edRng = new Rng(options.seed, 'evaluation:ed');
  const deathRng = new Rng(options.seed, 'evaluation:deaths');
  const edExpected: Float64Array[] = [];
  const edDaily: Int32Array[] = [];
  const deathExpected: Float64Array[] = [];
  const deathWeekly: Int32Array[] = [];
  for (const county of counties) {
    const ratio = rates.get(county.state);
    const edLevel = ED_RATE_PER_100K_DAY * 1e-5 * (ratio?.overdoseShareRatio ?? 1);
    const deathLevel = DEATH_RATE_PER_100K_DAY * 1e-5 * (ratio?.overdoseShareRatio ?? 1) * (ratio?.deathRateRatio ?? 1);
    const days = yearEnd - edFirstDay;
    const expected = new Float64Array(days);
    const counts = new Int32Array(days);
    for (let t = 0; t < days; t++) {
      const day = edFirstDay + t;
      expected[t] = populationOn(county.fips, day, county.population) * edLevel * ED_DAY_OF_WEEK[dayOfWeek(day)]! * seasonal(dayOfYear(day), ED_SEASON.amplitude, ED_SEASON.peakDoy);
      counts[t] = edRng.poisson(expected[t]!);
    }
    edExpected.push(expected);
    edDaily.push(counts);
    const weekMeans = new Float64Array(weeks);
    const weekCounts = new Int32Array(weeks);
    for (let w = 0; w < weeks; w++) {
      let mean = 0;
      for (let d = 0; d < 7; d++) {
        const day = deathFirstWeek + 7 * w + d;
        mean += populationOn(county.fips, day, county.population) * deathLevel * seasonal(dayOfYear(day), DEATH_SEASON.amplitude, DEATH_SEASON.peakDoy);
      }
      weekMeans[w] = mean;
      weekCounts[w] = deathRng.poisson(mean);
    }
    deathExpected.push(weekMeans);
    deathWeekly.push(weekCounts);
  }
  return { counties, edFirstDay, edYearStart: yearStart - edFirstDay, edExpected, edDaily, deathFirstWeek, deathYearStart, deathExpected, deathWeekly };
}

export function sundayOnOrBefore(day: number): number {
  return day - dayOfWeek(day);
}
