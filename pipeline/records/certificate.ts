/**
 * A death certificate as vigil holds it, whatever format it arrived in (CSV template, IJE, VRDR).
 * Field names follow the certificate CSV template in DESIGN.md, which is a contract: uploaders
 * and the evaluation sets use it.
 */

/** The template's required header, in order. */
export const CERTIFICATE_COLUMNS = [
  'certificate_id',
  'jurisdiction',
  'death_date',
  'age',
  'sex',
  'residence_county_fips',
  'occurrence_county_fips',
  'manner',
  'part1_a',
  'part1_b',
  'part1_c',
  'part1_d',
  'part2',
  'how_injury',
] as const;

/** Optional columns the template may carry after the required ones. */
export const CERTIFICATE_OPTIONAL_COLUMNS = [
  'interval_a',
  'interval_b',
  'interval_c',
  'interval_d',
  'injury_date',
  'injury_place',
  'race',
  'hispanic',
  'autopsy',
  'tobacco',
  'pregnancy',
] as const;

export type CertificateColumn = (typeof CERTIFICATE_COLUMNS)[number];
export type CertificateOptionalColumn = (typeof CERTIFICATE_OPTIONAL_COLUMNS)[number];

/** Manner of death codes (NCHS): N natural, A accident, S suicide, H homicide, P pending, C could not be determined. */
export const MANNERS = ['N', 'A', 'S', 'H', 'P', 'C'] as const;
export type Manner = (typeof MANNERS)[number];

export const SEXES = ['M', 'F', 'U'] as const;
export type Sex = (typeof SEXES)[number];

/** A validated certificate. Text fields are as the certifier wrote them; empty text is null. */
export interface Certificate {
  certificateId: string;
  /** Two-letter postal code of the reporting jurisdiction (YC = New York City, as in IJE). */
  jurisdiction: string;
  /** YYYY-MM-DD, or null when the source does not give it. */
  deathDate: string | null;
  /** Age in whole years; null when unknown. */
  age: number | null;
  sex: Sex | null;
  residenceCountyFips: string | null;
  occurrenceCountyFips: string | null;
  /** null when the certificate does not state a manner. */
  manner: Manner | null;
  part1: [string | null, string | null, string | null, string | null];
  part2: string | null;
  howInjury: string | null;
  intervals: [string | null, string | null, string | null, string | null];
  injuryDate: string | null;
  injuryPlace: string | null;
  race: string | null;
  hispanic: string | null;
  autopsy: string | null;
  tobacco: string | null;
  pregnancy: string | null;
}

/** A certificate that says who it is and nothing else (a VRDR void; what the death coder's key leaves out). */
export function certificateWithIdentityOnly(certificateId: string, jurisdiction: string): Certificate {
  return {
    certificateId,
    jurisdiction,
    deathDate: null,
    age: null,
    sex: null,
    residenceCountyFips: null,
    occurrenceCountyFips: null,
    manner: null,
    part1: [null, null, null, null],
    part2: null,
    howInjury: null,
    intervals: [null, null, null, null],
    injuryDate: null,
    injuryPlace: null,
    race: null,
    hispanic: null,
    autopsy: null,
    tobacco: null,
    pregnancy: null,
  };
}

/** A template row as strings, the shape readers and the generator exchange before validation. */
export type CertificateRow = Record<CertificateColumn, string> & Partial<Record<CertificateOptionalColumn, string>>;

/**
 * A certificate in the template's column names, keys always in the same order (the loader hashes
 * its JSON text to recognise unchanged records). Age stays a number; blanks are null.
 */
export function certificateToRow(c: Certificate) {
  return {
    certificate_id: c.certificateId,
    jurisdiction: c.jurisdiction,
    death_date: c.deathDate,
    age: c.age,
    sex: c.sex,
    residence_county_fips: c.residenceCountyFips,
    occurrence_county_fips: c.occurrenceCountyFips,
    manner: c.manner,
    part1_a: c.part1[0],
    part1_b: c.part1[1],
    part1_c: c.part1[2],
    part1_d: c.part1[3],
    part2: c.part2,
    how_injury: c.howInjury,
    interval_a: c.intervals[0],
    interval_b: c.intervals[1],
    interval_c: c.intervals[2],
    interval_d: c.intervals[3],
    injury_date: c.injuryDate,
    injury_place: c.injuryPlace,
    race: c.race,
    hispanic: c.hispanic,
    autopsy: c.autopsy,
    tobacco: c.tobacco,
    pregnancy: c.pregnancy,
  };
}
