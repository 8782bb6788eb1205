/**
 * Counting for the ED eval: a confusion table per measure (overdose, each drug class) and the
 * mapping from the generator's labels (DrugKey → NCHS class) and from the coder's output
 * (drugs[].deathClass → class) onto the same keys.
 */
import { DRUGS, type DrugKey } from '../../fixtures/generator/drugs.ts';
import type { EdCodeResult } from '../../pipeline/coding/ed/index.ts';

export const CLASS_KEYS = ['t40_4', 't40_1', 't40_2', 't40_3', 't40_5', 't43_6', 't42_4', 't51_0', 'any_opioid'] as const;
export type ClassKey = (typeof CLASS_KEYS)[number];

export const CLASS_NAMES: Record<ClassKey, string> = {
  t40_4: 'synthetic opioids (T40.4)',
  t40_1: 'heroin (T40.1)',
  t40_2: 'natural/semi-synthetic (T40.2)',
  t40_3: 'methadone (T40.3)',
  t40_5: 'cocaine (T40.5)',
  t43_6: 'psychostimulants (T43.6)',
  t42_4: 'benzodiazepines (T42.4)',
  t51_0: 'alcohol (T51.0)',
  any_opioid: 'any opioid',
};

const DEATH_CODE_CLASS: Record<string, ClassKey> = {
  'T40.4': 't40_4', 'T40.1': 't40_1', 'T40.2': 't40_2', 'T40.3': 't40_3', 'T40.5': 't40_5', 'T43.6': 't43_6', 'T42.4': 't42_4', 'T51.0': 't51_0',
};
const ANY_OPIOID = new Set(['T40.0', 'T40.1', 'T40.2', 'T40.3', 'T40.4', 'T40.6']);

export function labelClasses(drugs: readonly DrugKey[]): Set<ClassKey> {
  const out = new Set<ClassKey>();
  for (const key of drugs) {
    const drug = DRUGS[key];
    if (drug.cls !== 'other') out.add(drug.cls);
    if (drug.opioid) out.add('any_opioid');
  }
  return out;
}

export function predictedClasses(result: EdCodeResult): Set<ClassKey> {
  const out = new Set<ClassKey>();
  for (const d of result.drugs) {
    const cls = DEATH_CODE_CLASS[d.deathClass];
    if (cls) out.add(cls);
    if (ANY_OPIOID.has(d.deathClass)) out.add('any_opioid');
  }
  return out;
}

export class Confusion {
  tp = 0;
  fp = 0;
  fn = 0;
  tn = 0;
  add(label: boolean, predicted: boolean): void {
    if (label && predicted) this.tp++;
    else if (predicted) this.fp++;
    else if (label) this.fn++;
    else this.tn++;
  }
  get precision(): number | null {
    return this.tp + this.fp === 0 ? null : this.tp / (this.tp + this.fp);
  }
  get recall(): number | null {
    return this.tp + this.fn === 0 ? null : this.tp / (this.tp + this.fn);
  }
  get f1(): number | null {
    const d = 2 * this.tp + this.fp + this.fn;
    return d === 0 ? null : (2 * this.tp) / d;
  }
}

export const ratio = (x: number | null) => (x === null ? '—' : x.toFixed(4));
