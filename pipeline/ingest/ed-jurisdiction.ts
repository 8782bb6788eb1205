/**
 * Which ED visits a jurisdiction's batch may hold. An ED record names no facility state (facility
 * ids are NPIs or local codes), so a visit belongs to the state of the patient's county of
 * residence, which is also where vigil counts it (ED series, aggregates and alerts are by
 * residence): a jurisdiction's uploader, or its inbox folder, changes only its own jurisdiction's
 * ED series. Visits of other states' residents, and visits without a county, are loaded by an
 * admin or through the shared inbox.
 */
import { postalForStateFips, stateFips } from '../formats/ije/jurisdictions.ts';

// New York City (YC) is an NCHS jurisdiction of its own, apart from New York State (NY): the
// counties of its five boroughs.
const NYC_COUNTIES = new Set(['36005', '36047', '36061', '36081', '36085']);

function jurisdictionOfCounty(countyFips: string): string | null {
  if (NYC_COUNTIES.has(countyFips)) return 'YC';
  return postalForStateFips(countyFips.slice(0, 2));
}

/** Why a visit may not be in a batch for `jurisdiction`, or null when it may. */
export function edJurisdictionProblem(patientCountyFips: string | null, jurisdiction: string): string | null {
  const residentsOnly = `this batch may hold ${jurisdiction} residents' visits only`;
  if (patientCountyFips === null) return `no patient county: ${residentsOnly}, and this visit names no county of residence`;
  const residence = jurisdictionOfCounty(patientCountyFips);
  if (residence === jurisdiction) return null;
  const where = residence ?? (stateFips(jurisdiction) === null ? 'another state' : `state FIPS ${patientCountyFips.slice(0, 2)}`);
  return `the patient lives in ${where} (county ${patientCountyFips}); ${residentsOnly}`;
}
