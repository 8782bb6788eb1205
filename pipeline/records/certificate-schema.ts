/**
 * Validation of a certificate template row (strings) into a Certificate. Every problem is
 * reported with its field, so a vital-statistics office can fix the record it names.
 */
import { z } from 'zod';
import {
  CERTIFICATE_COLUMNS,
  CERTIFICATE_OPTIONAL_COLUMNS,
  MANNERS,
  SEXES,
  type Certificate,
  type CertificateRow,
} from './certificate.ts';

/** Longest literal we accept in one text field; IJE's longest cause line is 120 characters. */
const MAX_TEXT = 2000;

const blankToNull = (value: string) => {
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
};

const text = z.string().max(MAX_TEXT, `longer than ${MAX_TEXT} characters`).transform(blankToNull);

export function isCalendarDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

const optionalDate = z
  .string()
  .transform(blankToNull)
  .refine((value) => value === null || isCalendarDate(value), 'not a calendar date in YYYY-MM-DD form');

const optionalFips = z
  .string()
  .transform(blankToNull)
  .refine((value) => value === null || /^\d{5}$/.test(value), 'not a 5-digit county FIPS code');

const optionalCode = <T extends string>(codes: readonly T[], what: string) =>
  z
    .string()
    .transform((value) => blankToNull(value)?.toUpperCase() ?? null)
    .refine((value) => value === null || (codes as readonly string[]).includes(value), `not a ${what} code (${codes.join(', ')})`)
    .transform((value) => value as T | null);

const rowSchema = z.object({
  certificate_id: z
    .string()
    .transform((value) => value.trim())
    .pipe(z.string().min(1, 'is required').max(64, 'longer than 64 characters')),
  jurisdiction: z
    .string()
    .transform((value) => value.trim().toUpperCase())
    .pipe(z.string().regex(/^[A-Z]{2}$/, 'not a 2-letter jurisdiction code (USPS, or YC for New York City)')),
  death_date: optionalDate,
  age: z
    .string()
    .transform(blankToNull)
    .refine((value) => value === null || (/^\d{1,3}$/.test(value) && Number(value) <= 130), 'not an age in whole years (0-130)')
    .transform((value) => (value === null ? null : Number(value))),
  sex: optionalCode(SEXES, 'sex'),
  residence_county_fips: optionalFips,
  occurrence_county_fips: optionalFips,
  manner: optionalCode(MANNERS, 'manner of death'),
  part1_a: text,
  part1_b: text,
  part1_c: text,
  part1_d: text,
  part2: text,
  how_injury: text,
  interval_a: text,
  interval_b: text,
  interval_c: text,
  interval_d: text,
  injury_date: optionalDate,
  injury_place: text,
  race: text,
  hispanic: text,
  autopsy: text,
  tobacco: text,
  pregnancy: text,
});

export interface FieldError {
  field: string;
  message: string;
}

export type ValidationResult = { ok: true; certificate: Certificate } | { ok: false; errors: FieldError[] };

const EMPTY_OPTIONALS = Object.fromEntries(CERTIFICATE_OPTIONAL_COLUMNS.map((column) => [column, ''])) as Record<
  (typeof CERTIFICATE_OPTIONAL_COLUMNS)[number],
  string
>;

/** Validates one template row; missing optional columns count as blank. */
export function validateCertificateRow(row: CertificateRow): ValidationResult {
  const parsed = rowSchema.safeParse({ ...EMPTY_OPTIONALS, ...row });
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((issue) => ({ field: String(issue.path[0] ?? ''), message: issue.message })),
    };
  }
  const r = parsed.data;
  return {
    ok: true,
    certificate: {
      certificateId: r.certificate_id,
      jurisdiction: r.jurisdiction,
      deathDate: r.death_date,
      age: r.age,
      sex: r.sex,
      residenceCountyFips: r.residence_county_fips,
      occurrenceCountyFips: r.occurrence_county_fips,
      manner: r.manner,
      part1: [r.part1_a, r.part1_b, r.part1_c, r.part1_d],
      part2: r.part2,
      howInjury: r.how_injury,
      intervals: [r.interval_a, r.interval_b, r.interval_c, r.interval_d],
      injuryDate: r.injury_date,
      injuryPlace: r.injury_place,
      race: r.race,
      hispanic: r.hispanic,
      autopsy: r.autopsy,
      tobacco: r.tobacco,
      pregnancy: r.pregnancy,
    },
  };
}

export const REQUIRED_CERTIFICATE_COLUMNS: readonly string[] = CERTIFICATE_COLUMNS;
