/**
 * ICD-10-CM (US clinical modification) → WHO ICD-10 (the code set US deaths are coded in).
 *
 * The rule: keep the 4-character form (`I25.10` → `I25.1`) when that 4-character code exists in
 * the CM code list (headers included), else the 3-character category; external causes W00-Y36
 * are kept at 3 characters (WHO's 4th character there is the place of occurrence). Then the
 * explicit differences below, where CM and WHO disagree in ways that matter for mortality
 * (README.md "CM → WHO"). `null` means "no safe WHO code": the term is left out.
 *
 * The tables were reviewed by hand against the WHO ICD-10 tabular list (2019 edition) for
 * chapters A-K, N, R and T; they are not a complete CM → WHO crosswalk.
 */
import { join } from 'node:path';
import { ICD10CM_DIR, readCsvTable } from './tables.ts';

export type LexiconKind = 'drug' | 'condition' | 'injury' | 'external' | 'ill_defined' | 'mechanism';

/** Every code in the CM code list (`ICD10CM_2025_codes.csv`), dotted, headers included. */
export function loadCmCodes(dir = ICD10CM_DIR): Set<string> {
  return new Set(readCsvTable(join(dir, 'ICD10CM_2025_codes.csv')).map((row) => row.Code ?? ''));
}

/** CM categories with no WHO counterpart (or no place in a cause-of-death lexicon): dropped. */
const DROP_CATEGORIES = new Set([
  'V00', // pedestrian conveyance accidents (CM only)
  'Y37', 'Y38', // military operations, terrorism (CM only; WHO uses U01-U03 / Y36)
  'Y92', 'Y93', 'Y99', // place, activity, status (CM only)
  'D78', 'E36', 'L76', // intraoperative complications of these chapters (CM only)
  'K94', 'K95', // complications of stomas and bariatric procedures (CM only)
  'T76', // suspected maltreatment (CM only)
  'G89', // pain NEC (CM only)
  'D49', // neoplasm of unspecified behaviour (CM; WHO D48.9 differs in scope)
  'E08', 'E09', // diabetes due to an underlying condition / drug-induced (CM only)
  'R97', // abnormal tumour markers (CM only)
]);

/** Exact CM codes (before truncation) whose WHO code is not the truncation. */
const EXACT: Record<string, string | null> = {
  'N18.6': 'N18.5', // end stage renal disease: WHO has stages 1-5 only
  'R65.10': 'R65.2', // SIRS of non-infectious origin without organ dysfunction
  'R65.11': 'R65.3', // ... with organ dysfunction
  'R65.20': 'R65.1', // severe sepsis (SIRS of infectious origin with organ failure)
  'R65.21': 'R57.2', // septic shock
  'I13.10': 'I13.9', // hypertensive heart and CKD 1-4 without heart failure (WHO I13.1 means renal failure)
  'I13.11': 'I13.1', // ... with CKD 5 / ESRD
  B20: 'B24', // HIV disease NOS (WHO B20-B23 are HIV with specified diseases)
  I96: 'R02', // gangrene NEC
  A09: 'A09.9', // gastroenteritis and colitis of unspecified origin
  F05: 'F05.9', // delirium NOS
  R52: 'R52.9', // pain NOS
  R61: 'R61.9', // hyperhidrosis NOS
  'R29.7': null, // NIH stroke scale (CM only)
  'R56.1': 'R56.8', // post-traumatic seizures
  'E66.01': 'E66.8', // morbid (severe) obesity: WHO lists morbid obesity under E66.8
  'K76.82': 'K72.9', // hepatic encephalopathy: WHO K72 (hepatic failure) includes it
  'D61.810': 'D61.1', 'D61.811': 'D61.1', // drug-induced pancytopenia → drug-induced aplastic anaemia
  'D61.818': 'D61.9', // pancytopenia NOS
};

/** CM prefixes (before truncation) mapped as a block. */
const PREFIX: ReadonlyArray<readonly [string, string | null]> = [
  ['I16', 'I10'], // hypertensive crisis/urgency/emergency (CM only) → essential hypertension
  ['C80', 'C80.9'], // malignant neoplasm without specification of site
];

/** Truncated (4-character or 3-character) CM code → WHO code, where the truncation is not a WHO code. */
const AFTER_TRUNCATION: Record<string, string | null> = {
  // Categories WHO does not subdivide but CM does.
  'F03.9': 'F03', 'F03.A': 'F03', 'F03.B': 'F03', 'F03.C': 'F03',
  'E86.0': 'E86', 'E86.1': 'E86', 'E86.9': 'E86',
  'G20.A': 'G20', 'G20.B': 'G20', 'G20.C': 'G20',
  'G92.0': 'G92', 'G92.8': 'G92', 'G92.9': 'G92',
  'R05.1': 'R05', 'R05.2': 'R05', 'R05.3': 'R05', 'R05.4': 'R05', 'R05.8': 'R05', 'R05.9': 'R05',
  'R11.0': 'R11', 'R11.1': 'R11', 'R11.2': 'R11',
  'R13.0': 'R13', 'R13.1': 'R13',
  'R18.0': 'R18', 'R18.8': 'R18',
  'R31.0': 'R31', 'R31.1': 'R31', 'R31.2': 'R31', 'R31.9': 'R31',
  'R33.0': 'R33', 'R33.8': 'R33', 'R33.9': 'R33',
  'R35.0': 'R35', 'R35.1': 'R35', 'R35.8': 'R35',
  'R36.0': 'R36', 'R36.1': 'R36', 'R36.9': 'R36',
  'R51.0': 'R51', 'R51.9': 'R51',
  'R53.0': 'R53', 'R53.1': 'R53', 'R53.2': 'R53', 'R53.8': 'R53',
  'R80.0': 'R80', 'R80.1': 'R80', 'R80.2': 'R80', 'R80.3': 'R80', 'R80.8': 'R80', 'R80.9': 'R80',
  'J81.0': 'J81', 'J81.1': 'J81',
  'J82.8': 'J82',
  'J91.0': 'J91', 'J91.8': 'J91',
  'K20.0': 'K20', 'K20.8': 'K20', 'K20.9': 'K20',
  'N26.1': 'N26', 'N26.2': 'N26', 'N26.9': 'N26',
  'N40.0': 'N40', 'N40.1': 'N40', 'N40.2': 'N40', 'N40.3': 'N40',
  'I99.8': 'I99', 'I99.9': 'I99',
  'T55.0': 'T55', 'T55.1': 'T55',
  'T58.0': 'T58', 'T58.1': 'T58', 'T58.2': 'T58', 'T58.8': 'T58', 'T58.9': 'T58',
  'T64.0': 'T64', 'T64.8': 'T64',
  'T71.1': 'T71', 'T71.2': 'T71', 'T71.9': 'T71',
  // Laterality added by CM to categories WHO does not subdivide.
  'C56.1': 'C56', 'C56.2': 'C56', 'C56.3': 'C56', 'C56.9': 'C56',
  'C64.1': 'C64', 'C64.2': 'C64', 'C64.9': 'C64',
  'C65.1': 'C65', 'C65.2': 'C65', 'C65.9': 'C65',
  'C66.1': 'C66', 'C66.2': 'C66', 'C66.9': 'C66',
  // Subcategories that mean something else (or nothing) in WHO.
  'I25.7': 'I25.1', // atherosclerosis of bypass graft(s) → atherosclerotic heart disease
  'I46.2': 'I46.9', 'I46.8': 'I46.9', // cardiac arrest due to ... (WHO: .0 resuscitated, .1 sudden death, .9)
  'I50.2': 'I50.9', 'I50.3': 'I50.9', 'I50.4': 'I50.9', 'I50.8': 'I50.9', // systolic/diastolic/other HF
  'I21.A': 'I21.9', // type 2 and other MI
  'I13.1': 'I13.9', // "I13.1-" printed without its 5th character
  'I31.4': 'I31.9', // cardiac tamponade
  'I69.9': 'I69.8', // sequelae of unspecified cerebrovascular disease
  'I70.3': 'I70.8', 'I70.4': 'I70.8', 'I70.5': 'I70.8', 'I70.6': 'I70.8', 'I70.7': 'I70.8', // bypass grafts
  'I77.7': 'I77.8', // other arterial dissection
  'I82.4': 'I80.2', 'I82.5': 'I80.2', // deep vein thrombosis of lower extremity (WHO: phlebitis and thrombophlebitis)
  'I82.6': 'I82.8', 'I82.7': 'I82.8', 'I82.A': 'I82.8', 'I82.B': 'I82.8', 'I82.C': 'I82.8',
  'J96.2': 'J96.9', // acute and chronic respiratory failure (WHO: .0 acute, .1 chronic, .9)
  'J84.2': 'J84.8', // lymphoid interstitial pneumonia
  'J10.2': 'J10.8', 'J11.2': 'J11.8', // influenza with gastrointestinal manifestations
  'J09.X': 'J09',
  'F01.5': 'F01.9', 'F01.A': 'F01.9', 'F01.B': 'F01.9', 'F01.C': 'F01.9', // vascular dementia by severity
  'F02.A': 'F02.8', 'F02.B': 'F02.8', 'F02.C': 'F02.8',
  'F32.A': 'F32.9',
  'R56.9': 'R56.8', // convulsions NOS
  'T61.7': 'T61.2', // other fish and shellfish poisoning
  'T63.7': 'T63.8', // contact with venomous plant
  'T79.A': 'T79.6', // traumatic compartment syndrome
  'E11.A': 'E11.9', // type 2 diabetes in remission
  'R62.5': 'R62.8', 'R62.7': 'R62.8', // failure to thrive (child, adult)
  // More categories WHO does not subdivide.
  'A38.0': 'A38', 'A38.1': 'A38', 'A38.8': 'A38', 'A38.9': 'A38',
  'B07.0': 'B07', 'B07.8': 'B07', 'B07.9': 'B07',
  'B99.8': 'B99', 'B99.9': 'B99',
  'D70.0': 'D70', 'D70.1': 'D70', 'D70.2': 'D70', 'D70.3': 'D70', 'D70.4': 'D70', 'D70.8': 'D70', 'D70.9': 'D70',
  'F55.0': 'F55', 'F55.1': 'F55', 'F55.2': 'F55', 'F55.3': 'F55', 'F55.4': 'F55', 'F55.8': 'F55',
  'J47.0': 'J47', 'J47.1': 'J47', 'J47.9': 'J47',
  'R14.0': 'R14', 'R14.1': 'R14', 'R14.2': 'R14', 'R14.3': 'R14',
  'R15.0': 'R15', 'R15.1': 'R15', 'R15.2': 'R15', 'R15.9': 'R15',
  // CM 3-character codes that WHO subdivides: its "unspecified" code.
  F66: 'F66.9', F70: 'F70.9', F71: 'F71.9', F72: 'F72.9', F73: 'F73.9', F78: 'F78.9', F79: 'F79.9',
  // CM subcategories with no WHO counterpart, to the WHO code that holds them.
  'D57.4': 'D57.2', // sickle-cell thalassaemia: double heterozygous sickling
  'E66.3': null, // overweight
  'E78.7': 'E78.8', // disorders of bile acid and cholesterol metabolism
  'E88.4': 'E88.8', // mitochondrial metabolism disorders
  'F42.3': 'F42.8', 'F42.4': 'F42.8', // hoarding, excoriation
  'G04.3': 'G04.8', 'G05.3': 'G05.8', 'G05.4': 'G05.8',
  'G11.5': 'G11.8', 'G11.6': 'G11.8', 'G23.3': 'G23.8',
  'G43.4': 'G43.8', 'G43.5': 'G43.8', 'G43.6': 'G43.8', 'G43.7': 'G43.8',
  'G47.5': 'G47.8', 'G47.6': 'G47.8',
  'G65.0': null, 'G65.1': null, 'G65.2': null, // sequelae of polyneuropathies (CM only)
  'I20.2': 'I20.8', // refractory angina
  'I23.7': 'I23.8', // postinfarction angina
  'I75.0': null, 'I75.8': null, 'I76': null, // atheroembolism, septic arterial embolism (CM only)
  'I95.3': 'I95.8', // hypotension of haemodialysis
  'I97.3': 'I97.8', 'I97.4': 'I97.8', 'I97.5': 'I97.8', 'I97.6': 'I97.8', 'I97.7': 'I97.8',
  'J70.5': 'J70.8', // respiratory conditions due to smoke inhalation
  'K65.1': 'K65.0', 'K65.2': 'K65.0', 'K65.3': 'K65.8', 'K65.4': 'K65.8', // peritoneal abscess, SBP
  'K68.1': 'K65.0', 'K68.2': 'K66.8', 'K68.3': 'K66.8', 'K68.9': 'K66.8', // retroperitoneum (CM K68)
  'K80.6': 'K80.4', 'K80.7': 'K80.5', // calculus of gallbladder and bile duct
  'R06.9': 'R06.8', 'R07.8': 'R07.3', 'R07.9': 'R07.4', // chest pain NOS is WHO R07.4
  'R10.8': 'R10.4', 'R10.9': 'R10.4', // abdominal pain NOS is WHO R10.4
  'R29.5': 'R29.8', 'R29.9': 'R29.8', 'R39.9': 'R39.8',
  'R37': null, 'R40.3': 'R40.2', 'R40.4': null, 'R41.4': 'R41.8',
  'R44.9': 'R44.8', 'R47.9': 'R47.8', 'R48.9': 'R48.8', 'R49.9': 'R49.8',
  'R63.6': null, // underweight (WHO R63.6 is insufficient intake due to self-neglect)
  'T74.4': 'T74.1', // shaken infant syndrome
  'S21.3': 'S21.1', 'S21.4': 'S21.2', 'S31.6': 'S31.1', // open wounds with penetration into a cavity
  // Unspecified viral hepatitis C: CM B19.2 has no WHO counterpart; NCHS and CDC hepatitis
  // mortality count hepatitis C as B17.1 (acute) and B18.2 (chronic), and HCV on a death
  // certificate is almost always chronic. Unspecified hepatitis B has no safe choice: left out.
  'B19.2': 'B18.2', 'B19.1': null,
};

/** Codes that are a valid-looking CM code (optionally ending in "-" for "more characters needed"). */
const CM_CODE = /^([A-Z]\d[0-9A-Z])(?:\.([0-9A-Z]{1,4}))?-?$/;

/**
 * Maps one CM code (as printed in an index, e.g. "I25.10", "I63.9-", "T40.411", "W34.00") to a
 * WHO ICD-10 code, or null when there is none that is safe.
 */
export function cmToWho(printed: string, cmCodes: ReadonlySet<string>): string | null {
  const code = printed.trim().replace(/\.-$/, '.').replace(/-$/, '');
  if (code.endsWith('.')) return null; // "O16.-": a category that needs a 4th character we do not have
  const m = CM_CODE.exec(code);
  if (!m) return null;
  const category = m[1]!;
  const rest = m[2] ?? '';
  const letter = category[0]!;

  if (/[A-Z]/.test(category[2]!)) return null; // C4A, C7A, D3A, I5A, M1A, O9A...: CM only
  if (letter === 'Z') return null; // factors influencing health status: not causes of death
  if (letter === 'U' && !['U07.0', 'U07.1', 'U09.9'].includes(code)) return null;
  if (DROP_CATEGORIES.has(category)) return null;

  if (code in EXACT) return EXACT[code] ?? null;
  for (const [prefix, who] of PREFIX) if (code.startsWith(prefix)) return who;

  // External causes: 3 characters, except transport accidents (V01-V99) whose 4th character
  // (victim and traffic status) is shared by CM and WHO, and water transport (V90-V94), whose
  // 4th character is the event in CM but the type of watercraft in WHO.
  if (letter === 'W' || letter === 'X' || letter === 'Y') return yCategoryAllowed(category) ? category : null;
  if (letter === 'V') {
    const n = Number(category.slice(1));
    if (n >= 90 && n <= 94) return `${category}.9`;
    if (n >= 98) return category;
  }

  if (category >= 'F10' && category <= 'F19' && rest.length >= 1) return substanceDisorder(category, rest);
  if (category === 'J45' && rest.length >= 1) return asthma(rest);

  const four = rest.length > 0 ? `${category}.${rest[0]}` : category;
  const truncated = rest.length > 0 && cmCodes.has(four) ? four : category;
  if (truncated in AFTER_TRUNCATION) return AFTER_TRUNCATION[truncated] ?? null;
  // A letter as 4th character is a CM-only subcategory: use the category's "unspecified" code.
  if (/^[A-Z]\d\d\.[A-Z]$/.test(truncated)) return cmCodes.has(`${category}.9`) ? `${category}.9` : null;
  // A bare category that CM subdivides: the index asked for more characters than it printed.
  if (truncated === category && rest.length === 0 && hasSubcategories(category, cmCodes)) {
    return null;
  }
  return truncated;
}

/** Only external causes that are causes of death (V01-Y36); Y40-Y84 complications, Y85-Y98 sequelae and supplementary factors are left out. */
function yCategoryAllowed(category: string): boolean {
  if (category[0] !== 'Y') return true;
  return category <= 'Y36';
}

function hasSubcategories(category: string, cmCodes: ReadonlySet<string>): boolean {
  for (const d of '0123456789') if (cmCodes.has(`${category}.${d}`)) return true;
  return false;
}

/**
 * F10-F19 (mental and behavioural disorders due to psychoactive substance use). CM's 4th
 * character is abuse (1) / dependence (2) / use (9) and the 5th the complication; WHO's 4th
 * character is the clinical state: .0 acute intoxication, .1 harmful use, .2 dependence,
 * .3 withdrawal, .4 withdrawal with delirium, .5 psychotic, .6 amnesic, .7 residual/late-onset
 * (incl. dementia), .8 other, .9 unspecified.
 */
function substanceDisorder(category: string, rest: string): string | null {
  const use = rest[0]!; // 1 abuse, 2 dependence, 9 use
  const state = rest[1]; // complication, when given
  const sixth = rest[2];
  const base = use === '1' ? '1' : use === '2' ? '2' : use === '9' ? '9' : null;
  if (base === null) return null;
  switch (state) {
    case undefined:
    case '0': // uncomplicated
    case '1': // in remission
      return `${category}.${base}`;
    case '2': // with intoxication: WHO acute intoxication, but keep dependence as dependence
      return use === '2' ? `${category}.2` : `${category}.0`;
    case '3': // with withdrawal (6th 1: with delirium)
      return sixth === '1' ? `${category}.4` : `${category}.3`;
    case '5':
      return `${category}.5`;
    case '6':
      return `${category}.6`;
    case '7':
      return `${category}.7`;
    case '4': // mood disorder
    case '8': // other specified disorders
      return use === '2' ? `${category}.2` : `${category}.8`;
    case '9':
      return use === '2' ? `${category}.2` : `${category}.9`;
    default:
      return null;
  }
}

/** J45: CM subdivides by severity (J45.2-J45.5) with a 6th character for status asthmaticus (2). */
function asthma(rest: string): string {
  if (rest[2] === '2') return 'J46'; // status asthmaticus
  const sub = rest[0]!;
  if ('2345'.includes(sub)) return 'J45.9';
  return `J45.${sub}`;
}

/** WHO codes that are terminal mechanisms, not causes (DOMAIN.md); respiratory ones only when the wording is a failure/arrest. */
const MECHANISM_CODES = new Set(['I46.0', 'I46.9', 'I49.0', 'R09.2', 'J96.0', 'J96.1', 'J96.9', 'R68.8']);
const MECHANISM_WORDS = /\b(arrest|failure|insufficiency|asystole|fibrillation|dysfunction|standstill)\b/;

/** The lexicon kind of a WHO code, given the (normalised) term it codes. */
export function kindOf(who: string, term: string): LexiconKind | null {
  const letter = who[0];
  const n = Number(who.slice(1, 3));
  if (MECHANISM_CODES.has(who) && MECHANISM_WORDS.test(term)) return 'mechanism';
  switch (letter) {
    case 'V':
    case 'W':
    case 'X':
    case 'Y':
      return 'external';
    case 'S':
      return 'injury';
    case 'T':
      return n >= 36 && n <= 65 ? 'drug' : 'injury';
    case 'R':
      return 'ill_defined';
    case 'Z':
      return null;
    default:
      return 'condition';
  }
}

/**
 * Corrections that depend on the wording, not only on the code:
 * - a fracture of unspecified site is WHO T14.2 (CM T14.8, other injury);
 * - heart failure called congestive is WHO I50.0 (CM codes all heart failure NOS to I50.9);
 * - stroke not described as an infarction is WHO I64 (CM indexes it to I63.9);
 * - diabetes not stated as type 2 is WHO E14 (CM defaults unspecified diabetes to type 2, E11).
 */
export function applyWordingRules(term: string, who: string): string {
  const words = new Set(term.split(' '));
  if (who.startsWith('I50') && words.has('congestive')) return 'I50.0';
  // CM indexes "Fracture, traumatic" NOS to T14.8 (other injury); WHO has T14.2, fracture of unspecified body region.
  if (who === 'T14.8' && (words.has('fracture') || words.has('fractures'))) return 'T14.2';
  if (who === 'I63.9' && (words.has('stroke') || words.has('apoplexy') || words.has('cva') || words.has('accident')) &&
      !/\b(infarct|infarction|ischemic|ischaemic|embolic|thrombotic|cryptogenic|lacunar|occlusion)\b/.test(term)) {
    return 'I64';
  }
  if (who.startsWith('E11') && !/\b(type 2|type ii|type two|non insulin dependent|noninsulin dependent|niddm|adult onset|maturity onset)\b/.test(term)) {
    return `E14${who.slice(3)}`;
  }
  return who;
}
