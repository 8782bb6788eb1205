/**
 * The term lists the built-in definitions share, written in ESSENCE syntax (README.md). Terms a
 * plain substring would over-match are word-edged (`!od!` is not "good" or "odor") or spelled with
 * the neighbours that make them specific (`^ on h!`, `^smoked ice!`).
 */

export const anyOf = (...terms: string[]) => terms.join(',or,');
export const group = (query: string) => `(,${query},)`;
/** `query` unless one of `not` is present: a negation local to one term list. */
export const unless = (query: string, not: string) => `(,${group(query)},andnot,${group(not)},)`;
/** Both queries. */
export const both = (a: string, b: string) => `(,${group(a)},and,${group(b)},)`;

/** Diagnosis code patterns as CDC writes them: after a separator, dotted and undotted. */
export const codes = (...patterns: string[]) =>
  anyOf(...patterns.flatMap((p) => [`^[;/ ]${p}^`, `^[;/ ]${p.replace('.', '')}^`]));

/** "OD" is also the right eye (oculus dexter). */
const EYE = anyOf('^eye^', '^vision^', '^visual^', '^ocul^', '^blurr^', '^conjunctiv^', '^cornea^', '^foreign body^', '!fb!',
  '^redness^', '^itch^', '^tearing^', '^photophob^', '^stye^', '^floaters^', '!os!', '!ou!');
const OD = unless('!od!', EYE);

/** Naloxone given: not "no narcan", "narcan not given", a kit request. */
export const NALOXONE = unless(
  anyOf('^narcan^', '^narcn^', '^narcam^', '^nalox^', '^nalax^'),
  anyOf('^no narcan^', '^narcan not^', '^without narcan^', '^w/o narcan^', '^no nalox^', '^naloxone not^', '^narcan kit^',
    '^naloxone kit^', '^needs narcan^', '^wants narcan^', '^requesting narcan^', '^narcan refill^', '^narcan rx^'),
);

/** The word itself: CDC All Drug includes a visit whose chief complaint says overdose. */
export const OVERDOSE_WORD = anyOf(
  '^overdos^', '^over dos^', '^ovedos^', '^ovredos^', '^oevrdos^', '^ovedros^', '^overods^', '^overdsoe^', OD, '!o.d!', '!oded!',
);

/** A count of pills taken ("took 20 tylenol"), not a dose or a time ("took 10 mg", "took 15 min"). */
const PILL_COUNT = unless(
  anyOf('^took [0-9][0-9]^', '^whole bottle^', '^entire bottle^', '^handful^'),
  anyOf('^took [0-9][0-9]mg^', '^took [0-9][0-9] mg^', '^took [0-9][0-9] min^', '^took [0-9][0-9] hour^', '^took [0-9][0-9] sec^'),
);

/** Overdose or intoxication, strongly: what keeps a withdrawal mention from excluding. */
const INTOXICATION = anyOf(OVERDOSE_WORD, '^intox^', '^toxicity^', '^poison^', '^ingest^', '^too much^', '^too many^', NALOXONE);

/** Overdose terms (CDC ESOOS/DOSE "overdose or poisoning" terms, with triage shorthand). */
export const OVERDOSE = anyOf(
  INTOXICATION,
  '^unresp^', '^found down^', '^found unconsc^', '!ams!', '^altered mental^', '^nodding^',
  '^snort^', '^shot up^', '^shooting up^', '^high on ^', '^tweaking^', '^somnolent after^', '^drowsy after^', '^sedated after^', PILL_COUNT,
);

/** "H" only after a verb of use: "h/a", "h/o" and "x 2 h" stay out. */
const H = anyOf('^ on h!', '^used h!', '^using h!', '^snorted h!', '^shot h!', '^shooting h!', '^smoked h!', '^injected h!', '^ h use^');

// "Dope" is not counted as heroin: on the street it is as often fentanyl; it is an opioid term.
export const HEROIN = anyOf('^heroi^', '^herion^', '^heorin^', '^hereoin^', '!smack!', '^black tar^', '^speedball^', H);

/** Fentanyl, except as treatment (given by medics, for pain, a patch, a dose). */
export const FENTANYL = unless(
  anyOf('^fent^', '^fetan^', '^fenat^', '^fentn^', '^phentanyl^', '!fetty!', '!fetti!', '^ m30^', 'm30^', '^ m-30^', 'm-30^', '^blue pill^', '^blues pill^',
    '^ on blues!', '^took blues!', '^smoked blues!', '^smoking blues!', '^snorted blues!', '^used blues!', '^using blues!'),
  anyOf('^fentanyl given^', '^fent given^', '^given fent^', '^gave fent^', '^received fent^', '^fentanyl for pain^',
    '^fent for pain^', '^fentanyl [0-9]^', '^fentanyl drip^', '^fentanyl by ems^',
    // A patch is treatment, unless it was chewed, eaten or smoked.
    unless(anyOf('^fentanyl patch^', '^fent patch^'), anyOf('^chew^', '^ate ^', '^eat^', '^suck^', '^smok^'))),
);

/** Methadone, except the clinic patient and the daily dose. */
const METHADONE = unless('^methadon^', anyOf('^methadone clinic^', '^methadone program^', '^methadone maint^', '^methadone dos^'));

export const OPIOID = anyOf(
  HEROIN, FENTANYL, METHADONE,
  '^opioid^', '^opiod^', '^opoid^', '^opiat^', '^opium^', '^oxycod^', '^oxycont^', '!oxy!', '!oxys!', '!roxy!', '!roxies!',
  '^roxicod^', '^percocet^', '^percoset^', '!perc!', '!percs!', '!perk!', '!perks!', '^vicodin^', '!norco!', '!norcos!',
  '^hydrocod^', '^hydromorph^', '^dilaudid^', '^morphine^', '^codeine^', '^tramadol^', '^tapentadol^', '^oxymorph^',
  '!opana!', '^buprenorph^', '^suboxone^', '^subutex^', '^nitazene^', '!dope!',
);

/** Methamphetamine as a word: never methotrexate, methocarbamol, methylprednisolone, methanol. */
const METH = anyOf('!meth!', '!meths!', '^methamph^', '^methampet^', '^metamph^', '^methanphet^', '!crystal!', '^smoked ice!', '^smoking ice!', '^tweaking^');

/** "Speed", except the speed of a vehicle. */
const SPEED = unless('!speed!', anyOf('^high speed^', '^low speed^', '!mph!'));

/** Crack only as the drug: a crack in the skin or a windshield stays out. */
const CRACK = anyOf('^crack cocaine^', '^smoked crack^', '^smoking crack^', '^crack pipe^', '^ on crack!', '^used crack^', '^using crack^', '^crack use^');

export const COCAINE = anyOf('^cocain^', '^cocane^', '^cociane^', '^cocaie^', '!coke!', CRACK, '^speedball^');

/**
 * How stimulant toxicity presents when nobody writes "overdose": agitation, psychosis, chest pain,
 * palpitations, a racing heart (cocaine-associated chest pain is the classic ED visit). Used by the
 * stimulant and cocaine definitions as overdose terms, with a stimulant term beside them; history
 * and denials are still excluded. Beyond the CDC definitions, which miss these (vigil's choice).
 */
export const STIMULANT_TOXICITY = anyOf('^agitat^', '^aggitat^', '^psychos^', '^psychot^', '^paranoi^', '^palpitat^', '^chest pain^', '!cp!', '^tachycard^', '^tweaking^');

/** Cocaine and the other psychostimulants (CDC Stimulants v3 includes both). */
export const STIMULANT = anyOf(
  COCAINE, METH, SPEED,
  '^amphet^', '^amfet^', '^adderal^', '^aderal^', '^adderol^', '^vyvanse^', '^ritalin^', '^methylphen^',
  '^ecstasy^', '^ecstacy^', '!mdma!', '!molly!', '^bath salt^', '^flakka^', '^cathinone^', '!tina!',
  '^ice intox^', '^on ice^', '^using ice^', '^smoking ice^', '^snorting ice^', '^smoked ice^', '^after ice^', '^+ice^',
);

export const BENZODIAZEPINE = unless(
  // "Bars" only counts next to an overdose term (the definition's AND), where it is Xanax.
  anyOf('!benzo!', '!benzos!', '^benzodiaz^', '^xanax^', '^xanex^', '^zanax^', '^xannie^', '^xanie^', '^xanny^', '!xany!', '!bars!', '^alprazol^',
    '^klonopin^', '^klonipin^', '^clonazepam^', '^valium^', '^diazepam^', '^ativan^', '^lorazepam^', '^temazepam^',
    '^restoril^', '^librium^', '^chlordiazep^', '^bromazolam^', '^etizolam^'),
  anyOf('^ativan given^', '^given ativan^', '^lorazepam given^', '^ativan [0-9]^', '^lorazepam [0-9]^'),
);

/** Any drug: every list above, and the rest of what "All Drug" covers (not alcohol). */
export const ANY_DRUG = anyOf(
  OPIOID, STIMULANT, BENZODIAZEPINE,
  '^drug^', '!pill!', '!pills!', '^medication^', '^substance^', '^polysub^', '^marijuana^', '^marijauna^', '!thc!', '^cannabi^',
  '^edibles^', '!k2!', '^synthetic cannab^', '!pcp!', '!lsd!', '!shroom!', '!shrooms!', '^psilocyb^', '^ketamine^', '!ghb!',
  '^xylazine^', '!tranq!', '^gabapentin^', '^neurontin^', '^tylenol^', '^acetaminophen^', '!apap!', '^ibuprofen^',
  '^motrin^', '^advil^', '^aspirin^', '^benadryl^', '^diphenhydramine^', '^seroquel^', '^quetiapine^', '^trazodone^',
  '^ambien^', '^zolpidem^', '^lithium^', '^clonidine^', '^antidepress^', '^flexeril^', '^cyclobenzaprine^',
  '^muscle relax^', '^melatonin^', '!dxm!', '^dextrometh^', '^sertraline^', '^zoloft^', '^fluoxetine^', '^prozac^',
  '^citalopram^', '^lexapro^', '^amitriptyline^', '^bupropion^', '^wellbutrin^', '^olanzapine^', '^benzonatate^', '^tessalon^',
);

const HISTORY_OF = ['hx ', 'hx of ', 'h/o ', 'history of ', 'pmh '];

/** "denies" and its transpositions (deneis, deines, dneies). */
const DENIES = 'd[ein][ein][ein][ein]s';

/** Text that rules the chief complaint out (never a visit with a qualifying code). */
export const EXCLUSIONS = anyOf(
  `^${DENIES} drug^`, `^${DENIES} any drug^`, `^${DENIES} illicit^`, `^${DENIES} substance^`, `^${DENIES} overdos^`,
  `^${DENIES} od!`, `^${DENIES} ingest^`, '^no drug^', '^no illicit^', '^neg for^', '^negative for^',
  // A named drug denied ("denies cocaine or other drug use").
  ...['cocaine', 'coke', 'crack', 'meth', 'heroin', 'fentanyl', 'opioid', 'opiate', 'ivdu', 'iv drug', 'benzo', 'xanax', 'stimulant', 'amphet']
    .map((drug) => `^${DENIES} ${drug}^`),
  '^hx of overdos^', '^hx overdos^', '^history of overdos^', '^h/o overdos^', '^hx of od!', '^hx od!', '^h/o od!',
  unless(anyOf('^withdraw^', '^w/d^', '!wd!', '^detox^', '^dope sick^', '^dopesick^'), INTOXICATION),
  // A drug in the history ("chest pain, hx meth use"), unless this visit is an intoxication too.
  unless(
    anyOf(...HISTORY_OF.flatMap((h) => ['meth', 'cocaine', 'crack', 'heroin', 'fentanyl', 'opioid', 'ivdu', 'iv drug', 'polysubstance', 'substance', 'drug'].map((drug) => `^${h}${drug}^`))),
    INTOXICATION,
  ),
);
