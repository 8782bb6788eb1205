/**
 * Reads typed values out of one IJE record, collecting every problem with the record number,
 * field name and start position, e.g. `record 3: DOD_MO (position 237) "13" is not a month`.
 */
import type { FieldError } from '../../records/certificate-schema.ts';
import { datePartsProblem, type DateParts } from './dates.ts';
import { ijeField, rawField, type IjeFieldName } from './fields.ts';
import { stateFips } from './jurisdictions.ts';

export class IjeFieldReader {
  readonly errors: FieldError[] = [];

  constructor(
    private readonly record: string,
    private readonly line: number,
  ) {}

  fail(name: IjeFieldName, problem: string): null {
    if (this.errors.some((e) => e.field === name)) return null; // DSTATE serves two readings
    const shown = rawField(this.record, name).trim();
    const value = shown === '' ? '' : `${JSON.stringify(shown)} `;
    this.errors.push({ field: name, message: `record ${this.line}: ${name} (position ${ijeField(name).start}) ${value}${problem}` });
    return null;
  }

  /** Trimmed text; null when blank. */
  text(name: IjeFieldName): string | null {
    const value = rawField(this.record, name).trim();
    return value === '' ? null : value;
  }

  /** One of `codes` (upper-cased); null when blank. `what` has its article: 'a sex'. */
  code<T extends string>(name: IjeFieldName, codes: readonly T[], what: string): T | null {
    const value = this.text(name)?.toUpperCase() ?? null;
    if (value === null) return null;
    if ((codes as readonly string[]).includes(value)) return value as T;
    return this.fail(name, `is not ${what} code (${codes.join(', ')})`);
  }

  /**
   * A whole number of at least `digits` digits; null when blank or the `unknown` value. Padding is
   * not insisted on: some systems write months left-aligned (`7 `), which is not ambiguous.
   */
  number(name: IjeFieldName, what: string, unknown: string | null, digits = 1): number | null {
    const value = rawField(this.record, name).trim();
    if (value === '' || value === unknown) return null;
    if (!/^\d+$/.test(value) || value.length < digits) return this.fail(name, `is not ${what}`);
    return Number(value);
  }

  /** Year, month and day fields; 99 / 9999 (or blank) is an unknown part. */
  date(yearField: IjeFieldName, monthField: IjeFieldName, dayField: IjeFieldName): DateParts {
    const parts: DateParts = {
      year: this.number(yearField, 'a year', '9999', 4),
      month: this.number(monthField, 'a month', '99'),
      day: this.number(dayField, 'a day', '99'),
    };
    const problem = datePartsProblem(parts);
    if (problem === null) return parts;
    this.fail(problem === 'is not a month' ? monthField : dayField, problem);
    return { year: parts.year, month: null, day: null };
  }

  /**
   * 5-digit county FIPS from a state postal code and a 3-digit county code. Null when either is
   * blank or the place is not a US state or territory (ZZ unknown, Canadian provinces, XX).
   * County 999 (unknown) and 000 (other) are kept: the state is still known.
   */
  county(stateField: IjeFieldName, countyField: IjeFieldName): string | null {
    const state = this.text(stateField)?.toUpperCase() ?? null;
    const county = this.text(countyField);
    if (state !== null && !/^[A-Z]{2}$/.test(state)) return this.fail(stateField, 'is not a 2-letter state code');
    if (county !== null && !/^\d{3}$/.test(county)) return this.fail(countyField, 'is not a 3-digit county code');
    const fips = state === null ? null : stateFips(state);
    return fips === null || county === null ? null : fips + county;
  }
}
