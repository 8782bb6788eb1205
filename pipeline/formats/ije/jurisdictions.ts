/**
 * Postal codes of states and territories to FIPS state codes, for building 5-digit county FIPS
 * from IJE and VRDR (state postal code + 3-digit county code). States and DC come from the
 * committed pipeline/reference/states.csv.
 */
import { fileURLToPath } from 'node:url';
import { readCsvFile } from '../csv.ts';

const STATES_FILE = fileURLToPath(new URL('../../reference/states.csv', import.meta.url));

// New York City (YC, an NCHS reporting jurisdiction) lies in New York State; the territories are
// from FIPS PUB 5-2 (states.csv has the 50 states and DC only).
const EXTRA: Record<string, string> = { YC: '36', AS: '60', GU: '66', MP: '69', PR: '72', VI: '78' };

// Immutable once read (nothing for tests to reset).
let byPostal: Map<string, string> | undefined;

function table(): Map<string, string> {
  byPostal ??= new Map([
    ...readCsvFile(STATES_FILE).map((row): [string, string] => [row.state!, row.state_fips!]),
    ...Object.entries(EXTRA),
  ]);
  return byPostal;
}

/** FIPS state code for a postal code (YC → 36), or null when it is not a US state or territory. */
export function stateFips(postal: string): string | null {
  return table().get(postal.toUpperCase()) ?? null;
}

/** Postal code for a FIPS state code (the states and DC). */
export function postalForStateFips(fips: string): string | null {
  for (const [postal, code] of table()) if (code === fips && postal !== 'YC') return postal;
  return null;
}
