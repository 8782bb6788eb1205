/**
 * The built-in overdose syndromes, after the CDC NSSP CCDD pattern (CDC All Drug v2, Stimulants
 * v3, Heroin v3; knowledgerepository.syndromicsurveillance.org): a qualifying ICD-10-CM code
 * (poisoning, 6th character 1 accidental or 4 undetermined, 7th A initial encounter) includes the
 * visit; otherwise the chief complaint needs an overdose term and a drug term; exclusions apply
 * to the text only. The term lists are in terms.ts; composeQuery gives each as one ESSENCE query.
 */
import type { SyndromeDefinition } from './definition.ts';
import {
  ANY_DRUG, anyOf, BENZODIAZEPINE, both, COCAINE, codes, EXCLUSIONS, FENTANYL, HEROIN, NALOXONE, OPIOID, OVERDOSE,
  OVERDOSE_WORD, STIMULANT, STIMULANT_TOXICITY,
} from './terms.ts';

/** F11.x2x: opioid abuse, dependence or use "with intoxication" (CDC All Drug v2, opioid definitions). */
const OPIOID_INTOXICATION = codes('F11.[129]2');
const OVERDOSE_OR_NALOXONE = anyOf(OVERDOSE, NALOXONE);
// The CDC definitions count codes of unintentional or undetermined intent (6th character 1 or 4)
// while their text criteria take any overdose, self-harm ingestions included. vigil counts codes
// of every intent (1-4), as the CSTE ICD-10-CM drug overdose indicator does, so code and text
// agree: an "intentional OD" with T43.222A is in, whichever way it was recorded. Intent stays in
// the codes for analysis (vigil's ED coder reports it per visit).
const CDC = 'CDC NSSP CCDD pattern';

export const BUILTIN_SYNDROMES: readonly SyndromeDefinition[] = [
  {
    id: 'all_drug',
    version: 1,
    name: 'All drug overdose',
    description: 'Suspected overdose of any drug (not alcohol alone), of any intent.',
    source: `${CDC}: CDC All Drug v2 (T36-T50 initial encounter, F11 with intoxication, naloxone or "overdose" in the text), codes of any intent as the CSTE drug overdose indicator`,
    active: true,
    // Codes whose intent is the 5th character (T36.9-, T41.4-, T42.7- …: T42.71XA) are the XA patterns.
    diagnosisCodes: anyOf(
      codes('T3[6-9].__[1-4]A', 'T4_.__[1-4]A', 'T50.__[1-4]A', 'T3[6-9]._[1-4]XA', 'T4_._[1-4]XA'),
      OPIOID_INTOXICATION,
    ),
    // A stimulant's toxicity counts as the overdose it is, as in the stimulant definition.
    autoIncludeTerms: anyOf(NALOXONE, OVERDOSE_WORD, both(STIMULANT_TOXICITY, STIMULANT)),
    overdoseTerms: OVERDOSE,
    drugTerms: ANY_DRUG,
    exclusions: EXCLUSIONS,
  },
  {
    id: 'opioid',
    version: 1,
    name: 'Opioid overdose',
    description: 'Suspected opioid overdose: heroin, fentanyl and other synthetic narcotics, methadone, natural and semi-synthetic opioids, unspecified narcotics.',
    source: `${CDC}: CDC Opioid Overdose (T40.0-T40.4, T40.6, F11 with intoxication; naloxone given counts on its own)`,
    active: true,
    diagnosisCodes: anyOf(codes('T40.[0-4]_[1-4]A', 'T40.6_[1-4]A'), OPIOID_INTOXICATION),
    autoIncludeTerms: NALOXONE,
    overdoseTerms: OVERDOSE,
    drugTerms: OPIOID,
    exclusions: EXCLUSIONS,
  },
  {
    id: 'heroin',
    version: 1,
    name: 'Heroin overdose',
    description: 'Suspected heroin overdose (street "dope" is often fentanyl; see the fentanyl definition).',
    source: `${CDC}: CDC Heroin v3 (T40.1X1A, T40.1X4A)`,
    active: true,
    diagnosisCodes: codes('T40.1X[1-4]A'),
    overdoseTerms: OVERDOSE_OR_NALOXONE,
    drugTerms: HEROIN,
    exclusions: EXCLUSIONS,
  },
  {
    id: 'fentanyl',
    version: 1,
    name: 'Fentanyl overdose',
    description: 'Suspected fentanyl overdose, illicit or pharmaceutical, not fentanyl given as treatment.',
    // T40.4X- (other synthetic narcotics) was fentanyl's code until ICD-10-CM FY2021 split T40.41-.
    source: `${CDC}: fentanyl (T40.411A, T40.414A; T40.4X1A, T40.4X4A in pre-FY2021 data)`,
    active: true,
    diagnosisCodes: codes('T40.41[1-4]A', 'T40.4X[1-4]A'),
    overdoseTerms: OVERDOSE_OR_NALOXONE,
    drugTerms: FENTANYL,
    exclusions: EXCLUSIONS,
  },
  {
    id: 'stimulant',
    version: 1,
    name: 'Stimulant overdose',
    description: 'Suspected stimulant overdose: cocaine and psychostimulants (methamphetamine, amphetamines, methylphenidate, ecstasy, cathinones); not caffeine.',
    source: `${CDC}: CDC Stimulants v3 (T40.5X-, T43.60-, T43.62- to T43.65-, T43.69-; intent 1/4 initial)`,
    active: true,
    diagnosisCodes: codes('T40.5X[1-4]A', 'T43.6[02-59][1-4]A'),
    overdoseTerms: anyOf(OVERDOSE_OR_NALOXONE, STIMULANT_TOXICITY),
    drugTerms: STIMULANT,
    exclusions: EXCLUSIONS,
  },
  {
    id: 'cocaine',
    version: 1,
    name: 'Cocaine overdose',
    description: 'Suspected cocaine overdose, crack included.',
    source: `${CDC}: cocaine (T40.5X1A, T40.5X4A)`,
    active: true,
    diagnosisCodes: codes('T40.5X[1-4]A'),
    overdoseTerms: anyOf(OVERDOSE_OR_NALOXONE, STIMULANT_TOXICITY),
    drugTerms: COCAINE,
    exclusions: EXCLUSIONS,
  },
  {
    id: 'benzodiazepine',
    version: 1,
    name: 'Benzodiazepine overdose',
    description: 'Suspected benzodiazepine overdose, designer benzodiazepines (bromazolam, etizolam) included.',
    source: `${CDC}: benzodiazepines (T42.4X1A, T42.4X4A)`,
    active: true,
    diagnosisCodes: codes('T42.4X[1-4]A'),
    overdoseTerms: OVERDOSE_OR_NALOXONE,
    drugTerms: BENZODIAZEPINE,
    exclusions: EXCLUSIONS,
  },
];
