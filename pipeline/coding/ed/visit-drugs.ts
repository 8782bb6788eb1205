/**
 * The drugs of a visit's poisoning codes (T36-T51: drugs and alcohol), named as the text names
 * them ("fentanyl" for "fent"), else by the CM title of the code. Unspecified entries (T50.90,
 * T40.60, T43.60) and class names ("benzodiazepine" beside "alprazolam") are left out when
 * something more specific is there, as the death coder drops T50.9 beside a named drug.
 */
import type { FieldFacts } from './facts.ts';
import type { CategoryInfo } from './tables.ts';
import type { EdDrug } from './types.ts';

const CLASS_NAMES = new Set(['benzodiazepine', 'opioid', 'psychostimulant', 'synthetic opioid', 'unspecified drug']);
const OPIOID_CLASSES = new Set(['T40.0', 'T40.1', 'T40.2', 'T40.3', 'T40.4', 'T40.6']);

function acuteNames(fields: readonly FieldFacts[], category: string): string[] {
  const names: string[] = [];
  for (const f of fields) {
    for (const m of f.mentions) if (m.role === 'acute' && !m.term.generic && m.info.category === category && !names.includes(m.term.name)) names.push(m.term.name);
  }
  return names;
}

export function visitDrugs(poisoned: readonly CategoryInfo[], fields: readonly FieldFacts[]): EdDrug[] {
  const all: EdDrug[] = [];
  for (const info of poisoned) {
    if (Number(info.category.slice(1, 3)) > 51) continue;
    const names = acuteNames(fields, info.category);
    for (const name of names.length > 0 ? names : [info.title]) {
      if (!all.some((d) => d.name === name && d.code === info.category)) all.push({ name, code: info.category, deathClass: info.deathCode });
    }
  }
  const named = all.filter((d) => !(CLASS_NAMES.has(d.name) && all.some((o) => o !== d && o.code === d.code && !CLASS_NAMES.has(o.name))));
  const specificOpioid = named.some((d) => d.code !== 'T40.60' && OPIOID_CLASSES.has(d.deathClass));
  const specificStimulant = named.some((d) => d.deathClass === 'T43.6' && d.code !== 'T43.60');
  const specificDrug = named.some((d) => d.code !== 'T50.90' && d.code !== 'T50.91' && Number(d.code.slice(1, 3)) <= 50);
  return named.filter((d) => !((d.code === 'T40.60' && specificOpioid) || (d.code === 'T43.60' && specificStimulant) || ((d.code === 'T50.90' || d.code === 'T50.91') && specificDrug)));
}
