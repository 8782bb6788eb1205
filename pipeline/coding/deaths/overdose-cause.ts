/**
 * The external cause of a drug poisoning death, from the drugs' T-codes and the intent: one table,
 * as DOMAIN.md gives it (WHO ICD-10 X40-X44, X60-X64, X85, Y10-Y14). Drugs of different rows on
 * one certificate take the "other and unspecified" row.
 */
import type { Intent } from './types.ts';

export type DrugRow = 'nonopioid_analgesic' | 'psychotropic' | 'narcotic' | 'autonomic' | 'other';

/** Which row of the table a T-code belongs to. */
export function drugRow(code: string): DrugRow {
  if (code.startsWith('T39')) return 'nonopioid_analgesic';
  if (code.startsWith('T42') || code.startsWith('T43')) return 'psychotropic';
  if (code.startsWith('T40')) return 'narcotic';
  if (code.startsWith('T44')) return 'autonomic';
  return 'other';
}

type PoisoningIntent = 'accident' | 'suicide' | 'homicide' | 'undetermined';

export const OVERDOSE_CAUSE_TABLE: Record<DrugRow, Record<PoisoningIntent, string>> = {
  nonopioid_analgesic: { accident: 'X40', suicide: 'X60', homicide: 'X85', undetermined: 'Y10' },
  psychotropic: { accident: 'X41', suicide: 'X61', homicide: 'X85', undetermined: 'Y11' },
  narcotic: { accident: 'X42', suicide: 'X62', homicide: 'X85', undetermined: 'Y12' },
  autonomic: { accident: 'X43', suicide: 'X63', homicide: 'X85', undetermined: 'Y13' },
  other: { accident: 'X44', suicide: 'X64', homicide: 'X85', undetermined: 'Y14' },
};

export const ROW_LABELS: Record<DrugRow, string> = {
  nonopioid_analgesic: 'nonopioid analgesics (T39)',
  psychotropic: 'antiepileptic, sedative-hypnotic and psychotropic drugs (T42, T43)',
  narcotic: 'narcotics and psychodysleptics (T40)',
  autonomic: 'autonomic nervous system drugs (T44)',
  other: 'other and unspecified drugs',
};

export interface OverdoseCause {
  code: string;
  row: DrugRow;
  /** The intent the table was read with (pending has no row: the caller codes R99). */
  intent: PoisoningIntent;
}

/**
 * Selects the external cause for a poisoning by the given drug codes. Alcohol (T51) alone is not a
 * drug overdose and is not passed here. An unstated intent reads as accident, as NCHS codes it.
 */
export function overdoseCause(drugCodes: readonly string[], intent: Intent | null): OverdoseCause {
  const rows = new Set(drugCodes.filter((code) => !code.startsWith('T51')).map(drugRow));
  const row: DrugRow = rows.size === 1 ? [...rows][0]! : 'other';
  const poisoningIntent: PoisoningIntent =
    intent === 'suicide' || intent === 'homicide' || intent === 'undetermined' ? intent : 'accident';
  return { code: OVERDOSE_CAUSE_TABLE[row][poisoningIntent], row, intent: poisoningIntent };
}

/** The NCHS drug-overdose underlying causes: X40-X44, X60-X64, X85, Y10-Y14. */
export function isDrugOverdoseCause(code: string | null): boolean {
  return code !== null && /^(X4[0-4]|X6[0-4]|X85|Y1[0-4])/.test(code);
}
