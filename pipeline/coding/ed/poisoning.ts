/**
 * Whether the text describes a poisoning, and by what. Evidence: overdose words stated as fact,
 * naloxone given, depressed consciousness after a named drug, a young child's ingestion, "someone
 * drugged me", an ingestion stated as self-harm, a chemical swallowed; or a poisoning code among
 * the discharge diagnoses. Then every acute named substance is poisoned;
 * with none named, naloxone given means an opioid (T40.60, unspecified narcotics: CDC NSSP counts
 * naloxone administration in its opioid overdose definition) and overdose words alone an
 * unspecified drug (T50.90). Alcohol with a drug is coded as poisoning too (Guidelines
 * I.C.19.e.5(b)(iv), interaction of drugs and alcohol); alcohol alone only when called a poisoning
 * or overdose (otherwise it is intoxication, F10.129).
 */
import { isDrugCategory } from './cm-codes.ts';
import type { FieldFacts, Mention } from './facts.ts';
import type { CategoryInfo } from './tables.ts';

export interface TextPoisoning {
  childIngestion: boolean;
  /** Categories the text adds, each with the mentions naming it (empty for an inferred one). */
  categories: { info: CategoryInfo; mentions: Mention[] }[];
  reasons: string[];
}

const UNSPECIFIED = new Set(['T50.90', 'T40.60', 'T43.60']);

/** Under this age an ingestion of a named substance is a poisoning without overdose wording. */
export const CHILD_INGESTION_AGE = 6;
/** What the ED coder reads of the patient's age: 1 under CHILD_INGESTION_AGE, else 0 (visit-coding.ts keys its memo by it). */
export const ageBand = (age: number | null): number => (age !== null && age < CHILD_INGESTION_AGE ? 1 : 0);

export function textPoisoning(fields: readonly FieldFacts[], age: number | null, dx: readonly CategoryInfo[], categories: ReadonlyMap<string, CategoryInfo>): TextPoisoning {
  const any = (k: 'overdose' | 'naloxone' | 'depressed' | 'ingest' | 'foreignBody') => fields.some((f) => f[k]);
  const acute = fields.flatMap((f) => f.mentions.filter((m) => m.role === 'acute'));
  const named = acute.filter((m) => !m.term.generic);
  const drugs = named.filter((m) => isDrugCategory(m.info.category));
  const foreignBody = any('foreignBody') && named.length === 0;
  const overdoseWords = any('overdose') && !foreignBody;
  const naloxone = any('naloxone');
  // Pills, tablets, an unknown substance: something was taken (not "drug use", a habit).
  const taken = acute.filter((m) => m.info.deathCode !== 'T51.0' && (!m.term.generic || !/\b(?:use|abuse)$/.test(m.term.term)));
  const depressedAfterDrug = any('depressed') && (drugs.length > 0 || taken.length > 0);
  const childIngestion = ageBand(age) === 1 && any('ingest') && acute.length > 0 && !foreignBody;
  // Nobody drinks gasoline or bleach as a drug: swallowing a chemical (T52-T65) is its toxic effect.
  const chemicalIngestion = any('ingest') && named.some((m) => Number(m.info.category.slice(1, 3)) >= 52);
  // "Took pills to kill self": an ingestion stated as self-harm is a poisoning without the word.
  const selfHarmIngestion = fields.some((f) => f.selfHarm) && any('ingest') && taken.length > 0 && !foreignBody;
  // "Someone drugged me": a poisoning by assault, whatever was given.
  const assault = fields.some((f) => f.assault);
  const textEvidence = overdoseWords || naloxone || depressedAfterDrug || childIngestion || assault || selfHarmIngestion || chemicalIngestion;
  const dxDrug = dx.some((c) => isDrugCategory(c.category));
  const reasons: string[] = [];
  const out: TextPoisoning = { childIngestion, categories: [], reasons };
  if (!textEvidence && !dxDrug) return out;

  const byCategory = new Map<string, Mention[]>();
  const alcoholPoisoned = drugs.length > 0 || dxDrug || naloxone || overdoseWords || childIngestion || assault || selfHarmIngestion;
  for (const m of named) {
    if (m.info.deathCode === 'T51.0' && !alcoholPoisoned) continue;
    (byCategory.get(m.info.category) ?? byCategory.set(m.info.category, []).get(m.info.category)!).push(m);
  }
  const present = [...dx, ...[...byCategory.keys()].map((c) => categories.get(c)!)];
  const opioidNamed = present.some((c) => c.anyOpioid && !UNSPECIFIED.has(c.category));
  // Inferences are reported only when they add a code the discharge diagnoses do not have.
  const inferring = !dxDrug;
  if (naloxone && !present.some((c) => c.anyOpioid)) {
    byCategory.set('T40.60', byCategory.get('T40.60') ?? []);
    if (inferring) reasons.push(named.some((m) => isDrugCategory(m.info.category))
      ? 'naloxone given but no opioid named: unspecified narcotics (T40.60) inferred'
      : 'opioid overdose inferred from naloxone given; no drug named (T40.60, unspecified narcotics)');
  }
  if (byCategory.size === 0 && !dxDrug) {
    byCategory.set('T50.90', []);
    reasons.push('overdose with no substance named (T50.90, unspecified drug)');
  }
  if (inferring && depressedAfterDrug && !overdoseWords && !naloxone && !childIngestion && !assault && !selfHarmIngestion && !chemicalIngestion) {
    const names = drugs.length > 0 ? drugs.map((m) => m.term.name) : taken.map((m) => m.text);
    const what = names.filter((n, i) => names.indexOf(n) === i).join(', ');
    reasons.push(`poisoning inferred from depressed consciousness after ${what}; no overdose word`);
  }
  const dxCategories = new Set(dx.map((c) => c.category));
  const hasStimulant = present.some((c) => c.deathCode === 'T43.6' && c.category !== 'T43.60');
  const hasDrug = present.some((c) => isDrugCategory(c.category) && c.category !== 'T50.90');
  for (const [category, mentions] of byCategory) {
    if (dxCategories.has(category)) continue;
    if ((category === 'T40.60' && opioidNamed) || (category === 'T43.60' && hasStimulant) || (category === 'T50.90' && hasDrug)) continue;
    out.categories.push({ info: categories.get(category)!, mentions });
  }
  return out;
}
