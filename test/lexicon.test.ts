import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildLexicon, drugNamesTsv, lexiconTsv } from '../pipeline/coding/lexicon/build/build-lexicon.ts';
import { applyWordingRules, cmToWho, loadCmCodes } from '../pipeline/coding/lexicon/build/cm-to-who.ts';
import { ICD10CM_DIR } from '../pipeline/coding/lexicon/build/tables.ts';
import { loadLexicon, type Lexicon, type LexiconEntry } from '../pipeline/coding/lexicon/lexicon.ts';
import { Rng } from '../fixtures/generator/random.ts';
import { normalisedWords, normaliseText } from '../pipeline/coding/lexicon/normalise.ts';

const DATA = fileURLToPath(new URL('../pipeline/coding/lexicon/data/', import.meta.url));

let lexicon: Lexicon;
let byTerm: Map<string, LexiconEntry[]>;

/** The codes of a term as a certifier writes it (normalised as the coder does). */
function codes(text: string): string[] {
  return (byTerm.get(normaliseText(text)) ?? []).map((e) => e.code).sort();
}
function entries(text: string): LexiconEntry[] {
  return byTerm.get(normaliseText(text)) ?? [];
}

beforeAll(() => {
  lexicon = loadLexicon();
  byTerm = new Map();
  for (const e of lexicon.entries) {
    const list = byTerm.get(e.term);
    if (list) list.push(e);
    else byTerm.set(e.term, [e]);
  }
});

/** The normalisation as first written, with regular expressions: the scan must give the same text. */
function normaliseByRegex(text: string): string {
  let out = text.toLowerCase();
  if (/[^\x00-\x7f]/.test(out)) out = out.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
  return out.replace(/[^a-z0-9]+/g, ' ').trim();
}

describe('normaliseText', () => {
  it('lower-cases, strips accents and joins the runs of letters and digits with one space', () => {
    expect(normaliseText('Methicillin-resistant S. aureus')).toBe('methicillin resistant s aureus');
    expect(normaliseText('  BP 151/78 HR 62 SpO2 92%  ')).toBe('bp 151 78 hr 62 spo2 92');
    expect(normaliseText('Café Crème')).toBe('cafe creme');
    expect(normaliseText('')).toBe('');
    expect(normaliseText('--//--')).toBe('');
    expect(normalisedWords('fentanyl')).toEqual(['fentanyl']);
    expect(normalisedWords(' . ')).toEqual([]);
  });

  it('gives the same text as the regular-expression version on 20,000 random strings', () => {
    // Letters of both cases, digits, punctuation, whitespace of several kinds and non-ASCII
    // letters with and without accents, in runs, so every boundary case comes up.
    const alphabet = ['a', 'Z', 'q', '0', '9', ' ', '  ', '\t', '\n', '.', '/', '-', '%', '_', 'é', 'Ü', 'ß', 'İ', 'ø', '\u00a0', '\u2003', 'ﬁ', '日', 'x\u0301', 'Ω'];
    const random = new Rng(7, 'normalise');
    const bad: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      let text = '';
      const length = random.int(12);
      for (let i = 0; i < length; i++) text += alphabet[random.int(alphabet.length)];
      if (normaliseText(text) !== normaliseByRegex(text)) bad.push(JSON.stringify(text));
      if (normalisedWords(text).join(' ') !== normaliseByRegex(text)) bad.push(`words of ${JSON.stringify(text)}`);
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });
});

describe('committed lexicon: shape', () => {
  it('loads the table and its version', () => {
    expect(lexicon.entries.length).toBeGreaterThan(50_000);
    expect(lexicon.version).toMatch(/^lexicon\/\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$/);
  });

  it('version.json names the sha256 of lexicon.tsv and drug-names.tsv and counts its terms', () => {
    const tsv = readFileSync(`${DATA}lexicon.tsv`);
    const names = readFileSync(`${DATA}drug-names.tsv`);
    const digest = createHash('sha256').update(tsv).digest('hex');
    const both = createHash('sha256').update(Buffer.concat([tsv, names])).digest('hex');
    const info = JSON.parse(readFileSync(`${DATA}version.json`, 'utf8')) as { version: string; sha256: string; drugNamesSha256: string; terms: number; sources: unknown[] };
    expect(info.sha256).toBe(digest);
    expect(info.drugNamesSha256).toBe(createHash('sha256').update(names).digest('hex'));
    // The version names both tables: a changed drug name is a new lexicon version.
    expect(info.version.endsWith(`-${both.slice(0, 8)}`)).toBe(true);
    expect(info.version).toBe(lexicon.version);
    expect(info.terms).toBe(byTerm.size);
    expect(info.sources.length).toBeGreaterThanOrEqual(4);
    expect(tsv.length).toBeLessThan(6_000_000);
  });

  // The row checks collect offenders and compare once: an expect per row is slow on 100k rows.
  it('every code is a dotted WHO ICD-10 code, every kind and source known', () => {
    const kinds = new Set(['drug', 'condition', 'injury', 'external', 'ill_defined', 'mechanism']);
    const sources = new Set(['cm-drugs', 'cm-index', 'cm-external', 'curated']);
    const bad = lexicon.entries.filter((e) => !/^[A-Z]\d\d(\.\d)?$/.test(e.code) || !kinds.has(e.kind) || !sources.has(e.source));
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('terms are normalised, rows unique and sorted by term then code', () => {
    const bad: string[] = [];
    let previous = '';
    for (const e of lexicon.entries) {
      const key = `${e.term}\t${e.code}`;
      if (normaliseText(e.term) !== e.term) bad.push(`not normalised: ${e.term}`);
      if (!(key > previous)) bad.push(`out of order or duplicate: ${previous} / ${key}`);
      previous = key;
    }
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('kinds follow the codes', () => {
    const pattern: Record<string, RegExp> = {
      drug: /^T(3[6-9]|[45]\d|6[0-5])/,
      external: /^[VWXY]/,
      ill_defined: /^R/,
      injury: /^(S|T[0-2]\d|T3[0-5]|T6[6-9]|T[78]\d)/,
      condition: /^([A-Q]|U0[79])/,
      mechanism: /^(I46|I49\.0|I50\.9|R09\.2|R06\.8|J96|R68\.8)/,
    };
    const bad = lexicon.entries.filter((e) => !pattern[e.kind]!.test(e.code));
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('a term has at most one nature code and one external-cause code', () => {
    const bad = [...byTerm].filter(([, list]) => list.filter((e) => e.kind !== 'external').length > 1 || list.filter((e) => e.kind === 'external').length > 1);
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it('generic words are not terms', () => {
    for (const word of ['disease', 'acute', 'chronic', 'history', 'use', 'condition', 'failure', 'syndrome', 'disorder', 'injury', 'of', 'the', 'and', 'unknown', 'natural', 'pending', 'ca', 'sob']) {
      expect(byTerm.has(word), word).toBe(false);
    }
  });

  it('keeps ICD-10-CM-only codes out', () => {
    const cmOnly = /^(I16|E08|E09|B20|N18\.6|I96|F03\.|E86\.|G20\.|T71\.|T58\.|I50\.[2-8]|J96\.2|Y(3[7-9]|[4-9]\d)|V00|Z)/;
    const bad = lexicon.entries.filter((e) => cmOnly.test(e.code));
    expect(bad.slice(0, 10)).toEqual([]);
  });
});

describe('committed lexicon: causes of death', () => {
  const examples: [string, string][] = [
    ['myocardial infarction', 'I21.9'],
    ['acute myocardial infarction', 'I21.9'],
    // WHO I25.0: atherosclerotic cardiovascular disease, so described (ICD-10-CM has no equivalent).
    ['Atherosclerotic cardiovascular disease', 'I25.0'],
    ['ASCVD', 'I25.0'],
    ['hypertensive heart disease', 'I11.9'],
    ['hypertensive cardiovascular disease', 'I11.9'],
    ['hypertension', 'I10'],
    ['HTN', 'I10'],
    ['chronic obstructive pulmonary disease', 'J44.9'],
    ['COPD', 'J44.9'],
    ['pneumonia', 'J18.9'],
    ['aspiration pneumonia', 'J69.0'],
    ['sepsis', 'A41.9'],
    ["Alzheimer's disease", 'G30.9'],
    ['alzheimer disease', 'G30.9'],
    ['alzheimers dementia', 'G30.9'],
    ['type 2 diabetes mellitus', 'E11.9'],
    ['diabetes mellitus', 'E14.9'],
    ['cirrhosis of liver', 'K74.6'],
    ['alcoholic cirrhosis', 'K70.3'],
    ['end stage renal disease', 'N18.5'],
    ['ESRD', 'N18.5'],
    ['cerebrovascular accident', 'I64'],
    ['stroke', 'I64'],
    ['CVA', 'I64'],
    ['cerebral infarction', 'I63.9'],
    ['metastatic lung cancer', 'C34.9'],
    ['carcinoma of lung', 'C34.9'],
    ['carcinoma of the lung', 'C34.9'],
    ['pancreatic cancer', 'C25.9'],
    ['COVID-19', 'U07.1'],
    ['covid 19', 'U07.1'],
    ['congestive heart failure', 'I50.0'],
    ['CHF', 'I50.0'],
    ['heart failure', 'I50.9'],
    ['dementia', 'F03'],
    ['coronary artery disease', 'I25.1'],
    ['chronic alcoholism', 'F10.2'],
    ['urinary tract infection', 'N39.0'],
    ['diabetic ketoacidosis', 'E14.1'],
    ['hepatic encephalopathy', 'K72.9'],
    ['hip fracture', 'S72.0'],
    ['multiple blunt force injuries', 'T07'],
    ['sudden cardiac death', 'I46.1'],
    ['cardiovascular disease', 'I51.6'],
    ['septic shock', 'A41.9'],
  ];
  it.each(examples)('%s → %s', (term, code) => {
    expect(codes(term).filter((c) => !/^[VWXY]/.test(c))).toEqual([code]);
  });

  it('mechanisms are coded and marked as mechanisms', () => {
    for (const [term, code] of [
      ['cardiac arrest', 'I46.9'],
      ['cardiopulmonary arrest', 'I46.9'],
      ['asystole', 'I46.9'],
      ['respiratory arrest', 'R09.2'],
      ['respiratory failure', 'J96.9'],
      ['acute respiratory failure', 'J96.0'],
      ['multiorgan failure', 'R68.8'],
      ['multi-organ failure', 'R68.8'],
      ['multisystem organ failure', 'R68.8'],
      ['ventricular fibrillation', 'I49.0'],
    ] as const) {
      expect(entries(term).map((e) => [e.code, e.kind]), term).toEqual([[code, 'mechanism']]);
    }
  });

  it('injuries carry the nature of injury and the external cause', () => {
    const pair = (term: string) => entries(term).map((e) => `${e.kind}:${e.code}`).sort();
    expect(pair('gunshot wound')).toEqual(['external:W34', 'injury:T14.1']);
    expect(pair('GSW')).toEqual(['external:W34', 'injury:T14.1']);
    expect(pair('gunshot wound of head')).toEqual(['external:W34', 'injury:S01.9']);
    expect(pair('stab wound')).toEqual(['external:W26', 'injury:T14.1']);
    expect(pair('drowning')).toEqual(['external:W74', 'injury:T75.1']);
    expect(pair('asphyxia due to hanging')).toEqual(['external:W76', 'injury:T71']);
    expect(pair('MVC')).toEqual(['external:V89.2']);
    expect(pair('motor vehicle collision')).toEqual(['external:V89.2']);
    expect(pair('fall')).toEqual(['external:W19']);
    expect(pair('fall from ladder')).toEqual(['external:W11']);
    expect(pair('fall down stairs')).toEqual(['external:W10']);
    expect(pair('fell down stairs')).toEqual(['external:W10']);
    expect(pair('drowned in bathtub')).toEqual(['external:W65']);
    expect(pair('handgun')).toEqual(['external:W32']);
    expect(pair('shotgun')).toEqual(['external:W33']);
    expect(pair('smoke inhalation')).toEqual(['drug:T59.8']);
  });
});

describe('committed lexicon: drugs', () => {
  const drugs: [string, string][] = [
    ['fentanyl', 'T40.4'],
    ['fentanil', 'T40.4'],
    ['fentanyl analog', 'T40.4'],
    ['acetylfentanyl', 'T40.4'],
    ['carfentanil', 'T40.4'],
    ['furanylfentanyl', 'T40.4'],
    ['para-fluorofentanyl', 'T40.4'],
    ['fluorofentanyl', 'T40.4'],
    ['4-ANPP', 'T40.4'],
    ['despropionyl fentanyl', 'T40.4'],
    ['valerylfentanyl', 'T40.4'],
    ['acrylfentanyl', 'T40.4'],
    ['cyclopropylfentanyl', 'T40.4'],
    ['methoxyacetylfentanyl', 'T40.4'],
    ['tramadol', 'T40.4'],
    ['tapentadol', 'T40.4'],
    ['isotonitazene', 'T40.4'],
    ['metonitazene', 'T40.4'],
    ['protonitazene', 'T40.4'],
    ['U-47700', 'T40.4'],
    ['heroin', 'T40.1'],
    ['6-monoacetylmorphine', 'T40.1'],
    ['6-MAM', 'T40.1'],
    ['morphine', 'T40.2'],
    ['codeine', 'T40.2'],
    ['oxycodone', 'T40.2'],
    ['Percocet', 'T40.2'],
    ['OxyContin', 'T40.2'],
    ['hydrocodone', 'T40.2'],
    ['Vicodin', 'T40.2'],
    ['hydromorphone', 'T40.2'],
    ['Dilaudid', 'T40.2'],
    ['oxymorphone', 'T40.2'],
    ['buprenorphine', 'T40.2'],
    ['methadone', 'T40.3'],
    ['opioid', 'T40.6'],
    ['opiates', 'T40.6'],
    ['cocaine', 'T40.5'],
    ['crack cocaine', 'T40.5'],
    ['cocaethylene', 'T40.5'],
    ['benzoylecgonine', 'T40.5'],
    ['methamphetamine', 'T43.6'],
    ['meth', 'T43.6'],
    ['amphetamine', 'T43.6'],
    ['MDMA', 'T43.6'],
    ['ecstasy', 'T43.6'],
    ['Adderall', 'T43.6'],
    ['alprazolam', 'T42.4'],
    ['Xanax', 'T42.4'],
    ['clonazepam', 'T42.4'],
    ['diazepam', 'T42.4'],
    ['nordiazepam', 'T42.4'],
    ['etizolam', 'T42.4'],
    ['bromazolam', 'T42.4'],
    ['benzos', 'T42.4'],
    ['gabapentin', 'T42.6'],
    ['ethanol', 'T51.0'],
    ['alcohol', 'T51.0'],
    ['ETOH', 'T51.0'],
    ['acetaminophen', 'T39.1'],
    ['diphenhydramine', 'T45.0'],
    ['xylazine', 'T46.5'],
    ['cannabis', 'T40.7'],
    ['carbon monoxide', 'T58'],
    ['drug', 'T50.9'],
    ['mixed drug', 'T50.9'],
    ['polysubstance', 'T50.9'],
    ['OD', 'T50.9'],
  ];
  it.each(drugs)('%s → %s', (term, code) => {
    expect(entries(term).map((e) => [e.code, e.kind])).toEqual([[code, 'drug']]);
  });

  it('MRSA is not a drug', () => {
    expect(entries('MRSA').every((e) => e.kind !== 'drug')).toBe(true);
    expect(entries('methicillin resistant').length).toBe(0);
  });
});

describe('CM → WHO mapping', () => {
  let cm: Set<string>;
  beforeAll(() => {
    cm = existsSync(ICD10CM_DIR) ? loadCmCodes() : new Set();
  });
  const cases: [string, string | null][] = [
    ['N18.6', 'N18.5'],
    ['I25.10', 'I25.1'],
    ['E11.9', 'E11.9'],
    ['J44.9', 'J44.9'],
    ['K70.30', 'K70.3'],
    ['F10.20', 'F10.2'],
    ['F10.10', 'F10.1'],
    ['F10.239', 'F10.3'],
    ['F10.231', 'F10.4'],
    ['R99', 'R99'],
    ['U07.1', 'U07.1'],
    ['T40.411', 'T40.4'],
    ['T40.421', 'T40.4'],
    ['T51.0X1', 'T51.0'],
    ['T43.651', 'T43.6'],
    ['T58.91', 'T58'],
    ['W34.00', 'W34'],
    ['V89.2XXA', 'V89.2'],
    ['F03.90', 'F03'],
    ['I50.22', 'I50.9'],
    ['I21.A1', 'I21.9'],
    ['I63.9-', 'I63.9'],
    ['B20', 'B24'],
    ['I16.1', 'I10'],
    ['R65.21', 'R57.2'],
    ['E86.0', 'E86'],
    ['G20.A1', 'G20'],
    ['I82.409', 'I80.2'],
    ['C56.9', 'C56'],
    ['Z86.73', null],
    ['Y92.009', null],
    ['C7A.00', null],
    ['O16.-', null],
  ];
  it.skipIf(!existsSync(ICD10CM_DIR)).each(cases)('%s → %s', (from, to) => {
    expect(cmToWho(from, cm)).toBe(to);
  });

  it('wording rules: congestive, stroke, diabetes of unspecified type', () => {
    expect(applyWordingRules('congestive heart failure', 'I50.9')).toBe('I50.0');
    expect(applyWordingRules('stroke', 'I63.9')).toBe('I64');
    expect(applyWordingRules('ischemic stroke', 'I63.9')).toBe('I63.9');
    expect(applyWordingRules('diabetic nephropathy', 'E11.2')).toBe('E14.2');
    expect(applyWordingRules('type 2 diabetes mellitus', 'E11.9')).toBe('E11.9');
  });
});

describe('committed lexicon: canonical drug names', () => {
  it('names brand, street and spelling forms by their substance, and every named term is a drug term', () => {
    expect(lexicon.drugNames.get('xanax')).toBe('alprazolam');
    expect(lexicon.drugNames.get('percocet')).toBe('oxycodone');
    expect(lexicon.drugNames.get('fent')).toBe('fentanyl');
    expect(lexicon.drugNames.get('meth')).toBe('methamphetamine');
    expect(lexicon.drugNames.get('6 mam')).toBe('heroin');
    expect(lexicon.drugNames.get('ritalin')).toBe('methylphenidate');
    expect(lexicon.drugNames.has('fentanyl')).toBe(false);
    const drugTerms = new Set(lexicon.entries.filter((e) => e.kind === 'drug').map((e) => e.term));
    expect([...lexicon.drugNames.keys()].filter((term) => !drugTerms.has(term))).toEqual([]);
  });
});

describe('build', () => {
  it.skipIf(!existsSync(ICD10CM_DIR))('rebuilding from the sources gives the committed bytes', () => {
    const result = buildLexicon();
    const committed = readFileSync(`${DATA}lexicon.tsv`, 'utf8');
    expect(lexiconTsv(result.rows) === committed).toBe(true);
    expect(drugNamesTsv(result.drugNames)).toBe(readFileSync(`${DATA}drug-names.tsv`, 'utf8'));
  });
});
