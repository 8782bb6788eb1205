/**
 * ED-death concordance: ED syndrome alerts followed by rising deaths of the matching drug class in
 * the same place. The method is README.md in this folder.
 */
export { binomialUpperTail, poissonRateRatioTest } from './binomial.ts';
export { alertEpisodes, concordanceSignals, weekStartOf, type ConcordanceOptions, type ConcordanceSignal, type ConcordanceStatus, type DeathWeeks, type EdAlertDay } from './concordance.ts';
export { CONCORDANCE_PAIRS, type ConcordancePair } from './pairs.ts';
export { concordanceByPlace, type EdAlertSeries, type PlaceSignal } from './places.ts';
