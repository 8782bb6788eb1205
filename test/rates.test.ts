/**
 * Rates: the 2000 standard population, the gamma quantile, crude and age-adjusted rates with their
 * confidence intervals, as NCHS and CDC WONDER compute them. Reference numbers come from published
 * NCHS tables where named, otherwise from R 4.2.2 (qgamma) and R's epitools::ageadjust.direct
 * (0.5-10.1, written by M. P. Fay, the method's author), pinned here as literals.
 */
import { describe, expect, it } from 'vitest';
import { ageAdjustedRate, type AgeStratum } from '../pipeline/stats/rates/age-adjusted.ts';
import { crudeRateInterval, fayFeuerInterval, poissonCountInterval } from '../pipeline/stats/rates/confidence.ts';
import { crudeRate } from '../pipeline/stats/rates/crude-rate.ts';
import { chiSquareQuantile, gammaP, gammaQ, gammaQuantile, logGamma } from '../pipeline/stats/rates/gamma.ts';
import { NCHS_AGE_GROUPS, nchsAgeGroupOf, standardWeights, US_STANDARD_POPULATION_2000, US_STANDARD_POPULATION_2000_UNDER_5 } from '../pipeline/stats/rates/standard-population.ts';
import { ageAdjustedFigures, crudeFigures, isUnreliable } from '../pipeline/stats/aggregates/estimates.ts';

const close = (actual: number, expected: number, relative: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.abs(expected));

describe('2000 US standard population', () => {
  it('matches the NCHS 11-group table (NVSR "Deaths: Final Data" technical notes), total 274,633,642', () => {
    expect(US_STANDARD_POPULATION_2000.map((g) => [g.ageGroup, g.population])).toEqual([
      ['<1', 3_794_901],
      ['1-4', 15_191_619],
      ['5-14', 39_976_619],
      ['15-24', 38_076_743],
      ['25-34', 37_233_437],
      ['35-44', 44_659_185],
      ['45-54', 37_030_152],
      ['55-64', 23_961_506],
      ['65-74', 18_135_514],
      ['75-84', 12_314_793],
      ['85+', 4_259_173],
    ]);
    expect(US_STANDARD_POPULATION_2000.reduce((s, g) => s + g.population, 0)).toBe(274_633_642);
  });

  it('gives the published standard-million weights (Klein & Schoenborn 2001, distribution #1) within 2.5 per million', () => {
    // The published million is NCHS's rounding, off from the exact population shares by up to 2 per million.
    const published = [13_818, 55_317, 145_565, 138_646, 135_573, 162_613, 134_834, 87_247, 66_037, 44_842, 15_508];
    expect(published.reduce((s, w) => s + w, 0)).toBe(1_000_000);
    standardWeights(NCHS_AGE_GROUPS).forEach((w, i) => expect(Math.abs(w * 1e6 - published[i]!)).toBeLessThanOrEqual(2.5));
  });

  it('renormalises the weights over the age groups present and rejects unknown or repeated ones', () => {
    const weights = standardWeights(['65-74', '75-84', '85+']);
    expect(weights.reduce((s, w) => s + w, 0)).toBeCloseTo(1, 15);
    close(weights[0]!, 18_135_514 / (18_135_514 + 12_314_793 + 4_259_173), 1e-15);
    expect(() => standardWeights(['15-19'])).toThrow('age group not in the standard population: 15-19');
    expect(() => standardWeights(['85+', '85+'])).toThrow('age group given twice: 85+');
  });

  it('places ages in NCHS groups', () => {
    expect([0, 1, 4, 5, 14, 15, 84, 85, 110].map(nchsAgeGroupOf)).toEqual(['<1', '1-4', '1-4', '5-14', '5-14', '15-24', '75-84', '85+', '85+']);
    expect(() => nchsAgeGroupOf(-1)).toThrow('invalid age: -1');
  });
});

describe('gamma distribution', () => {
  it('logGamma agrees with R lgamma', () => {
    close(logGamma(0.5), 0.57236494292470008, 1e-14);
    close(logGamma(10.5), 13.940625219403763, 1e-14);
    close(logGamma(100), 359.1342053695754, 1e-14);
    expect(logGamma(1)).toBeCloseTo(0, 14);
    expect(logGamma(2)).toBeCloseTo(0, 14);
  });

  it('gammaP / gammaQ agree with R pgamma and with each other', () => {
    close(gammaP(0.5, 0.5), 0.68268949213708596, 1e-13); // = erf(1)
    close(gammaP(2.5, 3), 0.69378108158672158, 1e-13);
    close(gammaP(37.2, 40), 0.6923046898732641, 1e-13);
    close(gammaP(850, 900), 0.95485271525622417, 1e-12);
    for (const [a, x] of [[0.3, 0.1], [5, 2], [5, 9], [80, 60], [80, 100]] as const) expect(gammaP(a, x) + gammaQ(a, x)).toBeCloseTo(1, 14);
  });

  it('gammaQuantile agrees with R qgamma to 1e-12 across shapes and tails', () => {
    const ps = [1e-10, 0.001, 0.025, 0.5, 0.975, 0.999];
    const expected: Record<string, number[]> = {
      // R 4.2.2: qgamma(ps, shape)
      '0.05': [5.8446320572867292e-201, 5.844632057286554e-61, 5.3156618899143203e-33, 5.5738784407462583e-7, 0.56717376175385836, 2.736458598728674],
      '0.5': [7.8539816339744674e-21, 7.8539857463124521e-7, 4.9103455858762809e-4, 0.22746821155978642, 2.5119430936574423, 5.4137830853313647],
      '2.5': [1.6167785731248467e-4, 0.10510630131460959, 0.41560580674333125, 2.1757300955477632, 6.4162509970150126, 10.257502826216438],
      '37.2': [10.400233686679423, 21.154256066409193, 26.219171629072726, 36.867202886821772, 50.071437602128995, 58.923768949248625],
      '850': [677.48166753175951, 762.74687865942701, 793.81069109454768, 849.66668991557412, 908.08345448415969, 942.95186913445798],
    };
    for (const [shape, values] of Object.entries(expected)) {
      values.forEach((value, i) => close(gammaQuantile(ps[i]!, Number(shape)), value, 1e-12));
    }
  });

  it('inverts exactly where closed forms exist: shape 1 is the exponential, integer shapes the Poisson sum', () => {
    for (const p of [1e-6, 0.025, 0.3, 0.975, 0.999999]) close(gammaQuantile(p, 1), -Math.log1p(-p), 1e-13);
    // P(n, x) = 1 − e^{−x} Σ_{k<n} x^k/k! evaluated at the quantile gives p back.
    for (const n of [2, 7, 30, 100]) {
      for (const p of [0.025, 0.5, 0.975]) {
        const x = gammaQuantile(p, n);
        let term = 1;
        let sum = 1;
        for (let k = 1; k < n; k++) sum += term *= x / k;
        close(1 - Math.exp(-x) * sum, p, 1e-11);
      }
    }
  });

  it('scales, and gives the chi-square quantiles (R qchisq)', () => {
    close(gammaQuantile(0.975, 3, 0.5), 0.5 * gammaQuantile(0.975, 3), 1e-15);
    close(chiSquareQuantile(0.025, 1), 0.00098206911717525617, 1e-11);
    close(chiSquareQuantile(0.975, 1), 5.0238861873148846, 1e-12);
    close(chiSquareQuantile(0.975, 2), 7.377758908227871, 1e-12);
    close(chiSquareQuantile(0.95, 10), 18.307038053275146, 1e-12);
  });

  it('handles the ends and rejects nonsense', () => {
    expect(gammaQuantile(0, 3)).toBe(0);
    expect(gammaQuantile(1, 3)).toBe(Infinity);
    expect(() => gammaQuantile(1.5, 3)).toThrow('probability must be in [0, 1], got 1.5');
    expect(() => gammaQuantile(0.5, 0)).toThrow('gamma shape must be positive and finite, got 0');
  });
});

describe('crude rates (CDC WONDER)', () => {
  it('below 100 deaths: exact Poisson limits, the NCHS confidence-limit factors for 1-99 events', () => {
    // Factors L = GAMMAINV(0.025, D)/D, U = GAMMAINV(0.975, D + 1)/D; NCHS tables print them to 5 decimals.
    const factors: [number, number, number][] = [
      [1, 0.02532, 5.57164],
      [2, 0.1211, 3.61234],
      [3, 0.20622, 2.92242],
      [5, 0.3247, 2.33367],
      [10, 0.47954, 1.83904],
      [20, 0.61083, 1.54442],
      [50, 0.74222, 1.31838],
      [99, 0.81275, 1.21746],
    ];
    for (const [deaths, lower, upper] of factors) {
      const interval = poissonCountInterval(deaths);
      expect(Number((interval.lower / deaths).toFixed(5))).toBe(lower);
      expect(Number((interval.upper / deaths).toFixed(5))).toBe(upper);
    }
    close(poissonCountInterval(1).upper, 5.5716433909388989, 1e-12); // R: qgamma(0.975, 2)
    expect(poissonCountInterval(0)).toEqual({ lower: 0, upper: gammaQuantile(0.975, 1) });
  });

  it('turns the limits into rates per 100,000', () => {
    const estimate = crudeRate(10, 250_000);
    expect(estimate.rate).toBe(4);
    expect(estimate.method).toBe('gamma');
    close(estimate.lower, (4.7953886961324335 / 250_000) * 1e5, 1e-12); // R: qgamma(0.025, 10)
    close(estimate.upper, (18.390356042017778 / 250_000) * 1e5, 1e-12); // R: qgamma(0.975, 11)
  });

  it('from 100 deaths: R ± 1.96 R/√D', () => {
    const interval = crudeRateInterval(100, 1_000_000);
    expect(interval.method).toBe('normal');
    close(interval.lower, 10 - 1.96, 1e-14);
    close(interval.upper, 10 + 1.96, 1e-14);
    const big = crudeRate(2_500, 5_000_000, { per: 1_000 });
    expect(big.rate).toBe(0.5);
    close(big.upper - big.rate, (1.96 * 0.5) / 50, 1e-12);
  });

  it('rejects impossible inputs', () => {
    expect(() => crudeRate(-1, 100)).toThrow('deaths must be a non-negative integer, got -1');
    expect(() => crudeRate(1.5, 100)).toThrow('deaths must be a non-negative integer, got 1.5');
    expect(() => crudeRate(3, 0)).toThrow('population must be positive, got 0');
  });
});

describe('age-adjusted rates (direct method, 2000 standard)', () => {
  // A worked example constructed step by step from the NCHS formulas (the NVSR 47(3) worked example
  // could not be consulted here; see pipeline/stats/rates/README.md): overdose deaths in a
  // county of 104,700 by NCHS age group.
  const county: AgeStratum[] = [
    { ageGroup: '<1', deaths: 0, population: 1_200 },
    { ageGroup: '1-4', deaths: 0, population: 4_900 },
    { ageGroup: '5-14', deaths: 0, population: 12_500 },
    { ageGroup: '15-24', deaths: 4, population: 13_800 },
    { ageGroup: '25-34', deaths: 11, population: 14_100 },
    { ageGroup: '35-44', deaths: 13, population: 12_900 },
    { ageGroup: '45-54', deaths: 9, population: 13_300 },
    { ageGroup: '55-64', deaths: 6, population: 14_200 },
    { ageGroup: '65-74', deaths: 2, population: 10_100 },
    { ageGroup: '75-84', deaths: 1, population: 5_600 },
    { ageGroup: '85+', deaths: 0, population: 2_100 },
  ];

  it('computes R′ = Σ w_i d_i/p_i and Var = Σ w_i² d_i/p_i² term by term', () => {
    const total = 274_633_642;
    // Step 1: weights std_i / 274,633,642. Step 2: age-specific rates d_i/p_i. Step 3: Σ w_i r_i.
    const terms = county.map((s) => {
      const std = US_STANDARD_POPULATION_2000.find((g) => g.ageGroup === s.ageGroup)!.population;
      const w = std / total;
      return { w, rate: s.deaths / s.population, variance: (w * w * s.deaths) / s.population ** 2, wOverP: w / s.population };
    });
    // e.g. 25-34: w = 37,233,437 / 274,633,642 = 0.1355749…, rate = 11/14,100 = 78.01 per 100,000.
    close(terms[4]!.w, 0.13557493, 1e-7);
    close(terms[4]!.rate * 1e5, 78.01418439716312, 1e-12);
    const rate = terms.reduce((s, t) => s + t.w * t.rate, 0) * 1e5;
    const variance = terms.reduce((s, t) => s + t.variance, 0) * 1e10;
    const wMax = Math.max(...terms.map((t) => t.wOverP)) * 1e5;

    const estimate = ageAdjustedRate(county);
    close(estimate.rate, rate, 1e-14);
    close(estimate.variance, variance, 1e-14);
    expect(estimate.deaths).toBe(46);
    expect(estimate.population).toBe(104_700);
    // The same numbers from epitools::ageadjust.direct (Fay's implementation of Fay & Feuer 1997).
    close(estimate.rate, 45.90199411776161, 1e-13);
    close(estimate.variance, 47.876122808624721, 1e-13);
    close(estimate.standardError, 6.9192573885226096, 1e-13);
    close(wMax, 1.2605711013297471, 1e-13); // the <1 group: w/p is largest where the population is smallest
  });

  it('below 100 deaths uses the Fay-Feuer gamma interval (lower = GAMMAINV(.025, R′²/V, V/R′), upper with w_M)', () => {
    const estimate = ageAdjustedRate(county);
    expect(estimate.method).toBe('gamma');
    close(estimate.lower, 33.353671367278587, 1e-11); // epitools::ageadjust.direct lci × 1e5
    close(estimate.upper, 61.912300159652027, 1e-11); // uci × 1e5
    close(estimate.lower, gammaQuantile(0.025, estimate.rate ** 2 / estimate.variance, estimate.variance / estimate.rate), 1e-15);
  });

  it('from 100 deaths uses R′ ± 1.96 SE', () => {
    const bigger = county.map((s) => ({ ...s, deaths: 4 * s.deaths, population: 2 * s.population }));
    const estimate = ageAdjustedRate(bigger);
    expect(estimate.deaths).toBe(184);
    expect(estimate.method).toBe('normal');
    close(estimate.rate, 91.80398823552322, 1e-13);
    close(estimate.standardError, 6.9192573885226096, 1e-13);
    close(estimate.lower, 78.2422437540189, 1e-13);
    close(estimate.upper, 105.36573271702754, 1e-13);
  });

  it('adjusts to the part of the standard for the age groups present (ages 15+)', () => {
    const adults = county.slice(3);
    const estimate = ageAdjustedRate(adults);
    close(estimate.rate, 58.451348906175859, 1e-13); // epitools with stdpop = the 15+ groups
    close(estimate.lower, 42.472383168999414, 1e-11);
    close(estimate.upper, 78.83878528090797, 1e-11);
    expect(estimate.weights.reduce((s, w) => s + w.weight, 0)).toBeCloseTo(1, 14);
  });

  it('with no deaths: rate 0, interval [0, GAMMAINV(.975, 1, w_M)]', () => {
    const none = county.map((s) => ({ ...s, deaths: 0 }));
    const estimate = ageAdjustedRate(none);
    expect(estimate.rate).toBe(0);
    expect(estimate.lower).toBe(0);
    close(estimate.upper, 4.6500948361450787, 1e-12); // R: qgamma(0.975, 1, scale = w_M)
    expect(fayFeuerInterval(0, 0, 1).upper).toBe(gammaQuantile(0.975, 1));
  });

  it('accepts another standard and rejects bad strata', () => {
    const estimate = ageAdjustedRate(
      [
        { ageGroup: 'young', deaths: 3, population: 1_000 },
        { ageGroup: 'old', deaths: 9, population: 1_000 },
      ],
      { standard: [{ ageGroup: 'young', population: 3 }, { ageGroup: 'old', population: 1 }], per: 1_000 },
    );
    close(estimate.rate, 0.75 * 3 + 0.25 * 9, 1e-14);
    expect(() => ageAdjustedRate([])).toThrow('age-adjusted rate needs at least one age group');
    expect(() => ageAdjustedRate([{ ageGroup: '85+', deaths: 1, population: 0 }])).toThrow('population must be positive (age group 85+), got 0');
  });
});

describe('additions for the aggregates', () => {
  it('remembers the exact Poisson limits of small counts without changing them', () => {
    for (let deaths = 0; deaths < 100; deaths++) {
      const fresh = { lower: deaths === 0 ? 0 : gammaQuantile(0.025, deaths), upper: gammaQuantile(0.975, deaths + 1) };
      expect(poissonCountInterval(deaths)).toEqual(fresh);
      // A caller changing the object it was given changes nothing the next caller gets.
      const given = poissonCountInterval(deaths);
      given.lower = -1;
      expect(poissonCountInterval(deaths)).toEqual(fresh);
    }
    close(crudeRateInterval(1, 100_000).upper, 5.57164, 1e-6); // NCHS factor for 1 event, per 100,000 of 100,000
  });

  it('merges <1 and 1-4 into 0-4 for populations that do not split them, total unchanged', () => {
    expect(US_STANDARD_POPULATION_2000_UNDER_5.map((g) => g.ageGroup)).toEqual(['0-4', '5-14', '15-24', '25-34', '35-44', '45-54', '55-64', '65-74', '75-84', '85+']);
    expect(US_STANDARD_POPULATION_2000_UNDER_5[0]!.population).toBe(3_794_901 + 15_191_619);
    expect(US_STANDARD_POPULATION_2000_UNDER_5.reduce((s, g) => s + g.population, 0)).toBe(274_633_642);
  });

  it('age-adjusts an aggregate cell with the grouping its populations have, or says why not', () => {
    const eleven = new Map(NCHS_AGE_GROUPS.map((g, i) => [g, 10_000 * (i + 1)]));
    const deaths = new Map([['<1', 1], ['1-4', 2], ['45-54', 4], ['unknown', 5]]);
    const byEleven = ageAdjustedFigures(deaths, eleven);
    const expected = ageAdjustedRate(NCHS_AGE_GROUPS.map((g, i) => ({ ageGroup: g, deaths: deaths.get(g) ?? 0, population: 10_000 * (i + 1) })));
    expect(byEleven).toEqual({ age_adjusted_rate: expected.rate, age_adjusted_lower: expected.lower, age_adjusted_upper: expected.upper });
    const ten = new Map(US_STANDARD_POPULATION_2000_UNDER_5.map((g, i) => [g.ageGroup, 10_000 * (i + 1)]));
    const merged = ageAdjustedRate(
      US_STANDARD_POPULATION_2000_UNDER_5.map((g, i) => ({ ageGroup: g.ageGroup, deaths: g.ageGroup === '0-4' ? 3 : (deaths.get(g.ageGroup) ?? 0), population: 10_000 * (i + 1) })),
      { standard: US_STANDARD_POPULATION_2000_UNDER_5 },
    );
    expect(ageAdjustedFigures(deaths, ten)).toEqual({ age_adjusted_rate: merged.rate, age_adjusted_lower: merged.lower, age_adjusted_upper: merged.upper });
    expect(ageAdjustedFigures(deaths, new Map([...eleven].slice(1)))).toEqual({ reason: 'no age-specific population for every age group' });
    expect(ageAdjustedFigures(deaths, new Map([...eleven].map(([g, p]) => [g, g === '85+' ? 0 : p])))).toEqual({ reason: 'an age group has no population' });
  });

  it('gives a cell its crude rate and interval, nothing without a population, and the NCHS reliability flag', () => {
    const estimate = crudeRate(7, 250_000);
    expect(crudeFigures(7, 250_000)).toEqual({ rate_per_100k: estimate.rate, rate_lower: estimate.lower, rate_upper: estimate.upper });
    expect(crudeFigures(7, null)).toEqual({ rate_per_100k: null, rate_lower: null, rate_upper: null });
    expect(crudeFigures(7, 0)).toEqual({ rate_per_100k: null, rate_lower: null, rate_upper: null });
    expect([0, 19, 20].map(isUnreliable)).toEqual([true, true, false]);
  });
});
