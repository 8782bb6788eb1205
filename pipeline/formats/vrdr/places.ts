/**
 * Where: county FIPS from a VRDR address (state + DistrictCode extension on `_district`), and the
 * jurisdiction of death from the death Location, where vrdr-dotnet looks for it: the
 * Location-Jurisdiction-Id extension on `address._state` (STU2 and later; YC for New York City),
 * or on the Location itself with a FIPS-coded value (the older layout some samples keep).
 */
import { postalForStateFips, stateFips } from '../ije/jurisdictions.ts';
import { child, codes, extension, items, str, VRDR, type Node, type Problems } from './fhir-json.ts';

const JURISDICTION = `${VRDR}Location-Jurisdiction-Id`;
const POSTAL = /^[A-Z]{2}$/;

/** A 3-digit county code from DistrictCode (positiveInt or digit string); null when absent. */
function districtCode(address: Node, problems: Problems): string | null {
  const ext = extension(child(address, '_district'), `${VRDR}DistrictCode`);
  if (!ext) return null;
  const value = [child(ext, 'valuePositiveInt'), child(ext, 'valueString'), child(ext, 'valueInteger')].find((v) => v.value !== undefined);
  if (!value) return null;
  const text = typeof value.value === 'number' ? String(value.value) : typeof value.value === 'string' ? value.value.trim() : '';
  if (!/^\d{1,3}$/.test(text)) return problems.add(value, `${JSON.stringify(value.value)} is not a 3-digit county code`);
  return text.padStart(3, '0');
}

/** 5-digit county FIPS of an address, or null when the state or county code is not given. */
export function addressCountyFips(address: Node, problems: Problems): string | null {
  const county = districtCode(address, problems);
  const state = str(child(address, 'state'))?.toUpperCase() ?? null;
  const fips = state === null ? null : stateFips(state);
  return fips === null || county === null ? null : fips + county;
}

/** The decedent's residence: the Patient's home address, else its first. */
export function residenceAddress(patient: Node): Node {
  const addresses = items(child(patient, 'address'));
  return addresses.find((a) => str(child(a, 'use')) === 'home') ?? addresses[0] ?? { value: undefined, path: `${patient.path}.address` };
}

function jurisdictionFromConcept(concept: Node, problems: Problems): string | null {
  for (const code of codes(concept)) {
    const postal = /^\d{2}$/.test(code) ? postalForStateFips(code) : code.toUpperCase();
    if (postal !== null && POSTAL.test(postal)) return postal;
  }
  for (const coding of items(child(concept, 'coding'))) {
    const display = str(child(coding, 'display'))?.toUpperCase();
    if (display && POSTAL.test(display)) return display;
  }
  return problems.add(concept, 'no jurisdiction code (a 2-letter postal code or FIPS state code)');
}

/** The jurisdiction of death written on the death Location, or null when it carries none. */
export function locationJurisdiction(location: Node, problems: Problems): string | null {
  const onState = extension(child(child(location, 'address'), '_state'), JURISDICTION);
  const ext = onState ?? extension(location, JURISDICTION);
  if (!ext) return null;
  const text = child(ext, 'valueString');
  if (text.value !== undefined) {
    const value = str(text)?.toUpperCase() ?? '';
    return POSTAL.test(value) ? value : problems.add(text, `${JSON.stringify(text.value)} is not a 2-letter jurisdiction code`);
  }
  return jurisdictionFromConcept(child(ext, 'valueCodeableConcept'), problems);
}
