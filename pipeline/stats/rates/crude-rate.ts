/**
 * Crude death rate: deaths / population × 100,000 (NCHS; used where age-specific populations are
 * missing), with its 95% interval as CDC WONDER computes it (see confidence.ts).
 */
import { crudeRateInterval, type IntervalMethod } from './confidence.ts';

export const PER_100K = 100_000;

export interface RateEstimate {
  deaths: number;
  population: number;
  /** The rate's unit: per `per` population (100,000 unless asked otherwise). */
  per: number;
  rate: number;
  lower: number;
  upper: number;
  method: IntervalMethod;
}

/** deaths / population × per. */
export function crudeRateValue(deaths: number, population: number, per = PER_100K): number {
  if (!Number.isInteger(deaths) || deaths < 0) throw new RangeError(`deaths must be a non-negative integer, got ${deaths}`);
  if (!(population > 0)) throw new RangeError(`population must be positive, got ${population}`);
  return (deaths / population) * per;
}

/** The crude rate with its 95% interval (exact Poisson below 100 deaths, normal from 100). */
export function crudeRate(deaths: number, population: number, options: { per?: number } = {}): RateEstimate {
  const per = options.per ?? PER_100K;
  const rate = crudeRateValue(deaths, population, per);
  const { lower, upper, method } = crudeRateInterval(deaths, population, per);
  return { deaths, population, per, rate, lower, upper, method };
}
