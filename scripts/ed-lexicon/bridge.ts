/**
 * The bridge from ICD-10-CM poisoning categories to the death-side drug classes: the WHO ICD-10
 * code the death coder uses (CM T40.41, T40.42, T40.49 → WHO T40.4; T43.60-T43.69 → T43.6) by the
 * death lexicon's own CM → WHO rule (cm-to-who.ts), and the NCHS class of DOMAIN.md.
 */
import { cmToWho } from '../../pipeline/coding/lexicon/build/cm-to-who.ts';
import type { PoisoningCategory } from './categories.ts';

export interface BridgeRow {
  category: string;
  deathCode: string;
  nchsClass: string;
  anyOpioid: boolean;
}

/** NCHS drug-overdose classes by WHO code (DOMAIN.md "Drug-overdose deaths"). */
const NCHS_CLASS: Record<string, string> = {
  'T40.0': 'opium',
  'T40.1': 'heroin',
  'T40.2': 'natural and semi-synthetic opioids',
  'T40.3': 'methadone',
  'T40.4': 'synthetic opioids other than methadone',
  'T40.5': 'cocaine',
  'T40.6': 'other and unspecified narcotics',
  'T40.7': 'cannabis',
  'T42.4': 'benzodiazepines',
  'T43.0': 'antidepressants',
  'T43.1': 'antidepressants',
  'T43.2': 'antidepressants',
  'T43.6': 'psychostimulants with abuse potential',
  'T50.9': 'other and unspecified drugs',
  'T51.0': 'alcohol',
};
const ANY_OPIOID = new Set(['T40.0', 'T40.1', 'T40.2', 'T40.3', 'T40.4', 'T40.6']);

export function bridgeRows(categories: readonly PoisoningCategory[], cmCodes: ReadonlySet<string>): BridgeRow[] {
  return categories.map((c) => {
    const who = cmToWho(c.accidental, cmCodes);
    if (!who || !/^T\d\d(\.\d)?$/.test(who)) throw new Error(`no WHO code for CM ${c.accidental} (${c.category})`);
    return { category: c.category, deathCode: who, nchsClass: NCHS_CLASS[who] ?? '-', anyOpioid: ANY_OPIOID.has(who) };
  });
}
