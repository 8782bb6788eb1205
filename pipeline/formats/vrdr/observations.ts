/**
 * The Observations of a VRDR death certificate document that vigil reads, found by LOINC code
 * (FORMATS.md), and their values: age, manner, cause-of-death lines, injury, and the decedent's
 * sex. Every value read is checked; a wrong one is a located problem, never a silent blank.
 */
import type { Manner, Sex } from '../../records/certificate.ts';
import { child, codes, component, conceptText, extension, items, str, VRDR, type Node, type Problems } from './fhir-json.ts';

export const LOINC = {
  age: ['39016-1', '30525-0'], // 30525-0 is the age code of VRDR STU1, which older samples keep
  deathDate: ['81956-5'],
  manner: ['69449-7'],
  part1: ['69453-9'],
  part2: ['69441-4'],
  injury: ['11374-6'],
  interval: '69440-6',
  injuryPlace: '69450-5',
} as const;

// SNOMED CT manner-of-death codes, as vrdr-dotnet maps IJE MANNER (FORMATS.md).
// Null-prototype tables: codes come from the file, and `__proto__` or `constructor` must not be found.
const MANNER_BY_SNOMED: Record<string, Manner> = Object.assign(Object.create(null), {
  '38605008': 'N',
  '7878000': 'A',
  '44301001': 'S',
  '27935005': 'H',
  '185973002': 'P',
  '65037004': 'C',
});
const MANNER_CODES = '38605008 natural, 7878000 accident, 44301001 suicide, 27935005 homicide, 185973002 pending, 65037004 undetermined';

// UCUM units of the age quantity, as years per unit (under one year is age 0).
const YEARS_PER_UNIT: Record<string, number> = Object.assign(Object.create(null), { a: 1, mo: 12, wk: 52, d: 365, h: 8766, min: 525960 });
const MAX_AGE = 130;

export function age(observation: Node | undefined, problems: Problems): number | null {
  if (!observation) return null;
  const quantity = child(observation, 'valueQuantity');
  const value = child(quantity, 'value');
  if (value.value === undefined) return null;
  const unit = str(child(quantity, 'code'));
  const perYear = unit === null ? undefined : YEARS_PER_UNIT[unit];
  if (typeof value.value !== 'number' || value.value < 0) return problems.add(value, `${JSON.stringify(value.value)} is not an age`);
  if (perYear === undefined) return problems.add(child(quantity, 'code'), `${JSON.stringify(unit)} is not an age unit (UCUM a, mo, wk, d, h, min)`);
  const years = Math.floor(value.value / perYear);
  return years <= MAX_AGE ? years : problems.add(value, `${value.value} ${unit} is not an age in years (0-${MAX_AGE})`);
}

export function manner(observation: Node | undefined, problems: Problems): Manner | null {
  if (!observation) return null;
  const codings = items(child(child(observation, 'valueCodeableConcept'), 'coding'));
  for (const coding of codings) {
    const found = MANNER_BY_SNOMED[str(child(coding, 'code')) ?? ''];
    if (found) return found;
  }
  if (codings[0] === undefined) return null;
  const code = child(codings[0], 'code');
  return problems.add(code, `${JSON.stringify(code.value)} is not a manner-of-death SNOMED CT code (${MANNER_CODES})`);
}

export interface CauseLine {
  line: number;
  text: string | null;
  interval: string | null;
}

/** A Part I observation: its line (component lineNumber, 1-4 for a-d), literal and interval. */
export function partOneLine(observation: Node, problems: Problems): CauseLine | null {
  const lineComponent = component(observation, 'lineNumber');
  if (!lineComponent) return problems.add(child(observation, 'component'), 'no lineNumber component (1-4, for Part I lines a-d)');
  const lineValue = child(lineComponent, 'valueInteger');
  if (![1, 2, 3, 4].includes(lineValue.value as number)) return problems.add(lineValue, `${JSON.stringify(lineValue.value)} is not a Part I line number (1-4)`);
  const interval = component(observation, LOINC.interval);
  return {
    line: lineValue.value as number,
    text: conceptText(observation),
    interval: interval ? (str(child(interval, 'valueString')) ?? conceptText(interval)) : null,
  };
}

export function injuryPlace(observation: Node): string | null {
  const place = component(observation, LOINC.injuryPlace);
  return place ? (conceptText(place) ?? str(child(place, 'valueString'))) : null;
}

const SEX_CODES: Record<string, Sex> = Object.assign(Object.create(null), { m: 'M', male: 'M', f: 'F', female: 'F', u: 'U', unk: 'U', unknown: 'U' });

/** Sex at death (NVSS-SexAtDeath extension, the IJE SEX of VRDR STU2.2+), else Patient.gender. */
export function sex(patient: Node, problems: Problems): Sex | null {
  const ext = extension(patient, `${VRDR}NVSS-SexAtDeath`);
  if (ext) {
    const concept = child(ext, 'valueCodeableConcept');
    const code = codes(concept)[0];
    if (code === undefined) return null;
    return SEX_CODES[code.toLowerCase()] ?? problems.add(concept, `${JSON.stringify(code)} is not a sex at death code (M, F, U)`);
  }
  const gender = child(patient, 'gender');
  if (gender.value === undefined) return null;
  const value = str(gender)?.toLowerCase() ?? '';
  return value === 'other' ? 'U' : (SEX_CODES[value] ?? problems.add(gender, `${JSON.stringify(gender.value)} is not a FHIR administrative gender`));
}
