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

/** A template row as strings, the shape readers and the generator exchange before validation. */
export type CertificateRow = Record<CertificateColumn, string> & Partial<Record<CertificateOptionalColumn, string>>;
