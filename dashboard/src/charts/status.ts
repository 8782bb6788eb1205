// ESSENCE status colours, words and symbols, in one place. The colours are ColorBrewer RdYlBu
// (colour-blind safe); the word (and on charts the symbol) always goes with the colour, so colour
// is never the only cue.
import type { AlertStatus } from '../api/alerts.ts';

export const STATUS_COLORS: Readonly<Record<AlertStatus, string>> = {
  alert: '#d7191c',
  warning: '#fdae61',
  none: '#2c7bb6',
  insufficient: '#999999',
};

export const STATUS_LABELS: Readonly<Record<AlertStatus, string>> = { alert: 'Alert', warning: 'Warning', none: 'None', insufficient: 'Not computable' };

export const STATUS_SYMBOLS: Readonly<Record<AlertStatus, string>> = { alert: 'triangle', warning: 'diamond', none: 'circle', insufficient: 'square' };

const SEVERITY: readonly AlertStatus[] = ['alert', 'warning', 'none', 'insufficient'];

/** The most severe of several methods' statuses for one period (alert before warning before none). */
export function worstStatus(statuses: readonly AlertStatus[]): AlertStatus {
  let worst: AlertStatus = 'insufficient';
  for (const s of statuses) if (SEVERITY.indexOf(s) < SEVERITY.indexOf(worst)) worst = s;
  return worst;
}

export const METHOD_LABELS: Readonly<Record<string, string>> = {
  farrington: 'Farrington flexible',
  cusum: 'CUSUM',
  switch: 'Regression/EWMA switch',
  ears_c2: 'EARS C2',
  ewma: 'EWMA',
  regression: 'Adaptive regression',
  scan: 'Space-time permutation scan',
};

export function methodLabel(method: string): string {
  return METHOD_LABELS[method] ?? method;
}
