/**
 * HL7 values as the ED visit record holds them: timestamps, the patient's county, age with its
 * unit, sex. Each returns the value or a message saying what is wrong with it.
 */
import { fileURLToPath } from 'node:url';
import { isCalendarDate } from '../../records/certificate-schema.ts';
import type { EdVisit } from '../../records/ed-visit.ts';
import { readCsvFile } from '../csv.ts';

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

// HL7 v2.5.1 TS/DTM: YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ]; the guide asks for at least minutes.
const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?(?:\.\d{1,4})?([+-]\d{4})?$/;

/**
 * An HL7 timestamp as an ISO local date-time (`YYYY-MM-DDTHH:MM[:SS]`). The zone offset is
 * dropped: visit times are the facility's local clock, as in the ED CSV.
 */
export function hl7Timestamp(text: string): Checked<string> {
  const match = TIMESTAMP.exec(text);
  if (!match) return { ok: false, message: `${text} is not an HL7 timestamp (YYYYMMDDHHMM[SS])` };
  const [, year, month, day, hour, minute, second] = match;
  const date = `${year}-${month}-${day}`;
  if (!isCalendarDate(date) || Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59) {
    return { ok: false, message: `${text} is not a real date and time` };
  }
  return { ok: true, value: `${date}T${hour}:${minute}${second === undefined ? '' : `:${second}`}` };
}

// Immutable table read once from disk (nothing for tests to reset).
let stateFips: Map<string, string> | undefined;

/** USPS code or 2-digit FIPS (FIPS 5-2) → 2-digit state FIPS, from pipeline/reference/states.csv. */
function stateCode(state: string): string | undefined {
  if (!stateFips) {
    stateFips = new Map();
    for (const row of readCsvFile(fileURLToPath(new URL('../../reference/states.csv', import.meta.url)))) {
      stateFips.set(row.state!, row.state_fips!);
      stateFips.set(row.state_fips!, row.state_fips!);
    }
  }
  return stateFips.get(state.toUpperCase());
}

/** PID-11.9 county: 5-digit FIPS (FIPS 6-4, state + county), or 3 digits completed by the state in PID-11.4. */
export function countyFips(county: string, state: string): Checked<string> {
  if (/^\d{5}$/.test(county)) return { ok: true, value: county };
  if (!/^\d{3}$/.test(county)) return { ok: false, message: `county code ${county} is not a 5-digit FIPS code or a 3-digit county code` };
  const fips = stateCode(state);
  if (fips === undefined) {
    return { ok: false, message: `county code ${county} has 3 digits and PID-11.4 state ${JSON.stringify(state)} is not a US state code` };
  }
  return { ok: true, value: fips + county };
}

// The UCUM age units the PHIN guide asks for in OBX-6 (with UNK for unknown), as days.
// No prototype: a unit read from a message ("constructor") must not find Object's members.
const AGE_UNITS: Record<string, number> = Object.assign(Object.create(null) as Record<string, number>, { a: 365.25, mo: 365.25 / 12, wk: 7, d: 1 });

/** OBX 21612-7 age and its OBX-6 unit → whole years; null for an unknown age (UNK). `inUnit`: the unit is what is wrong. */
export function ageInYears(value: string, unit: string): Checked<number | null> & { inUnit?: true } {
  if (unit.toUpperCase() === 'UNK' || value.toUpperCase() === 'UNK') return { ok: true, value: null };
  const days = AGE_UNITS[unit];
  if (days === undefined) return { ok: false, inUnit: true, message: `age unit ${JSON.stringify(unit)} is not a, mo, wk or d (UCUM)` };
  if (!/^\d+(\.\d+)?$/.test(value)) return { ok: false, message: `age ${JSON.stringify(value)} is not a number` };
  // A little slack so that 12 mo is 1 year despite floating point.
  const years = Math.floor((Number(value) * days) / 365.25 + 1e-9);
  return years <= 120 ? { ok: true, value: years } : { ok: false, message: `age ${value} ${unit} is more than 120 years` };
}

/** PID-8 (HL7 table 0001). The record has M, F and U only: A (ambiguous), N (not applicable) and O (other) become U. */
export function sexCode(value: string): Checked<EdVisit['sex']> {
  const code = value.toUpperCase();
  if (code === 'M' || code === 'F' || code === 'U') return { ok: true, value: code };
  if (code === 'A' || code === 'N' || code === 'O') return { ok: true, value: 'U' };
  return { ok: false, message: `sex ${JSON.stringify(value)} is not an HL7 administrative sex code (M, F, U, A, N, O)` };
}
