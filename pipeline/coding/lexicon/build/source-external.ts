/**
 * cm-external: the ICD-10-CM FY2025 External Cause of Injuries Index → mechanisms of injury as
 * certifiers write them ("fall from ladder" W11, "drowning in bathtub" W65, "motor vehicle
 * collision" via the curated abbreviations), with WHO codes: 3 characters for W00-Y36, 4 for
 * transport accidents (V01-V99, shared 4th character).
 *
 * Intent is the coder's job (manner of death → accident / suicide / homicide / undetermined
 * series), so the lexicon carries the mechanism's default (accidental) code and leaves out the
 * intent-specific sub-terms ("assault", "suicide", "stated as undetermined ...") and main terms
 * that name a manner rather than a mechanism. CM's catch-all X58 ("exposure to other specified
 * factors") is not used: on a certificate those words ("injury", "killed", "found injured")
 * do not say what happened. Only the accident series (V01-X59) is kept.
 */
import { join } from 'node:path';
import { indexedRows } from './indexed-terms.ts';
import type { CandidateRow } from './rows.ts';
import { ICD10CM_DIR, readIndexTree, type IndexNode } from './tables.ts';

const SKIP_MAIN = /^(activity|place of occurrence|external cause status|status of external cause|factors, supplemental|adverse effect|complication|medical procedure|surgical procedure|misadventure|reaction, abnormal|nonadministration|inappropriate operation|premature cessation|underdosing|suicide|self-harm|self-inflicted|undetermined intent|homicide|perpetrator|legal|intervention, legal|execution|capital punishment|war operations|military operations|terrorism|civil insurrection|sequelae|late effect|after-effect|disability|work related|nosocomial|blood alcohol|environmental pollution|victim|cruelty|mental cruelty|neglect|abandonment|desertion|destitution|privation|deprivation|hunger|thirst|starvation|inanition|insufficient nourishment|inattention|wrong|mismatched|procedure|perforation|endotracheal|felo-de-se|manslaughter|murder|assassination|infanticide|lynching|torture|maltreatment|overdose|poisoning|drinking poison|adverse|plumbism|saturnism|anaphylactic|intoxication|assault|injury, injured|killed|found injured|battered|casualty|blow|crushed|mangled|wound|fracture)\b/i;
const SKIP_SUB = /^(assault|homicide|suicide|self-inflicted|self-harm|intentional|purposeful|stated as undetermined|undetermined|legal|war operations|military|terrorism|in war|while in war|during war|sequelae|by other person|inflicted by other)/i;

/**
 * "How injury occurred" is written with verbs: "fell down stairs", "drowned in bathtub". Each
 * generated "fall ..." / "drowning ..." phrase also gets its past-tense form, with the same code.
 */
const VERB_FORMS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^fall\b/, 'fell'],
  [/^drowning\b/, 'drowned'],
];

export function cmExternalRows(cmCodes: ReadonlySet<string>, dir = ICD10CM_DIR): CandidateRow[] {
  const rows = indexRows(cmCodes, dir);
  const out = [...rows];
  for (const row of rows) {
    for (const [noun, verb] of VERB_FORMS) {
      if (noun.test(row.term)) out.push({ ...row, term: row.term.replace(noun, verb), rank: row.rank + 1 });
    }
  }
  return out;
}

function indexRows(cmCodes: ReadonlySet<string>, dir: string): CandidateRow[] {
  const roots = readIndexTree(join(dir, 'ICD10CM_2025_ExternalIndex.csv'), 'Code');
  return indexedRows(roots, cmCodes, {
    source: 'cm-external',
    maxTokens: 6,
    level2: 'connector',
    subtermCommas: 'alternatives',
    skip: (node: IndexNode) => (node.level === 0 ? SKIP_MAIN.test(node.term) : SKIP_SUB.test(node.term)),
    // Accidents only (V01-X59): the self-harm, assault, undetermined-intent and legal/war series
    // that a few entries print are the coder's to choose from the manner of death.
    accept: (who) => /^(V|W|X[0-5])/.test(who) && who !== 'X58',
  });
}
