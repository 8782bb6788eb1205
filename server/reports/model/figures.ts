/**
 * The figure types a report model holds, and how a rate is read from an aggregate cell. Rates are
 * annualised: the aggregates give deaths per 100,000 over the cell's period, and a report shows
 * deaths per 100,000 per year (× 12 / months), so a quarter's rate reads on the same scale as a
 * year's; an interval scales with its rate. A cell without deaths has no row in the aggregates:
 * its rate (0, with its exact upper limit) comes from the population, by pipeline/stats/rates.
 */
import { NORMAL_APPROXIMATION_MIN_DEATHS, Z_95 } from '../../../pipeline/stats/rates/confidence.ts';
import { crudeRate, PER_100K, type RateEstimate } from '../../../pipeline/stats/rates/crude-rate.ts';
import { UNRELIABLE_BELOW } from '../../../pipeline/stats/rates/suppression.ts';
import type { Interval } from '../report-data.ts';
import type { CountFigure } from './disclosure.ts';
import type { RateChange } from './rate-change.ts';

export type RateEstimateWithError = RateEstimate & { standardError?: number };

export type RateFigure =
  | { status: 'shown'; estimate: RateEstimateWithError; /** 20 deaths or more. */ reliable: boolean; flagged: boolean }
  | { status: 'suppressed' }
  | { status: 'unavailable'; why: string };

export type ChangeFigure =
  | { status: 'shown'; change: RateChange; basis: 'crude' | 'age-adjusted'; flagged: boolean }
  | { status: 'suppressed' }
  | { status: 'unavailable'; why: string };

export const NO_POPULATION = 'no population estimate';

/**
 * The annualised rate of a count: from the aggregate's interval when it has one, else (no deaths,
 * so no row) from the population over `months`; unavailable without either.
 */
export function rateFigure(count: CountFigure, interval: Interval | null, months: number, population: number | null): RateFigure {
  if (count.status === 'suppressed') return { status: 'suppressed' };
  const deaths = count.value;
  const perYear = 12 / months;
  let estimate: RateEstimateWithError;
  if (interval) {
    estimate = {
      deaths,
      population: population ?? Number.NaN,
      per: PER_100K,
      rate: interval.rate * perYear,
      lower: interval.lower * perYear,
      upper: interval.upper * perYear,
      method: deaths < NORMAL_APPROXIMATION_MIN_DEATHS ? 'gamma' : 'normal',
    };
    // From 100 deaths the interval is rate ± 1.96 SE, so the SE is exact from it (age-adjusted rates too).
    if (deaths >= NORMAL_APPROXIMATION_MIN_DEATHS) estimate.standardError = (estimate.upper - estimate.lower) / (2 * Z_95);
  } else if (population !== null && population > 0) {
    estimate = crudeRate(deaths, (population * months) / 12);
  } else return { status: 'unavailable', why: NO_POPULATION };
  return { status: 'shown', estimate, reliable: deaths >= UNRELIABLE_BELOW, flagged: count.flagged };
}
