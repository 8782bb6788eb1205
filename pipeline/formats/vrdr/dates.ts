/**
 * Dates in VRDR: a FHIR dateTime (`2020-11-12`, `2020-11`, `2020-11-12T16:39:40-05:00`), or the
 * VRDR PartialDateTime / PartialDate extension on `_valueDateTime`, whose Date-Year, Date-Month
 * and Date-Day parts each carry a value or a data-absent-reason.
 */
import { datePartsProblem, UNKNOWN_DATE, type DateParts } from '../ije/dates.ts';
import { child, items, str, VRDR, type Node, type Problems } from './fhir-json.ts';

// The calendar date is the one written, before any time zone: a death at 23:30-05:00 is that day.
const DATE_TIME = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?$/;

// Null prototype: URLs come from the file (`constructor` must not be a part).
const PART_URLS: Record<string, keyof DateParts | 'time'> = Object.assign(Object.create(null), {
  [`${VRDR}Date-Year`]: 'year',
  [`${VRDR}Date-Month`]: 'month',
  [`${VRDR}Date-Day`]: 'day',
  [`${VRDR}Date-Time`]: 'time',
});
const PARTIAL_URLS = [`${VRDR}PartialDateTime`, `${VRDR}PartialDate`];

function checked(parts: DateParts, at: Node, problems: Problems): DateParts {
  if (datePartsProblem(parts) === null) return parts;
  const shown = [parts.year, parts.month, parts.day].map((p, i) => (p === null ? '?'.repeat(i === 0 ? 4 : 2) : String(p).padStart(i === 0 ? 4 : 2, '0')));
  return (problems.add(at, `${shown.join('-')} is not a calendar date`), UNKNOWN_DATE);
}

/** A FHIR date or dateTime string into its parts. */
export function dateTimeParts(node: Node, problems: Problems): DateParts {
  if (node.value === undefined) return UNKNOWN_DATE;
  const text = typeof node.value === 'string' ? node.value : null;
  if (text === null) return (problems.add(node, `expected a dateTime string, found ${describe(node.value)}`), UNKNOWN_DATE);
  const match = DATE_TIME.exec(text.trim());
  if (!match) return (problems.add(node, `${JSON.stringify(text)} is not a FHIR dateTime`), UNKNOWN_DATE);
  const part = (i: number) => (match[i] === undefined ? null : Number(match[i]));
  return checked({ year: part(1), month: part(2), day: part(3) }, node, problems);
}

/** The parts of a PartialDateTime / PartialDate extension on `holder` (e.g. `_valueDateTime`). */
export function partialDateParts(holder: Node, problems: Problems): DateParts | null {
  const partial = items(child(holder, 'extension')).find((ext) => PARTIAL_URLS.includes(str(child(ext, 'url')) ?? ''));
  if (!partial) return null;
  const parts: DateParts = { ...UNKNOWN_DATE };
  for (const ext of items(child(partial, 'extension'))) {
    const url = str(child(ext, 'url')) ?? '';
    const key = PART_URLS[url];
    if (key === undefined) {
      problems.add(child(ext, 'url'), `${JSON.stringify(url)} is not a part of a partial date (Date-Year, Date-Month, Date-Day, Date-Time)`);
      continue;
    }
    if (key === 'time') continue;
    const value = child(ext, 'valueUnsignedInt');
    if (value.value === undefined) continue; // absent: a data-absent-reason says why
    if (!Number.isInteger(value.value) || (value.value as number) < 0) problems.add(value, `${JSON.stringify(value.value)} is not a whole number`);
    else parts[key] = value.value as number;
  }
  return checked(parts, partial, problems);
}

/** `value[x]` as a dateTime: the string if given, else the partial-date extension. */
export function observationDate(observation: Node, key: 'valueDateTime' | 'effectiveDateTime', problems: Problems): DateParts {
  const value = child(observation, key);
  if (value.value !== undefined) return dateTimeParts(value, problems);
  return partialDateParts(child(observation, `_${key}`), problems) ?? UNKNOWN_DATE;
}

function describe(value: unknown): string {
  return Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
