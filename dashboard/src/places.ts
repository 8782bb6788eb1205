// Places: state FIPS → name (from pipeline/reference/states.csv, US Census Bureau codes), 'US' →
// United States, and the geography levels of a code. Bundled: the page reads nothing at run time
// to name a state (county names come with the map's topology).
const STATE_NAMES: Readonly<Record<string, string>> = { '01': 'Alabama', '02': 'Alaska', '04': 'Arizona', '05': 'Arkansas', '06': 'California', '08': 'Colorado', '09': 'Connecticut', '10': 'Delaware', '11': 'District of Columbia', '12': 'Florida', '13': 'Georgia', '15': 'Hawaii', '16': 'Idaho', '17': 'Illinois', '18': 'Indiana', '19': 'Iowa', '20': 'Kansas', '21': 'Kentucky', '22': 'Louisiana', '23': 'Maine', '24': 'Maryland', '25': 'Massachusetts', '26': 'Michigan', '27': 'Minnesota', '28': 'Mississippi', '29': 'Missouri', '30': 'Montana', '31': 'Nebraska', '32': 'Nevada', '33': 'New Hampshire', '34': 'New Jersey', '35': 'New Mexico', '36': 'New York', '37': 'North Carolina', '38': 'North Dakota', '39': 'Ohio', '40': 'Oklahoma', '41': 'Oregon', '42': 'Pennsylvania', '44': 'Rhode Island', '45': 'South Carolina', '46': 'South Dakota', '47': 'Tennessee', '48': 'Texas', '49': 'Utah', '50': 'Vermont', '51': 'Virginia', '53': 'Washington', '54': 'West Virginia', '55': 'Wisconsin', '56': 'Wyoming' };

export const NATION = 'US';

export type Level = 'nation' | 'state' | 'county';

/** State FIPS codes, ordered by state name. */
export const STATES: readonly string[] = Object.keys(STATE_NAMES).sort((a, b) => STATE_NAMES[a]!.localeCompare(STATE_NAMES[b]!));

export function isState(code: string): boolean {
  return code in STATE_NAMES;
}

/** 'US', a known state's 2-digit FIPS, or a 5-digit county FIPS within a known state. */
export function isPlace(code: string): boolean {
  return code === NATION || isState(code) || (/^\d{5}$/.test(code) && isState(code.slice(0, 2)));
}

export function levelOf(code: string): Level {
  if (code === NATION) return 'nation';
  return code.length === 2 ? 'state' : 'county';
}

/** The state a county is in; the state itself for a state; null for the nation. */
export function stateOf(code: string): string | null {
  return code === NATION ? null : code.slice(0, 2);
}

/** The places from the nation down to `code`: ['US'], ['US', '24'] or ['US', '24', '24510']. */
export function pathTo(code: string): string[] {
  if (code === NATION) return [NATION];
  if (code.length === 2) return [NATION, code];
  return [NATION, code.slice(0, 2), code];
}

/** A state's or the nation's name; a county's code unless `countyName` knows it. */
export function placeName(code: string, countyName?: (fips: string) => string | undefined): string {
  if (code === NATION) return 'United States';
  if (code.length === 2) return STATE_NAMES[code] ?? code;
  return countyName?.(code) ?? `county ${code}`;
}
