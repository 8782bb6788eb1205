/**
 * A VRDR death certificate document (a Bundle of type document) to a Certificate. Two passes: the
 * structure and identity first (Composition first, a Patient, coded Observations, no STU1 cause
 * Conditions, certificate number, jurisdiction), then the values; each pass reports every
 * problem it finds at once.
 */
import type { Certificate } from '../../records/certificate.ts';
import { fullDate, type DateParts } from '../ije/dates.ts';
import { observationDate } from './dates.ts';
import { child, codes, conceptText, items, Problems, resourceType, str, type Node } from './fhir-json.ts';
import { bundleIdentity } from './identity.ts';
import { age, injuryPlace, LOINC, manner, partOneLine, sex } from './observations.ts';
import { addressCountyFips, locationJurisdiction, residenceAddress } from './places.ts';

export interface DeathDocument {
  certificate: Certificate;
  /** Year of death: from the death date, else from the NCHS identifier. */
  year: number | null;
  deathDateParts: DateParts;
}

function isDeathLocation(resource: Node): boolean {
  if (resourceType(resource) !== 'Location') return false;
  const profiles = items(child(child(resource, 'meta'), 'profile')).map((p) => str(p)?.toLowerCase() ?? '');
  return profiles.some((p) => p.endsWith('/vrdr-death-location')) || items(child(resource, 'type')).some((t) => codes(t).includes('death'));
}

function structure(bundle: Node, problems: Problems) {
  const entries = items(child(bundle, 'entry'));
  const resources = entries.map((entry) => child(entry, 'resource'));
  if (resources.length === 0) problems.add(child(bundle, 'entry'), 'the document has no entries');
  else if (resourceType(resources[0]!) !== 'Composition') {
    problems.add(resources[0]!, `the first entry of a document must be the Composition, found ${resourceType(resources[0]!) ?? 'no resource'}`);
  }
  const patient = resources.find((r) => resourceType(r) === 'Patient');
  if (!patient && resources.length > 0) problems.add(child(bundle, 'entry'), 'no Patient resource (the decedent)');
  const conditions = resources.filter((r) => resourceType(r) === 'Condition');
  if (conditions.length > 0) {
    // Reading them would need STU1's pathway List; ignoring them would silently drop the causes.
    problems.add(conditions[0]!, `${conditions.length} Condition resource(s): causes of death as Conditions are VRDR STU1; vigil reads VRDR STU2 and later, where they are Observations (LOINC 69453-9, 69441-4)`);
  }
  const observations = resources.filter((r) => resourceType(r) === 'Observation');
  for (const observation of observations) {
    if (codes(child(observation, 'code')).length === 0) problems.add(child(observation, 'code'), 'the Observation has no code');
  }
  const composition = resources.find((r) => resourceType(r) === 'Composition');
  const identity = bundleIdentity(bundle, problems, composition);
  const location = resources.find(isDeathLocation);
  const before = problems.list.length;
  const jurisdiction = (location && locationJurisdiction(location, problems)) ?? identity.nchs?.jurisdiction ?? null;
  if (jurisdiction === null && problems.list.length === before) {
    problems.add(child(bundle, 'identifier'), 'no jurisdiction of death: expected Location-Jurisdiction-Id on the death Location, or an NCHS identifier YYYYJJNNNNNN');
  }
  problems.check();
  return { patient: patient!, observations, location, identity, jurisdiction: jurisdiction!, certificateNumber: identity.certificateNumber! };
}

/** The observations with one of `loinc`; a problem for each beyond the first unless `many`. */
function find(observations: Node[], loinc: readonly string[], what: string, problems: Problems, many = false): Node[] {
  const found = observations.filter((o) => codes(child(o, 'code')).some((code) => loinc.includes(code)));
  if (!many) for (const extra of found.slice(1)) problems.add(extra, `a second ${what} observation (the first is ${found[0]!.path})`);
  return found;
}

export function readDeathDocument(bundle: Node): DeathDocument {
  const problems = new Problems();
  const { patient, observations, location, identity, jurisdiction, certificateNumber } = structure(bundle, problems);
  const one = (loinc: readonly string[], what: string) => find(observations, loinc, what, problems)[0];
  const deathDate = one(LOINC.deathDate, 'date of death');
  const deathDateParts = deathDate ? observationDate(deathDate, 'valueDateTime', problems) : { year: null, month: null, day: null };
  const injury = one(LOINC.injury, 'injury incident');
  const part2 = one(LOINC.part2, 'Part II');
  const part1: Certificate['part1'] = [null, null, null, null];
  const intervals: Certificate['intervals'] = [null, null, null, null];
  const seen = new Map<number, string>();
  for (const observation of find(observations, LOINC.part1, 'Part I', problems, true)) {
    const line = partOneLine(observation, problems);
    if (line === null) continue;
    const earlier = seen.get(line.line);
    if (earlier !== undefined) problems.add(observation, `a second Part I line ${line.line} (the first is ${earlier})`);
    seen.set(line.line, observation.path);
    part1[line.line - 1] = line.text;
    intervals[line.line - 1] = line.interval;
  }
  const certificate: Certificate = {
    certificateId: certificateNumber,
    jurisdiction,
    deathDate: fullDate(deathDateParts),
    age: age(one(LOINC.age, 'age'), problems),
    sex: sex(patient, problems),
    residenceCountyFips: addressCountyFips(residenceAddress(patient), problems),
    occurrenceCountyFips: location ? addressCountyFips(child(location, 'address'), problems) : null,
    manner: manner(one(LOINC.manner, 'manner of death'), problems),
    part1,
    part2: part2 ? conceptText(part2) : null,
    howInjury: injury ? conceptText(injury) : null,
    intervals,
    injuryDate: injury ? fullDate(observationDate(injury, 'effectiveDateTime', problems)) : null,
    injuryPlace: injury ? injuryPlace(injury) : null,
    race: null,
    hispanic: null,
    autopsy: null,
    tobacco: null,
    pregnancy: null,
  };
  problems.check();
  return { certificate, year: deathDateParts.year ?? identity.nchs?.year ?? null, deathDateParts };
}
