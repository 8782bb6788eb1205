/**
 * The places a report can be for: the nation, a state (2-digit FIPS) or a county (5-digit FIPS),
 * named from the committed reference tables (pipeline/reference/states.csv and
 * county-population.csv, US Census Bureau). Read once when the routes are built.
 */
import fs from 'node:fs';
import path from 'node:path';
import { COUNTY_POPULATION_FILE } from '../../pipeline/store/reference-data.ts';

export type PlaceLevel = 'nation' | 'state' | 'county';

export interface Place {
  level: PlaceLevel;
  /** The geography code the aggregates use: 'US', '39' or '39035'. */
  code: string;
  /** "United States", "Ohio", "Franklin County, Ohio". */
  name: string;
  /** County FIPS prefix of the place: '' (every county), '39', '39035'. */
  prefix: string;
  /** The state of a state or county; null for the nation. */
  state: { code: string; name: string; usps: string } | null;
}

export interface County {
  fips: string;
  /** "Franklin County". */
  name: string;
}

export class Places {
  private readonly states = new Map<string, { name: string; usps: string }>();
  private readonly counties = new Map<string, County>();

  constructor(statesCsv: string, countyPopulationCsv: string) {
    for (const line of statesCsv.split('\n').slice(1)) {
      const [fips, usps, name] = line.trim().split(',');
      if (fips && usps && name) this.states.set(fips, { name, usps });
    }
    // One row per county and year, sorted by year: the last row has the newest name.
    for (const line of countyPopulationCsv.split('\n').slice(1)) {
      const [fips, stateFips, , , name] = line.split(',');
      if (fips && stateFips && name && this.states.has(stateFips)) this.counties.set(fips, { fips, name });
    }
  }

  static load(): Places {
    const directory = path.dirname(COUNTY_POPULATION_FILE);
    return new Places(fs.readFileSync(path.join(directory, 'states.csv'), 'utf8'), fs.readFileSync(COUNTY_POPULATION_FILE, 'utf8'));
  }

  /** The place a `place` parameter names, or a reason it names none. */
  resolve(value: string): Place | { error: string } {
    if (value === 'nation') return { level: 'nation', code: 'US', name: 'United States', prefix: '', state: null };
    if (/^\d{2}$/.test(value)) {
      const state = this.states.get(value);
      if (!state) return { error: 'not the FIPS code of a state or DC' };
      return { level: 'state', code: value, name: state.name, prefix: value, state: { code: value, ...state } };
    }
    if (/^\d{5}$/.test(value)) {
      const county = this.counties.get(value);
      const state = this.states.get(value.slice(0, 2));
      if (!county || !state) return { error: 'not the FIPS code of a county in the Census population estimates' };
      return { level: 'county', code: value, name: `${county.name}, ${state.name}`, prefix: value, state: { code: value.slice(0, 2), ...state } };
    }
    return { error: 'expected "nation", a 2-digit state FIPS code or a 5-digit county FIPS code' };
  }

  stateName(code: string): string {
    return this.states.get(code)?.name ?? code;
  }

  /** Every state and DC, by FIPS code. */
  stateCodes(): string[] {
    return [...this.states.keys()].sort();
  }

  /** "Franklin County" for a county, the state's name for a state, "United States" for 'US'. */
  areaName(code: string): string {
    if (code === 'US') return 'United States';
    if (code.length === 2) return this.stateName(code);
    return this.counties.get(code)?.name ?? code;
  }
}
