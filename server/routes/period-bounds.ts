/**
 * The from/to bounds of a range as the API takes them (aggregates, alerts, the line list): a
 * month YYYY-MM (from: its first day; to: its last) or a day YYYY-MM-DD, both inclusive; turned
 * into the [first day, day after the last) range the SQL reads.
 */
import { z } from 'zod';
import { HttpError } from '../errors.ts';

const BOUND = /^\d{4}-(0[1-9]|1[0-2])(-(0[1-9]|[12]\d|3[01]))?$/;

/** An optional from/to parameter, described, with the example the OpenAPI document shows. */
export function boundParameter(description: string, example: string) {
  return z.string().regex(BOUND, 'expected a month as YYYY-MM or a day as YYYY-MM-DD').optional().describe(description).meta({ examples: [example] });
}

function isCalendarDay(day: string): boolean {
  const date = new Date(`${day}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === day;
}

/** A from/to bound as the first day it covers (from) or the day after the last (to); 400 for a day that does not exist. */
export function dayOf(name: 'from' | 'to', value: string): string {
  if (value.length === 7) {
    if (name === 'from') return `${value}-01`;
    const [year, month] = value.split('-').map(Number) as [number, number];
    return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
  }
  if (!isCalendarDay(value)) throw new HttpError(400, `invalid ${name}: ${JSON.stringify(value)} (not a calendar day)`);
  if (name === 'from') return value;
  return new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** [from, to) of the given bounds, each defaulting as given; 400 when from is not before to. */
export function dayRange(bounds: { from?: string | undefined; to?: string | undefined }, defaults: { from: string; to: string }): { from: string; to: string } {
  const from = bounds.from === undefined ? defaults.from : dayOf('from', bounds.from);
  const to = bounds.to === undefined ? defaults.to : dayOf('to', bounds.to);
  if (from >= to) throw new HttpError(400, `invalid from: ${JSON.stringify(bounds.from ?? from)} is after to ${JSON.stringify(bounds.to ?? to)}`);
  return { from, to };
}
