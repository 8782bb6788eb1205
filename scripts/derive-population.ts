/**
 * Derives vigil's committed reference tables from the public source files in /work/shared/data
 * (US Census Bureau county estimates, CDC NCHS VSRR provisional overdose counts). This script is
 * the only code that reads /work/shared; the project reads its output in pipeline/reference/.
 *
 *   npx tsx scripts/derive-population.ts [shared-data-dir]
 *
 * Writes (each to a temporary file, then renamed): county-population.csv, states.csv,
 * state-overdose-rates.csv. See pipeline/reference/README.md.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { csvLine, readCsvFile } from '../pipeline/formats/csv.ts';

const SHARED = process.argv[2] ?? '/work/shared/data';
const OUT = fileURLToPath(new URL('../pipeline/reference/', import.meta.url));

/** FIPS state code → USPS code (ANSI/FIPS 5-2; 50 states and DC; the estimates carry no territories). */
const USPS: Record<string, string> = {
  '01': 'AL', '02': 'AK', '04': 'AZ', '05': 'AR', '06': 'CA', '08': 'CO', '09': 'CT', '10': 'DE',
  '11': 'DC', '12': 'FL', '13': 'GA', '15': 'HI', '16': 'ID', '17': 'IL', '18': 'IN', '19': 'IA',
  '20': 'KS', '21': 'KY', '22': 'LA', '23': 'ME', '24': 'MD', '25': 'MA', '26': 'MI', '27': 'MN',
  '28': 'MS', '29': 'MO', '30': 'MT', '31': 'NE', '32': 'NV', '33': 'NH', '34': 'NJ', '35': 'NM',
  '36': 'NY', '37': 'NC', '38': 'ND', '39': 'OH', '40': 'OK', '41': 'OR', '42': 'PA', '44': 'RI',
  '45': 'SC', '46': 'SD', '47': 'TN', '48': 'TX', '49': 'UT', '50': 'VT', '51': 'VA', '53': 'WA',
  '54': 'WV', '55': 'WI', '56': 'WY',
};

interface CountyYear {
  fips: string;
  stateFips: string;
  stateName: string;
  countyName: string;
  year: number;
  population: number;
}


function field(row: Record<string, string>, name: string, path: string): string {
  const value = row[name];
  if (value === undefined || value === '') throw new Error(`${path}: missing ${name} for ${row.STATE}${row.COUNTY}`);
  return value;
}

/** County totals (SUMLEV 050) for each POPESTIMATE<year> column of one Census file. */
function countyYears(path: string, years: number[]): { counties: CountyYear[]; states: Map<string, string> } {
  const counties: CountyYear[] = [];
  const states = new Map<string, string>();
  for (const row of readCsvFile(path, 'latin1')) {
    const stateFips = field(row, 'STATE', path);
    if (!USPS[stateFips]) throw new Error(`${path}: state FIPS ${stateFips} has no USPS code in the table`);
    if (row.SUMLEV === '040') states.set(stateFips, field(row, 'STNAME', path));
    if (row.SUMLEV !== '050') continue;
    for (const year of years) {
      const population = Number(field(row, `POPESTIMATE${year}`, path));
      if (!Number.isInteger(population) || population < 0) throw new Error(`${path}: bad population for ${row.STATE}${row.COUNTY} ${year}`);
      counties.push({
        fips: stateFips + field(row, 'COUNTY', path),
        stateFips,
        stateName: field(row, 'STNAME', path),
        countyName: field(row, 'CTYNAME', path),
        year,
        population,
      });
    }
  }
  return { counties, states };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

interface OverdoseRate {
  state: string;
  periodEnding: string;
  deaths: number;
  overdoseDeaths: number;
}

/**
 * VSRR 12-month-ending counts for the latest period every state reports. Overdose counts use the
 * "Predicted Value" (NCHS's adjustment for reporting delays) where given. VSRR reports New York
 * City (YC) apart from the rest of New York (NY); they are summed into NY here.
 */
function overdoseRates(path: string): OverdoseRate[] {
  const rows = readCsvFile(path, 'latin1').filter(
    (r) => r.Indicator === 'Number of Deaths' || r.Indicator === 'Number of Drug Overdose Deaths',
  );
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const period = (r: Record<string, string>) => Number(r.Year) * 100 + months.indexOf(r.Month!) + 1;
  const latest = Math.max(...rows.map(period));
  const byState = new Map<string, OverdoseRate>();
  for (const r of rows.filter((x) => period(x) === latest)) {
    const state = r.State === 'YC' ? 'NY' : r.State!;
    const entry = byState.get(state) ?? { state, periodEnding: `${Math.floor(latest / 100)}-${String(latest % 100).padStart(2, '0')}`, deaths: 0, overdoseDeaths: 0 };
    const value = Number((r['Predicted Value'] || r['Data Value'] || '').replace(/,/g, ''));
    if (!Number.isFinite(value) || value <= 0) throw new Error(`${path}: no value for ${r.State} ${r.Indicator} ${latest}`);
    if (r.Indicator === 'Number of Deaths') entry.deaths += value;
    else entry.overdoseDeaths += value;
    byState.set(state, entry);
  }
  return [...byState.values()];
}

function writeAtomic(name: string, text: string): void {
  const path = OUT + name;
  writeFileSync(path + '.tmp', text);
  renameSync(path + '.tmp', path);
  console.error(`wrote ${path}`);
}

function main(): void {
  const v2019 = countyYears(`${SHARED}/census/co-est2019-alldata.csv`, range(2010, 2019));
  const v2024 = countyYears(`${SHARED}/census/co-est2024-alldata.csv`, range(2020, 2024));
  const rows = [...v2019.counties, ...v2024.counties].sort((a, b) => (a.fips < b.fips ? -1 : a.fips > b.fips ? 1 : a.year - b.year));

  let text = csvLine(['fips', 'state_fips', 'state', 'state_name', 'county_name', 'year', 'population']);
  for (const r of rows) text += csvLine([r.fips, r.stateFips, USPS[r.stateFips], r.stateName, r.countyName, r.year, r.population]);
  writeAtomic('county-population.csv', text);

  const stateNames = new Map([...v2019.states, ...v2024.states]);
  const missing = Object.keys(USPS).filter((f) => !stateNames.has(f));
  if (missing.length > 0) throw new Error(`no state rows for FIPS ${missing.join(', ')}`);
  let states = csvLine(['state_fips', 'state', 'state_name']);
  for (const fips of [...stateNames.keys()].sort()) states += csvLine([fips, USPS[fips], stateNames.get(fips)]);
  writeAtomic('states.csv', states);

  const rates = overdoseRates(`${SHARED}/reference/VSRR_Provisional_Drug_Overdose_Death_Counts_2015-2018.csv`);
  const us = rates.find((r) => r.state === 'US');
  if (!us) throw new Error('VSRR: no US row');
  const year = Number(us.periodEnding.slice(0, 4));
  const popOf = (usps: string) =>
    rows.filter((r) => r.year === year && (usps === 'US' || USPS[r.stateFips] === usps)).reduce((s, r) => s + r.population, 0);
  const usShare = us.overdoseDeaths / us.deaths;
  const usRate = us.deaths / popOf('US');
  let out = csvLine(['state', 'period_ending', 'deaths_12mo', 'overdose_deaths_12mo', 'overdose_pct', 'overdose_share_ratio', 'death_rate_per_100k', 'death_rate_ratio']);
  const states50 = new Set(Object.values(USPS));
  const ordered = rates.filter((r) => states50.has(r.state)).sort((a, b) => (a.state < b.state ? -1 : 1));
  if (ordered.length !== states50.size) throw new Error(`VSRR: ${ordered.length} states, expected ${states50.size}`);
  for (const r of [us, ...ordered]) {
    const share = r.overdoseDeaths / r.deaths;
    const rate = r.deaths / popOf(r.state);
    out += csvLine([r.state, r.periodEnding, r.deaths, r.overdoseDeaths, (share * 100).toFixed(3), (share / usShare).toFixed(4), (rate * 1e5).toFixed(1), (rate / usRate).toFixed(4)]);
  }
  writeAtomic('state-overdose-rates.csv', out);
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
