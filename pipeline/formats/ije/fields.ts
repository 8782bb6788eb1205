/**
 * Field access by name on a 5,000-character IJE mortality record, from the generated layout.
 */
import { IJE_MORTALITY_FIELDS } from './layout.ts';

export const IJE_RECORD_LENGTH = 5000;

export type IjeFieldName = (typeof IJE_MORTALITY_FIELDS)[number][0];

export interface IjeField {
  name: IjeFieldName;
  /** 1-based position of the first character. */
  start: number;
  length: number;
  description: string;
}

const BY_NAME = new Map<string, IjeField>(
  IJE_MORTALITY_FIELDS.map(([name, start, length, description]) => [name, { name, start, length, description }]),
);

export function ijeField(name: IjeFieldName): IjeField {
  return BY_NAME.get(name)!;
}

/** The field's characters exactly as they stand in the record. */
export function rawField(record: string, name: IjeFieldName): string {
  const { start, length } = ijeField(name);
  return record.slice(start - 1, start - 1 + length);
}

/** Returns the record with one field replaced; `value` must be exactly the field's length. */
export function replaceField(record: string, name: IjeFieldName, value: string): string {
  const { start, length } = ijeField(name);
  if (value.length !== length) throw new RangeError(`${name} is ${length} characters; got ${value.length}`);
  return record.slice(0, start - 1) + value + record.slice(start - 1 + length);
}
