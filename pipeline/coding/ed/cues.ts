/**
 * The words around a drug mention that decide what it means in a visit, as data: cue phrases by
 * kind (matched with the shared TermMatcher, so "unresponive" still reads as unresponsive) and
 * the single words that open or close a negation's scope. Written from ICD-10-CM Official
 * Guidelines FY2025 (I.C.19.e.5 poisoning vs adverse effect, intent; IV.H uncertain diagnoses)
 * and CDC NSSP overdose definitions (overdose terms, naloxone, exclusions).
 */

export type CueKind =
  | 'overdose' // overdose, ingestion, poisoning, took too many ...
  | 'excess' // "too many", "handful", "whole bottle": an overdose when something was taken
  | 'depressed' // unresponsive, found down, somnolent, pinpoint pupils ...
  | 'intoxication' // intoxicated, high on, under the influence ...
  | 'alcohol-sign' // "on breath", "odor of", slurred speech: intoxication when alcohol is named
  | 'naloxone'
  | 'kit' // narcan kit, requesting naloxone: not administered
  | 'withdrawal'
  | 'detox'
  | 'maintenance'
  | 'use' // took, using, smoked, snorted ...: makes an ambiguous street name a drug
  | 'ingest' // ate, swallowed, got into: a young child's ingestion
  | 'foreign-body'
  | 'self-harm'
  | 'assault'
  | 'undetermined'
  | 'accidental'
  | 'given' // given, received, administered: therapeutic when a clinician gave it
  | 'clinical' // EMS, in ED, for pain: who gave it
  | 'prescribed' // prescribed, takes, refill, home meds, side effects
  | 'believed'; // "thought he was buying percs": what it was sold as, not what it was

export const CUE_PHRASES: Readonly<Record<CueKind, string>> = {
  overdose:
    'overdose|overdosed|overdosing|overdoses|ingestion|ingestions|ingested|poisoning|poisoned|toxicity|toxic ingestion|drug toxicity|took unknown|took an unknown|took some unknown|ingested unknown|swallowed unknown|took something|ingested something|took random|took someone s|took extra|extra dose|extra doses|double dose|double dosed|more than prescribed|took more than|took too many|took too much|taken too many|empty pill bottle|empty pill bottles|empty bottle|empty bottles|pill bottles nearby|tried to overdose|attempted to overdose|attempted overdose|trying to overdose',
  excess: 'too many|too much|handful|a handful|whole bottle|entire bottle|bottle of|all of her|all of his|all her|all his|several|multiple|a lot of|bunch of',
  depressed:
    'unresponsive|unarousable|obtunded|somnolent|lethargic|drowsy|sleepy|found down|found unresponsive|nodding|nodding off|apneic|apnea|agonal|cyanotic|pinpoint|pinpoint pupils|not breathing|passed out|altered|altered mental status|decreased responsiveness|respiratory depression|unconscious|minimally responsive|woke up with|woke up to|came to|found slumped|hard to arouse|difficult to arouse|barely responsive|responsive to pain only',
  intoxication: 'intoxication|intoxicated|inebriated|high on|getting high|got high|under the influence|tweaking|tripping|stoned|buzzed|drunk',
  'alcohol-sign': 'on breath|on his breath|on her breath|odor of|smells of|smell of|slurred speech|slurring',
  naloxone: 'narcan|naloxone|evzio',
  kit: 'kit|kits|training|requesting|request|requests|needs|wants|refill|carry|supply|prescription',
  withdrawal: 'withdrawal|withdrawals|withdrawing|dope sick|cows|ciwa|delirium tremens|dts|kicking',
  detox: 'detox|detoxification|detoxing|rehab|help with|treatment for|stop using|quit using|stop drinking|quit drinking|get clean|get sober|wants to stop|wants to quit',
  maintenance: 'clinic|program|maintenance|medication assisted treatment|mat|patient|dosing|dose|doses',
  use:
    'using|used|use|uses|smoked|smoking|smoke|snorted|snorting|snort|injected|injecting|inject|shot up|shooting|took|taking|take|ate|eating|swallowed|ingested|ingestion|overdose|overdosed|intoxicated|intoxication|high|did|doing|bought|buying|tried|positive|laced|drinking|drank|popped|popping|sniffed|huffing|huffed|vaping|vaped|dropped|user|users|abuse|habit|binge',
  ingest: 'ate|eaten|swallowed|ingested|ingestion|got into|chewed|chewing|sucking on|drank|took|found with|found eating|mouthing',
  'foreign-body': 'coin|coins|battery|button battery|magnet|magnets|toy|bone|fish bone|foreign body|marble|bead|beads|lego|screw|nail|earring|chicken bone|food bolus',
  'self-harm':
    'suicidal ideation|suicidal|suicide|suicide attempt|attempted suicide|kill herself|kill himself|kill myself|kill self|kill themselves|end her life|end his life|end my life|wanted to die|want to die|wants to die|wanting to die|intentional|intentionally|on purpose|self harm|harm herself|harm himself|harm self|self injurious behavior|tried to overdose|attempted to overdose|attempted overdose|trying to overdose',
  assault: 'drugged|roofied|spiked|forced|forced to take|slipped something|slipped her|slipped him|put something in|forced to take|poisoned her|poisoned him|poisoned me',
  undetermined: 'undetermined|indeterminate|cannot be determined|can not be determined|could not be determined|unable to determine|cannot determine|could not determine|not able to determine',
  accidental: 'accidental|accidentally|unintentional|unintentionally|by mistake|mistakenly|wrong medication|wrong medications|wrong pill|wrong pills|double dose|double dosed|extra dose|extra doses',
  given: 'given|gave|received|receiving|administered|administration|treated with|premedicated|pushed',
  clinical: 'ems|medics|paramedics|fire|ed|in ed|in the ed|hospital|en route|for pain|for pain control|for sedation|for intubation|for procedure|rn|md|triage|nurse|pca',
  believed:
    'thought he was buying|thought she was buying|thought they were buying|thought he was taking|thought she was taking|thought it was|thought they were|thought he was getting|thought she was getting|supposed to be|sold as|believed to be|told it was|told him it was|told her it was',
  prescribed: 'prescribed|takes|home|home med|home meds|refill|refills|ran out|side effect|side effects|daily|weekly|bid|tid|qid|qd|qhs|prn|nightly|scheduled|regimen|dose|doses',
};

/** Words that open a negation's scope over the next few words (NegEx-style, on expanded words). */
export const NEGATION_TRIGGERS: ReadonlySet<string> = new Set('denies denied deny denying no not without negative never none nor refuses refused declines declined'.split(' '));

/** Words after a mention that negate it: "opiates negative", "etoh denied". */
export const NEGATION_AFTER: ReadonlySet<string> = new Set('negative denied denies'.split(' '));

/**
 * Words that end a negation's scope: the sentence turns to what did happen. "and", "or" and
 * commas do not end it: "denies etoh, drugs" negates both.
 */
export const NEGATION_TERMINATORS: ReadonlySet<string> = new Set(
  'but however although though except admits admitted admitting states stated reports reported says said endorses endorsed per positive then now presents presented complains found given after since because due secondary who which currently here brought arrived last reportedly response improvement change relief'.split(' '),
);
/** Verbs that end a negation's scope once it has covered something ("denies SI, took 20 tylenol"), but not right after it ("denies taking pills"). */
export const NEGATION_VERB_TERMINATORS: ReadonlySet<string> = new Set('took taking used using uses smoked snorted injected drank ate swallowed'.split(' '));
export const NEGATION_SCOPE = 6;

/** Before an overdose word: it is not established ("possible OD", "? OD", "r/o ingestion"). Guideline IV.H. */
export const UNCERTAIN: ReadonlySet<string> = new Set('possible possibly probable probably suspected suspect suspicion questionable likely concern rule versus vs presumed thinks think may might maybe unsure unclear'.split(' '));

/** Before an overdose word: a thought or a plan, not an event ("SI with plan to OD"). */
export const HYPOTHETICAL: ReadonlySet<string> = new Set('plan plans planning planned thoughts thinking threatening threatened threatens threat'.split(' '));

/** Before "on": the drug is what the patient is on, not what they are treated with ("OD on fent", "pt on subs"). */
export const ON_AFTER_OVERDOSE: ReadonlySet<string> = new Set('overdose overdosed overdosing high intoxicated tripping'.split(' '));

/** Numbers, units and routes between a drug and what is said of it: "fentanyl 50 mcg IV given". */
export const DOSE_WORDS: ReadonlySet<string> = new Set('mg mcg ug g gm ml cc units unit micrograms milligrams iv im in io sq subq sc po sl intranasal nasal intravenous intramuscular push ivp x'.split(' '));

/** Ordinary triage words the spelling matcher must not turn into a drug or a cue (besides the CM vocabulary). */
export const TRIAGE_WORDS: ReadonlySet<string> = new Set(
  'alive patient patients states stated reports family friend friends mother father sister brother girlfriend boyfriend roommate bystander police officer shelter bathroom bedroom parking church store school work home house apartment motel hotel street friends talking walking standing sitting lying crying yelling screaming agitated anxious angry awake alert oriented improved improvement breathing breath chest pressure headache nausea vomiting dizzy weakness tingling numbness fever chills cough swelling redness bleeding minutes hours since today yesterday tonight morning evening night approximately unknown amount several multiple pills bottle bottles tablets capsules earlier later after before around about above below while where there their these those other another would could should might being having doing going coming wants needs asked states noted given taken taking eating drinking smoking using started stopped ambulatory ambulance medics paramedics triage nurse doctor physician provider'.split(' '),
);
