import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CmCodes, dottedDiagnosis } from '../pipeline/coding/ed/cm-codes.ts';
import { createEdCoder, type EdCodeResult, toEdContractJson } from '../pipeline/coding/ed/index.ts';
import { triageSentences } from '../pipeline/coding/ed/shorthand.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import type { EdVisit } from '../pipeline/records/ed-visit.ts';

const tables = loadEdTables();
const coder = createEdCoder(tables);
const cm = new CmCodes(tables.categories);

function visit(cc: string, note = '', dx: string[] = [], age: number | null = 35): EdVisit {
  return { visitId: 'v1', facilityId: 'F1', visitDatetime: '2024-05-01T10:00', age, sex: 'F', patientCountyFips: null, chiefComplaint: cc || null, triageNote: note || null, dischargeDiagnoses: dx };
}
const code = (cc: string, note = '', dx: string[] = [], age: number | null = 35) => coder.code(visit(cc, note, dx, age));

interface GoldenCase {
  id: string;
  cc: string;
  note: string;
  dx: string[];
  age: number;
  codes: string[];
  drugs: string[];
  negated: string[];
  intent: string;
  review: boolean;
}

function readCases(): GoldenCase[] {
  const lines = readFileSync(new URL('./golden/ed/coder-cases.tsv', import.meta.url), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  const list = (s: string, sep: string) => s.split(sep).map((x) => x.trim()).filter((x) => x !== '').sort();
  return lines.slice(1).map((line) => {
    const [id, cc, note, dx, age, codes, drugs, negated, intent, review] = line.split('\t') as string[];
    return { id: id!, cc: cc!, note: note!, dx: list(dx!, ';'), age: age ? Number(age) : 35, codes: list(codes!, ' '), drugs: list(drugs!, ';'), negated: list(negated!, ';'), intent: intent!, review: review === 'yes' };
  });
}

const negatedMentions = (r: EdCodeResult) => [...new Set(r.negated.map((n) => n.slice(0, n.indexOf(':'))))].sort();

describe('golden ED cases (test/golden/ed/coder-cases.tsv)', () => {
  const cases = readCases();
  it('has at least 300 cases with unique ids', () => {
    expect(cases.length).toBeGreaterThanOrEqual(300);
    expect(new Set(cases.map((c) => c.id)).size).toBe(cases.length);
  });
  it.each(cases.map((c) => [`${c.id} ${c.cc} | ${c.note} | ${c.dx.join(';')}`, c] as const))('%s', (_, c) => {
    const result = code(c.cc, c.note, c.dx, c.age);
    expect({
      codes: [...result.codes].sort(),
      drugs: result.drugs.map((d) => d.name).sort(),
      negated: negatedMentions(result),
      intent: result.intent ?? '-',
      review: result.review.required,
    }).toEqual({ codes: c.codes, drugs: c.drugs, negated: c.negated, intent: c.intent, review: c.review });
  });
});

describe('ICD-10-CM poisoning codes', () => {
  it('builds the intent and 7th characters with placeholders where the code is short', () => {
    expect(cm.poisoning('T40.41', '1')).toBe('T40.411A');
    expect(cm.poisoning('T40.1', '1')).toBe('T40.1X1A');
    expect(cm.poisoning('T40.60', '1')).toBe('T40.601A');
    expect(cm.poisoning('T50.90', '3')).toBe('T50.903A');
    expect(cm.poisoning('T51.0', '1')).toBe('T51.0X1A');
    expect(cm.poisoning('T43.65', '2')).toBe('T43.652A');
    expect(cm.poisoning('T42.7', '2')).toBe('T42.72XA');
    expect(cm.poisoning('T58.9', '1')).toBe('T58.91XA');
    expect(() => cm.poisoning('T40.4', '1')).toThrow(/no ICD-10-CM poisoning code/);
  });
  it('reads category, intent and encounter back from a diagnosis', () => {
    expect(cm.poisoningOf('T40.411A')).toMatchObject({ category: { category: 'T40.41', deathCode: 'T40.4' }, intent: '1', encounter: 'A' });
    expect(cm.poisoningOf('T40.1X4A')).toMatchObject({ category: { category: 'T40.1' }, intent: '4' });
    expect(cm.poisoningOf('T42.71XA')).toMatchObject({ category: { category: 'T42.7' }, intent: '1' });
    expect(cm.poisoningOf('T40.411')).toMatchObject({ encounter: null });
    expect(cm.poisoningOf('T40.415A')).toBeNull(); // adverse effect, not poisoning
    expect(cm.poisoningOf('T40.411Z')).toBeNull();
    expect(cm.poisoningOf('R07.9')).toBeNull();
  });
  it('dots and shape-checks discharge diagnoses as feeds send them', () => {
    expect(dottedDiagnosis('T40411A')).toBe('T40.411A');
    expect(dottedDiagnosis(' r45.1 ')).toBe('R45.1');
    expect(dottedDiagnosis('R55')).toBe('R55');
    expect(dottedDiagnosis('XYZ')).toBeNull();
    expect(dottedDiagnosis('T4')).toBeNull();
  });
  it('bridges CM categories to the death-side classes (one table)', () => {
    const death = (c: string) => tables.categories.get(c)!.deathCode;
    for (const c of ['T40.41', 'T40.42', 'T40.49']) expect(death(c)).toBe('T40.4');
    for (const c of ['T43.60', 'T43.62', 'T43.64', 'T43.65', 'T43.69']) expect(death(c)).toBe('T43.6');
    for (const c of ['T40.71', 'T40.72']) expect(death(c)).toBe('T40.7');
    expect([death('T40.1'), death('T40.2'), death('T40.3'), death('T40.5'), death('T42.4'), death('T51.0'), death('T50.90'), death('T40.60')]).toEqual(['T40.1', 'T40.2', 'T40.3', 'T40.5', 'T42.4', 'T51.0', 'T50.9', 'T40.6']);
    const opioid = (c: string) => tables.categories.get(c)!.anyOpioid;
    expect(['T40.0', 'T40.1', 'T40.2', 'T40.3', 'T40.41', 'T40.42', 'T40.49', 'T40.60', 'T40.69'].every(opioid)).toBe(true);
    expect(['T40.5', 'T40.71', 'T43.65', 'T42.4', 'T51.0'].some(opioid)).toBe(false);
  });
});

describe('triage shorthand', () => {
  it('expands abbreviations into words, sentence by sentence', () => {
    expect(triageSentences('pt fd down, narcan x2, ?OD')).toEqual([['patient', 'found', 'down', 'narcan', 'x2', 'possible', 'overdose']]);
    expect(triageSentences('s/p fall w/o LOC. h/o IVDU')).toEqual([['status', 'post', 'fall', 'without', 'loss', 'of', 'consciousness'], ['history', 'of', 'intravenous', 'drug', 'use']]);
    expect(triageSentences('c/o SOB, +etoh, hx SI')).toEqual([['complains', 'of', 'shortness', 'of', 'breath', 'positive', 'etoh', 'history', 'of', 'suicidal', 'ideation']]);
    expect(triageSentences('O.D. on fent; 0.4mg narcan')).toEqual([['overdose', 'on', 'fent'], ['0', '4mg', 'narcan']]);
  });
  it('reads OD beside eye words as the right eye', () => {
    expect(triageSentences('eye pain OD')).toEqual([['eye', 'pain', 'right', 'eye']]);
    expect(triageSentences('FB sensation OD')[0]).toContain('right');
    expect(triageSentences('OD on heroin')[0]).toEqual(['overdose', 'on', 'heroin']);
  });
});

describe('drug names', () => {
  it('corrects one-edit misspellings of drug names but not ordinary words', () => {
    for (const [cc, name] of [['fentanly OD', 'fentanyl'], ['herion OD', 'heroin'], ['cocain OD', 'cocaine'], ['methamphetamin OD', 'methamphetamine'], ['oxycodon OD', 'oxycodone']] as const) {
      expect(code(cc).drugs.map((d) => d.name)).toEqual([name]);
    }
    expect(code('OD', 'more confused than baseline').drugs.map((d) => d.name)).toEqual(['unspecified drugs, medicaments and biological substances']);
    expect(code('overdose', 'blood in saliva').drugs.map((d) => d.name)).not.toContain('salvia');
  });
  it('reads meth only as a whole word', () => {
    expect(code('methotrexate OD').drugs.map((d) => d.code)).toEqual(['T45.1']);
    expect(code('meth OD').drugs.map((d) => d.code)).toEqual(['T43.65']);
    expect(code('methocarbamol OD').drugs.map((d) => d.code)).toEqual(['T42.8']);
  });
  it('reports drugs with their CM category and death-side class', () => {
    expect(code('OD on fent and coke').drugs).toEqual([
      { name: 'fentanyl', code: 'T40.41', deathClass: 'T40.4' },
      { name: 'cocaine', code: 'T40.5', deathClass: 'T40.5' },
    ]);
  });
});

describe('the coder', () => {
  it('is deterministic and hands out results the next visit cannot see changed', () => {
    const a = code('OD on fent', 'denies etoh');
    a.codes.push('X');
    a.negated.push('Y');
    const b = code('OD on fent', 'denies etoh');
    expect(b.codes).toEqual(['T40.411A']);
    expect(b.negated).toEqual(['etoh: negated']);
  });
  it('says why a mention is left out', () => {
    expect(code('fall', 'fentanyl 50 mcg IV given in ED for pain').negated).toEqual(['fentanyl: therapeutic use, not poisoning']);
    expect(code('CP', 'denies cocaine').negated).toEqual(['cocaine: negated']);
    expect(code('cellulitis', 'hx IVDU').negated).toEqual(['intravenous drug use: history, not this visit']);
  });
  it('explains inferred codes in review reasons', () => {
    expect(code('pt found down, narcan x2 by EMS').review.reasons).toEqual(['opioid overdose inferred from naloxone given; no drug named (T40.60, unspecified narcotics)']);
    expect(code('possible OD').review.reasons[0]).toMatch(/Guidelines IV\.H/);
    expect(code('xylazine OD').review.reasons).toEqual(['no ICD-10-CM FY2025 code for xylazine (FY2026 adds T65.84-): coded with alpha-2 agonists, T46.5']);
  });
  it('stamps its versions', () => {
    expect(coder.coderVersion).toBe('vigil-ed-coder/1');
    expect(coder.lexiconVersion).toMatch(/^ed-lexicon\/\d{4}-\d{2}-\d{2}-[0-9a-f]{8}$/);
  });
  it('writes the DESIGN.md contract with the syndromes merged in', () => {
    const json = toEdContractJson(code('OD on fent', 'denies etoh'), ['CDC Opioid Overdose v3']);
    expect(Object.keys(json)).toEqual(['visit_id', 'codes', 'drugs', 'syndromes', 'negated', 'review', 'intent']);
    expect(json).toEqual({
      visit_id: 'v1',
      codes: ['T40.411A'],
      drugs: [{ name: 'fentanyl', code: 'T40.41', death_class: 'T40.4' }],
      syndromes: ['CDC Opioid Overdose v3'],
      negated: ['etoh: negated'],
      review: { required: false, reasons: [] },
      intent: 'accidental',
    });
  });
});

describe('remembered sentences', () => {
  // A field read from remembered sentences must say exactly what it says read afresh, including
  // what depends on the sentences before: an alcohol sign beside alcohol named earlier, unknown
  // words after an uncertain overdose earlier.
  it('give every field the facts it has read afresh', async () => {
    const { labeledEdVisits, DEMO_OPTIONS } = await import('../fixtures/generator/index.ts');
    const { validateEdVisitRow } = await import('../pipeline/records/ed-visit-schema.ts');
    const { analyseField, SentenceMemo } = await import('../pipeline/coding/ed/field.ts');
    const { createMatchers } = await import('../pipeline/coding/ed/matchers.ts');
    const matchers = createMatchers(tables);
    const crossSentence = [
      'pt drank a lot of etoh. odor of etoh on breath',
      'found with vodka bottle; slurred speech',
      'slurred speech. drank vodka',
      'drank vodka. slurred speech',
      'possible overdose. took some xylofentazine',
      'took some xylofentazine. possible overdose',
      'narcan x2 by EMS. used bromazolamine and metonitazene',
      'denies drug use. denies SI. narcan given. denies SI',
    ];
    const texts = [...crossSentence];
    for (const labeled of labeledEdVisits({ ...DEMO_OPTIONS, seed: 5, start: '2024-03-01', end: '2024-03-10', deathScale: 0, edScale: 0.0004 })) {
      const result = validateEdVisitRow(labeled.row);
      if (!result.ok) continue;
      for (const text of [result.visit.chiefComplaint, result.visit.triageNote]) if (text) texts.push(text);
    }
    expect(texts.length).toBeGreaterThan(2_000);
    const memo = new SentenceMemo(matchers, tables.categories, 300);
    for (const pass of [1, 2]) {
      for (const text of texts) expect(analyseField(text, matchers, tables.categories, memo), `${text} (pass ${pass})`).toEqual(analyseField(text, matchers, tables.categories));
    }
    const read = (text: string) => analyseField(text, matchers, tables.categories, memo);
    expect(read(crossSentence[0]!).alcoholSign).toBe(true);
    expect(read(crossSentence[2]!).alcoholSign).toBe(false); // the sign came before the alcohol
    expect(read(crossSentence[3]!).alcoholSign).toBe(true); // the alcohol named in the sentence before
    expect(read(crossSentence[4]!).unknownWords).toEqual(['xylofentazine']);
    expect(read(crossSentence[5]!).unknownWords).toEqual([]); // the uncertain overdose came after the word
  });
});
