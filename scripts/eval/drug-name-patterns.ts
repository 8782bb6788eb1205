/**
 * Does a record's text name a drug of a class? The eval's own, deliberately generous answer, used
 * to score the coder on "records whose text names the drug" (label positives found only by
 * toxicology are left out). Independent of the coder's lexicon on purpose: importing it would make
 * the measure circular (a drug the lexicon misses would also vanish from the denominator).
 *
 * Generous means: stems rather than whole words, brands, metabolites, analogues and the
 * misspellings certifiers write. A pattern that matches too much only keeps more label-positive
 * records in the "named" denominator, which makes the figure stricter, never kinder.
 * Matching is on lower-cased text; separators between parts of a name may be a space, a hyphen or
 * nothing ("6-mam", "6 mam", "6mam").
 */
import type { ClassKey } from './metrics.ts';

const SEP = '[\\s\\-]?';

/** Fentanyl, its analogues and precursors, tramadol and the other T40.4 synthetic opioids. */
const FENTANYL = [
  'fent', // fentanyl, fentanil, fentanly, fentynal, fent; analogues: acetylfentanyl, carfentanil, furanylfentanyl, fluorofentanyl, sufentanil...
  'f[ae]n?t[ae]n[iy]l', // fetanyl, fantanyl, fentenyl
  'fen[ae]t[ae]?n?yl', // fenatnyl, fenetyl
  'fentyn', // fentynal
  'fetn?[ae]n',
  '\\banpp\\b', // 4-ANPP, fentanyl precursor and metabolite
  '\\bfibf\\b', // para-fluoroisobutyrylfentanyl
  '\\bfen\\b', // shorthand lists: "fen, her, coc"
  'norfent',
  'tram[ao]d[ao]l', // tramadol, tramodol, tramadal
  '\\btrama?d',
  'ultram',
  `\\bu${SEP}4770`, // U-47700
  `\\bu${SEP}4\\d{4}`, // U-4xxxx series
  `\\bu${SEP}477`,
  `\\bah${SEP}7921`,
  `\\bmt${SEP}45\\b`,
  'nitazen', // isotonitazene, metonitazene, protonitazene, etonitazene
  'brorphine',
  'tapentad',
  'nucynta',
  'meperid',
  'pethid',
  'demerol',
  'synthetic opi',
  'synthetic narc',
  'duragesic',
];

/** Heroin and its specific metabolite (not morphine: see the README's Connecticut caveat). */
const HEROIN = [
  'her[oi]{1,2}n', // heroin, heroine, herion, heroiin
  'heorin',
  'herone',
  'hereoin',
  'heroi',
  `\\b6${SEP}mam\\b`,
  `6${SEP}mono${SEP}acetyl${SEP}morph`,
  'monoacetylmorph',
  'mono-acetylmorph',
  'diacetylmorph',
  'diamorph',
  'speedball',
  // Shorthand lists ("her, coc, eth", "fen her"): "her" only where it cannot be the pronoun,
  // i.e. not followed by a word.
  '\\bher\\b(?=\\s*(?:[,;/&+|]|$|and\\b|(?:fen|coc|eth|meth|benzo)))',
];

/** Natural and semi-synthetic opioids (T40.2). */
const RX_OPIOIDS = [
  'oxy[\\s\\-]?c[oa]d', // oxycodone, oxycodon, oxy codone, oxycadone
  'oxc[oa]d', // oxcodone
  'oxyc[oa]nt', // oxycontin
  '\\boxy\\b',
  '\\boxys\\b',
  'percocet',
  'percodan',
  'roxicod',
  'roxicet',
  'endocet',
  'tylox',
  'hydro[\\s\\-]?c[oa]d', // hydrocodone, hydrocod
  'vicod',
  '\\bnorco\\b',
  'lortab',
  'lorcet',
  'zohydro',
  'hysingla',
  'morph', // morphine, hydromorphone, oxymorphone, "oxymorph", monoacetylmorphine (generous)
  'morfin',
  'ms[\\s\\-]?contin',
  'kadian',
  'dilaud',
  'opana',
  'code[ie]n', // codeine, codiene
  'codien',
  'codine',
  'dihydrocod',
  'bupren', // buprenorphine, buprenophrine (T40.2 in ICD-10)
  'suboxone',
  'subutex',
  'zubsolv',
  'thebaine',
  'oripavine',
];

// "meth" alone is ambiguous (methadone or methamphetamine): generous, it names both.
const METHADONE = ['methad', 'method[oe]n', 'metad', 'methadn', 'dolophine', 'methadose', '\\beddp\\b', '\\bmeth\\b'];

const COCAINE = [
  'coca[ie]n', // cocaine, cocaien
  'cocan',
  'coc[ai]{1,2}ne',
  'cociane',
  'cocaethyl',
  'benzoylecgon',
  'benzoyl ecgon',
  'ecgonine',
  '\\bcoke\\b',
  '\\bcoc\\b', // shorthand lists
  '\\bcrack\\b',
  'speedball',
];

/** Psychostimulants with abuse potential (T43.6). */
const PSYCHOSTIMULANTS = [
  'amph[ei]t', // methamphetamine, amphetamine, metamphetamine, amphetamines, dextroamphetamine
  'amfet', // amfetamine, lisdexamfetamine
  'ampet',
  'methamp',
  'metamph',
  '\\bmeth\\b',
  '\\bmeths\\b',
  'crystal meth',
  '\\bmdma\\b',
  '\\bmda\\b',
  '\\bmdea\\b',
  '\\bmdpv\\b',
  'ecstasy',
  'extasy',
  'adderall',
  'vyvanse',
  'dexedrine',
  'methylphenid',
  'ritalin',
  'phentermin',
  'cathinone', // synthetic cathinones, "bath salts"
  'bath salt',
  'mephedrone',
  'methylone',
  'eutylone',
  `\\balpha${SEP}pvp`,
  `\\ba${SEP}pvp`,
  '\\bpvp\\b',
  'caffeine',
];

/** Benzodiazepines (T42.4), by class word, generic stem and brand. */
const BENZODIAZEPINES = [
  'benzo(?!yl)', // benzodiazepine(s), benzos; not benzoylecgonine
  'benzadiaz',
  'benzodiaz',
  'diazep', // diazepam, nordiazepam
  'azepam', // lorazepam, clonazepam, temazepam, oxazepam, flurazepam, nitrazepam, flunitrazepam...
  'azapam', // misspelling
  'azolam', // alprazolam, triazolam, midazolam, flualprazolam, flubromazolam, bromazolam
  'alprazol',
  'aprazol',
  'alprozol',
  'clonazep',
  'klonopin',
  'xanax',
  'xanex',
  'valium',
  'ativan',
  'restoril',
  'librium',
  'chlordia', // chlordiazepoxide, "chlordia"
  'versed',
  'halcion',
  'etizolam',
  'clobazam',
  '\\bonfi\\b',
  'diclazepam',
  'delorazepam',
  'aminoclonazep',
  'nordiaz',
];

/** Ethanol (T51.0). */
const ETHANOL = [
  'ethan', // ethanol, ethanl
  'eth[ae]n[oa]l',
  '\\beth\\b', // shorthand lists
  '\\betoh',
  '\\balc', // alcohol, alchohol, alcoholic, alc
  'alcohol',
  'ethyl alc',
  '\\bbeer\\b',
  'vodka',
  'whisk',
  'liquor',
  '\\bwine\\b',
  'tequila',
  '\\bbac\\b',
];

/** Unspecified or other opioids and narcotics (T40.0, T40.6), counted only for any_opioid. */
const OTHER_OPIOIDS = ['opioid', 'opiod', 'opoid', 'opiate', 'opiat', 'opium', 'poppy', 'narcotic', 'kratom', 'mitragyn', 'loperamide', 'butorphanol', 'nalbuphine', 'pentazocine', 'levorphanol'];

export const DRUG_NAME_PATTERNS: Readonly<Record<ClassKey, readonly string[]>> = {
  t40_4: FENTANYL,
  t40_1: HEROIN,
  t40_2: RX_OPIOIDS,
  t40_3: METHADONE,
  t40_5: COCAINE,
  t43_6: PSYCHOSTIMULANTS,
  t42_4: BENZODIAZEPINES,
  t51_0: ETHANOL,
  any_opioid: [...FENTANYL, ...HEROIN, ...RX_OPIOIDS, ...METHADONE, ...OTHER_OPIOIDS],
};

const COMPILED = new Map<ClassKey, RegExp>(
  Object.entries(DRUG_NAME_PATTERNS).map(([key, patterns]) => [key as ClassKey, new RegExp(patterns.join('|'))]),
);

/** True when the text names (generously) a drug of the class. */
export function namesDrugOf(key: ClassKey, text: string | null | undefined): boolean {
  if (!text) return false;
  return COMPILED.get(key)!.test(text.toLowerCase());
}

/** Words that say a drug was taken without naming it ("multiple drug toxicity", "polysubstance"). */
const ANY_DRUG = new RegExp(
  [
    ...Object.entries(DRUG_NAME_PATTERNS).filter(([key]) => key !== 't51_0').flatMap(([, patterns]) => patterns),
    '\\bdrugs?\\b', 'multidrug', 'polysubstance', 'polydrug', 'poly drug', '\\bmedications?\\b', 'overdose', '\\bintoxicants?\\b',
  ].join('|'),
);

/** True when the text names (generously) any drug, alcohol aside. */
export function namesAnyDrug(text: string | null | undefined): boolean {
  return !!text && ANY_DRUG.test(text.toLowerCase());
}
