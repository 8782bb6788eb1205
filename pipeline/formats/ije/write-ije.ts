/**
 * Writes vigil's codes into the coded fields of an IJE mortality record, what jurisdictions
 * already exchange with NCHS, and reads them back. Every byte outside ACME_UC, EAC and RAC stays
 * as it was. Slot layout as vrdr-dotnet's IJEMortality (MITRE, Apache-2.0) writes it:
 * - ACME_UC (710, 5): underlying cause, undotted, left-aligned, space-padded;
 * - EAC (715, 160): 20 slots of 8 = line (1) position (1) code (5, undotted, left-aligned)
 *   flag (1, `&` for a nature-of-injury / e-code entry, else space);
 * - RAC (876, 100): 20 slots of 5 = code (4, undotted) + pregnancy flag (space: vigil does not
 *   decide "would be underlying without pregnancy").
 */
import type { CodedCertificate, EntityAxisCode, EntityLine } from '../../coding/deaths/types.ts';
import { IJE_RECORD_LENGTH, rawField, replaceField } from './fields.ts';

const SLOTS = 20;
const EAC_SLOT = 8;
const RAC_SLOT = 5;
const ICD10 = /^[A-Z]\d{2}(\.?\d{1,2})?$/;
const LINES: readonly number[] = [1, 2, 3, 4, 6];

export type IjeEntityAxisCode = Omit<EntityAxisCode, 'text'>;

export interface IjeCodes {
  underlyingCause: string | null;
  entityAxis: IjeEntityAxisCode[];
  recordAxis: string[];
}

function undotted(code: string, width: number, what: string): string {
  const bare = code.replace('.', '');
  if (!ICD10.test(code) || bare.length > width) throw new RangeError(`${what} ${JSON.stringify(code)} is not an ICD-10 code of up to ${width} characters undotted`);
  return bare.padEnd(width, ' ');
}

function dotted(code: string): string {
  return code.length > 3 ? `${code.slice(0, 3)}.${code.slice(3)}` : code;
}

function entitySlot({ line, position, code, natureOfInjury }: IjeEntityAxisCode): string {
  if (!LINES.includes(line)) throw new RangeError(`entity-axis line ${line} is not 1-4 or 6`);
  if (!Number.isInteger(position) || position < 1 || position > 9) throw new RangeError(`entity-axis position ${position} on line ${line} is not 1-9`);
  return `${line}${position}${undotted(code, 5, 'entity-axis code')}${natureOfInjury ? '&' : ' '}`;
}

function tooMany(what: string, count: number): RangeError {
  return new RangeError(`${count} ${what} codes: IJE has room for ${SLOTS}`);
}

/** The record with ACME_UC, EAC and RAC set from `coded`; every other character unchanged. */
export function writeIjeCodes(record: string, coded: Pick<CodedCertificate, 'underlyingCause' | 'entityAxis' | 'recordAxis'>): string {
  if (record.length !== IJE_RECORD_LENGTH) throw new RangeError(`the record is ${record.length} characters; an IJE mortality record is 5,000`);
  if (coded.entityAxis.length > SLOTS) throw tooMany('entity-axis', coded.entityAxis.length);
  if (coded.recordAxis.length > SLOTS) throw tooMany('record-axis', coded.recordAxis.length);
  const acme = coded.underlyingCause === null ? ' '.repeat(5) : undotted(coded.underlyingCause, 5, 'underlying cause');
  const eac = coded.entityAxis.map(entitySlot).join('').padEnd(SLOTS * EAC_SLOT, ' ');
  const rac = coded.recordAxis.map((code) => `${undotted(code, 4, 'record-axis code')} `).join('').padEnd(SLOTS * RAC_SLOT, ' ');
  return replaceField(replaceField(replaceField(record, 'ACME_UC', acme), 'EAC', eac), 'RAC', rac);
}

function slots(field: string, width: number): string[] {
  const out: string[] = [];
  for (let at = 0; at < field.length; at += width) out.push(field.slice(at, at + width));
  return out.filter((slot) => slot.trim() !== '');
}

/** The coded fields of a record, codes dotted (`T40.4`); blank slots are skipped. */
export function readIjeCodes(record: string): IjeCodes {
  const acme = rawField(record, 'ACME_UC').trim();
  const entityAxis = slots(rawField(record, 'EAC'), EAC_SLOT).map((slot, i): IjeEntityAxisCode => {
    const match = /^([1-46])([1-9])([A-Z]\d{2}\d{0,2}) *([& ])$/.exec(slot);
    if (!match) throw new RangeError(`EAC slot ${i + 1} ${JSON.stringify(slot)} is not line, position, code and flag`);
    return { line: Number(match[1]) as EntityLine, position: Number(match[2]), code: dotted(match[3]!), natureOfInjury: match[4] === '&' };
  });
  const recordAxis = slots(rawField(record, 'RAC'), RAC_SLOT).map((slot, i) => {
    const match = /^([A-Z]\d{2}\d?) *[ 1]$/.exec(slot);
    if (!match) throw new RangeError(`RAC slot ${i + 1} ${JSON.stringify(slot)} is not a code and pregnancy flag`);
    return dotted(match[1]!);
  });
  return { underlyingCause: acme === '' ? null : dotted(acme), entityAxis, recordAxis };
}
