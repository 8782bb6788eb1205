/**
 * One IJE mortality record (5,000 characters) to a Certificate, with the metadata that goes beside
 * it: void and replacement flags, year of death (identity = jurisdiction, year, certificate
 * number), the death date's known parts, and the record text (the writer needs it).
 */
import { MANNERS, SEXES, type Certificate } from '../../records/certificate.ts';
import type { FieldError } from '../../records/certificate-schema.ts';
import { fullDate, type DateParts } from './dates.ts';
import { IjeFieldReader } from './field-reader.ts';
import { IJE_RECORD_LENGTH } from './fields.ts';

export interface IjeRecordInfo {
  /** VOID = 1: the record voids the certificate it names. */
  void: boolean;
  /** REPLACE = 1 or 2: an amended record replacing one sent before. */
  replacement: boolean;
  /** DOD_YR; null when 9999 or blank. */
  year: number | null;
  /** DOD_YR/DOD_MO/DOD_DY as known, kept when the full date is not. */
  deathDateParts: DateParts;
  /** The record as read, for writing the coded fields back. */
  text: string;
}

export type IjeReadResult =
  | { ok: true; line: number; certificate: Certificate; ije: IjeRecordInfo }
  | { ok: false; line: number; recordId: string | null; errors: FieldError[] };

// Ages over 130 years are an error, as in the certificate template.
const MAX_AGE = 130;
const AGE_UNITS = ['1', '2', '4', '5', '6', '9'] as const;

function ageInYears(r: IjeFieldReader): number | null {
  const unit = r.code('AGETYPE', AGE_UNITS, 'an age unit');
  const value = r.number('AGE', 'an age', '999');
  if (unit === null || unit === '9' || value === null) return null;
  if (unit === '1') return value <= MAX_AGE ? value : r.fail('AGE', `is not an age in years (0-${MAX_AGE})`);
  // Months, days, hours, minutes: whole years, so under one year is 0.
  return unit === '2' ? Math.floor(value / 12) : unit === '4' ? Math.floor(value / 365) : 0;
}

function certificateNumber(r: IjeFieldReader): string | null {
  const value = r.text('FILENO');
  if (value === null) return r.fail('FILENO', 'is blank: the certificate number is required');
  return /^\d{1,6}$/.test(value) ? value.padStart(6, '0') : r.fail('FILENO', 'is not a certificate number (up to 6 digits)');
}

function jurisdiction(r: IjeFieldReader): string | null {
  const value = r.text('DSTATE')?.toUpperCase() ?? null;
  if (value === null) return r.fail('DSTATE', 'is blank: the state of death is required');
  return /^[A-Z]{2}$/.test(value) ? value : r.fail('DSTATE', 'is not a 2-letter jurisdiction code');
}

export function parseIjeRecord(text: string, line: number): IjeReadResult {
  if (text.length !== IJE_RECORD_LENGTH) {
    const message = `record ${line}: is ${text.length.toLocaleString('en-US')} characters long; an IJE mortality record is 5,000`;
    const id = text.slice(6, 12).trim();
    return { ok: false, line, recordId: /^\d+$/.test(id) ? id : null, errors: [{ field: '', message }] };
  }
  const r = new IjeFieldReader(text, line);
  const certificateId = certificateNumber(r);
  const state = jurisdiction(r);
  const voided = r.code('VOID', ['0', '1'], 'a void flag') === '1';
  const replace = r.code('REPLACE', ['0', '1', '2'], 'a replacement flag');
  const deathDateParts = r.date('DOD_YR', 'DOD_MO', 'DOD_DY');
  const injuryDate = fullDate(r.date('DOI_YR', 'DOI_MO', 'DOI_DY'));
  const partial = {
    age: ageInYears(r),
    sex: r.code('SEX', SEXES, 'a sex'),
    residenceCountyFips: r.county('STATEC', 'COUNTYC'),
    occurrenceCountyFips: r.county('DSTATE', 'COD'),
    manner: r.code('MANNER', MANNERS, 'a manner of death'),
  };
  if (r.errors.length > 0 || certificateId === null || state === null) {
    return { ok: false, line, recordId: certificateId, errors: r.errors };
  }
  const certificate: Certificate = {
    certificateId,
    jurisdiction: state,
    deathDate: fullDate(deathDateParts),
    ...partial,
    part1: [r.text('COD1A'), r.text('COD1B'), r.text('COD1C'), r.text('COD1D')],
    part2: r.text('OTHERCONDITION'),
    howInjury: r.text('HOWINJ'),
    intervals: [r.text('INTERVAL1A'), r.text('INTERVAL1B'), r.text('INTERVAL1C'), r.text('INTERVAL1D')],
    injuryDate,
    injuryPlace: r.text('POILITRL'),
    race: null,
    hispanic: null,
    autopsy: null,
    tobacco: null,
    pregnancy: null,
  };
  const ije: IjeRecordInfo = {
    void: voided,
    replacement: replace === '1' || replace === '2',
    year: deathDateParts.year,
    deathDateParts,
    text,
  };
  return { ok: true, line, certificate, ije };
}
