/**
 * Words around a mention that change what it means, on normalised text. NCHS counts a drug named
 * in Part I, Part II or how-injury-occurred as involved unless context says otherwise
 * (DOMAIN.md, "Literal-text drug mentions"); these are the "otherwise".
 */

const words = (alternatives: string) => new RegExp(`\\b(?:${alternatives})\\b`);

/** A poisoning, as opposed to a chronic effect or a mere mention. */
export const POISONING = words(
  'toxicity|toxicities|toxic|intoxication|intoxications|intoxicated|overdose|overdosed|overdosage|od|poisoning|poisoned|ingestion|ingested|injected|injection of|drug use|drug abuse|substance use|substance abuse|effects of|combined effects|use of|abuse of|snorted|smoked|consumed|used',
);

/**
 * Words that end a negation's scope. "and" does not: "negative for opiates and fentanyl" negates
 * both.
 */
const SCOPE_END = 'but|with|due|secondary|positive|toxicity|intoxication';

/** Cues before a mention (within its clause) that this drug or condition was not involved. */
export const NEGATED_BEFORE = new RegExp(`\\b(?:no|not|negative for|without|no evidence of|ruled out|rule out|r o|denies|denied|absence of|free of|none|neg for|negative)(?: (?!(?:${SCOPE_END})\\b)\\w+){0,4} $`);
export const NEGATED_AFTER = words('negative|not detected|none detected|ruled out|was not|not present|not involved|not contributory');
/** Past use, not this death. */
export const HISTORY_BEFORE = /\b(?:history of|hx of|h o|past|remote|prior|former|previous|recovering|recovered|in recovery from|sober from)(?: \w+){0,3} $/;
/** Therapeutic use of a drug. */
export const THERAPEUTIC_AFTER = /^ (?:patch|patches|transdermal|drip|infusion|pump|for pain|prescribed|therapy|treatment|maintenance|given|administered)\b/;
export const THERAPEUTIC_BEFORE = /\b(?:prescribed|therapeutic|medical|palliative|hospice)(?: \w+){0,2} $/;
/** Withdrawal is not poisoning. */
export const WITHDRAWAL_AFTER = /^ (?:withdrawal|withdrawals|detox|detoxification|dependence treatment|clinic)\b/;

/** Phrases that split one written line into a sequence: "A due to B" puts B below A. */
export const DUE_TO = /\b(?:due to|secondary to|caused by|as a consequence of|as a result of|resulting from|following|from complications of|complications of|complicating)\b|;/g;

/**
 * Ordinary words never "corrected" into a lexicon word by the spelling matcher: cue words and
 * common certificate vocabulary that sit one edit away from a drug or disease name.
 */
export const KNOWN_WORDS: ReadonlySet<string> = new Set(
  (
    'acute chronic combined combination effects toxicity toxicities intoxication intoxicated overdose poisoning ' +
    'ingestion injected injection mixed multiple multidrug drug drugs substance substances abuse use used using user ' +
    'history negative positive patch withdrawal therapy treatment prescribed probable possible likely complications ' +
    'decedent found unresponsive residence apartment hospital pending investigation undetermined unknown ' +
    'including include included associated contributing significant conditions other there their these those ' +
    'heroine heroic meths mother father water after later never ' +
    'medical medication medications methods metal metals matter master ' +
    'cardiac arrest failure disease disorder syndrome severe morbid obesity presumed consistent'
  ).split(' '),
);
