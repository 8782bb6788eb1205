/**
 * The detectors evaluated, each at its published default and alarm rule: ESSENCE's EWMA,
 * regression and switch alarm at p < 0.01 (red); EARS C1-C3 and CUSUM at their own alarm;
 * Farrington at its alarm (y > U, ≥ 5 cases in 4 weeks), red or yellow. One uniform shape:
 * counts in, one alarm flag per period out.
 */
import { adaptiveRegression, cusum, earsC, ewma, farringtonFlexible, regressionEwmaSwitch, type DetectorPoint } from '../detectors/index.ts';

export type MethodName = 'ewma' | 'regression' | 'switch' | 'ears_c1' | 'ears_c2' | 'ears_c3' | 'farrington' | 'cusum';

export interface EvaluatedMethod {
  name: MethodName;
  unit: 'day' | 'week';
  /**
   * Alarm per period. `firstWeekday` (0 = Sunday) of counts[0] for the daily regression;
   * `from`: the first period that will be scored (Farrington fits only from there on).
   */
  alarms(counts: readonly number[], context: { firstWeekday: number; from: number }): boolean[];
}

const red = (points: readonly DetectorPoint[]) => points.map((p) => p.status === 'alert');

export const METHODS: readonly EvaluatedMethod[] = [
  { name: 'ewma', unit: 'day', alarms: (counts) => red(ewma(counts)) },
  { name: 'regression', unit: 'day', alarms: (counts, { firstWeekday }) => red(adaptiveRegression(counts, { firstWeekday })) },
  { name: 'switch', unit: 'day', alarms: (counts, { firstWeekday }) => red(regressionEwmaSwitch(counts, { firstWeekday })) },
  { name: 'ears_c1', unit: 'day', alarms: (counts) => red(earsC(counts, { method: 'C1' })) },
  { name: 'ears_c2', unit: 'day', alarms: (counts) => red(earsC(counts, { method: 'C2' })) },
  { name: 'ears_c3', unit: 'day', alarms: (counts) => red(earsC(counts, { method: 'C3' })) },
  {
    name: 'farrington',
    unit: 'week',
    alarms: (counts, { from }) => farringtonFlexible(counts, { lastPoints: counts.length - from }).map((p) => p.status === 'alert' || p.status === 'warning'),
  },
  // As the detect job runs it: phase 1 (the reference value m) is the series' first 52 weeks, no reset.
  { name: 'cusum', unit: 'week', alarms: (counts) => red(cusum(counts)) },
];
