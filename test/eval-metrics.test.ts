/**
 * The eval's pure metric functions (scripts/eval/), on small hand-made inputs with exact expected
 * numbers. Nothing here reads the evaluation sets in /work/shared.
 */
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { namesDrugOf } from '../scripts/eval/drug-name-patterns.ts';
import { LabelFileError, parseIntent, parseTri, readLabels } from '../scripts/eval/labels.ts';
import {
  CLASS_BY_KEY,
  CLASSES,
  CLASS_KEYS,
  agreement,
  allCodes,
  codeInClass,
  confusion,
  countTop,
  evaluate,
  findErrors,
  isOverdoseCause,
  normaliseCode,
  predictsClass,
  resolveErrorTarget,
  scores,
  targetStatus,
  type ClassKey,
  type CodedLike,
  type EvalItem,
  type LabelIntent,
  type Tri,
} from '../scripts/eval/metrics.ts';

const cls = (key: ClassKey) => CLASS_BY_KEY.get(key)!;

describe('class membership of codes', () => {
  it('compares dotted codes on their first 5 characters', () => {
    expect(codeInClass('T40.4', cls('t40_4'))).toBe(true);
    expect(codeInClass('T40.41', cls('t40_4'))).toBe(true);
    expect(codeInClass('t40.4', cls('t40_4'))).toBe(true);
    expect(codeInClass('T40.5', cls('t40_4'))).toBe(false);
    expect(codeInClass('T40', cls('t40_4'))).toBe(false);
    expect(codeInClass('X42', cls('t40_4'))).toBe(false);
    expect(codeInClass('T43.6', cls('t43_6'))).toBe(true);
    expect(codeInClass('T43.60', cls('t43_6'))).toBe(true);
  });

  it('reads an undotted code as the dotted one', () => {
    expect(normaliseCode('T404')).toBe('T40.4');
    expect(normaliseCode(' t51.0 ')).toBe('T51.0');
    expect(normaliseCode('X42')).toBe('X42');
    expect(codeInClass('T404', cls('t40_4'))).toBe(true);
  });

  it('any_opioid is T40.0-T40.4 and T40.6, not cocaine (T40.5) or cannabis (T40.7)', () => {
    const opioid = cls('any_opioid');
    expect(['T40.0', 'T40.1', 'T40.2', 'T40.3', 'T40.4', 'T40.6'].map((c) => codeInClass(c, opioid))).toEqual([true, true, true, true, true, true]);
    expect(['T40.5', 'T40.7', 'T40.8', 'T40.9', 'T42.4', 'T50.9'].map((c) => codeInClass(c, opioid))).toEqual([false, false, false, false, false, false]);
  });

  it('a class is predicted when any axis carries a code of it', () => {
    const coded = (recordAxis: string[], entity: string[], drugs: string[]): CodedLike => ({
      underlyingCause: null,
      recordAxis,
      entityAxis: entity.map((code) => ({ code })),
      drugs: drugs.map((code) => ({ code })),
      intent: null,
      review: { required: false, reasons: [] },
    });
    expect(predictsClass(coded(['X42', 'T40.1'], [], []), cls('t40_1'))).toBe(true);
    expect(predictsClass(coded(['X42'], ['T40.1'], []), cls('t40_1'))).toBe(true);
    expect(predictsClass(coded(['X42'], [], ['T40.1']), cls('t40_1'))).toBe(true);
    expect(predictsClass(coded(['X42'], ['T40.2'], ['T40.2']), cls('t40_1'))).toBe(false);
    expect(allCodes(coded(['X42', 'T40.1'], ['T40.1'], ['T40.1']))).toEqual(['X42', 'T40.1', 'T40.1', 'T40.1']);
  });
});

describe('overdose underlying causes', () => {
  it('are X40-X44, X60-X64, X85, Y10-Y14', () => {
    for (const code of ['X40', 'X42', 'X44', 'X60', 'X64', 'X85', 'Y10', 'Y12', 'Y14', 'x42']) expect(isOverdoseCause(code), code).toBe(true);
  });
  it('are not alcohol poisoning, neighbouring codes, R99 or no cause', () => {
    for (const code of ['X45', 'X65', 'Y15', 'X39', 'X59', 'X86', 'Y09', 'R99', 'I11.9', 'T40.4', '']) expect(isOverdoseCause(code), code).toBe(false);
    expect(isOverdoseCause(null)).toBe(false);
  });
});

describe('confusion counts and scores', () => {
  it('leaves out pairs whose label is blank', () => {
    const pairs: [Tri, boolean][] = [
      [1, true],
      [1, false],
      [0, true],
      [0, false],
      [null, true],
      [null, false],
    ];
    expect(confusion(pairs)).toEqual({ tp: 1, fp: 1, fn: 1, tn: 1 });
  });

  it('computes P, R, F1 and support exactly', () => {
    const s = scores({ tp: 8, fp: 2, fn: 4, tn: 6 });
    expect(s.precision).toBe(0.8);
    expect(s.recall).toBeCloseTo(8 / 12, 12);
    expect(s.f1).toBeCloseTo(16 / 22, 12);
    expect(s.support).toBe(12);
    expect(s.n).toBe(20);
  });

  it('keeps 0/0 explicit: null, not 0 or 1', () => {
    const none = scores({ tp: 0, fp: 0, fn: 0, tn: 5 });
    expect([none.precision, none.recall, none.f1]).toEqual([null, null, null]);
    // Positives exist, nothing predicted: precision undefined, recall and F1 are 0.
    const missed = scores({ tp: 0, fp: 0, fn: 3, tn: 0 });
    expect([missed.precision, missed.recall, missed.f1]).toEqual([null, 0, 0]);
    // Predictions but no positives: precision and F1 are 0, recall undefined.
    const spurious = scores({ tp: 0, fp: 2, fn: 0, tn: 1 });
    expect([spurious.precision, spurious.recall, spurious.f1]).toEqual([0, null, 0]);
    const perfect = scores({ tp: 4, fp: 0, fn: 0, tn: 0 });
    expect([perfect.precision, perfect.recall, perfect.f1]).toEqual([1, 1, 1]);
  });

  it('agreement counts equal pairs, null share when empty', () => {
    expect(agreement([])).toEqual({ n: 0, agree: 0, share: null });
    expect(
      agreement<string | null>([
        ['accident', 'accident'],
        ['suicide', 'accident'],
        ['homicide', null],
        ['undetermined', 'undetermined'],
      ]),
    ).toEqual({ n: 4, agree: 2, share: 0.5 });
  });

  it('countTop sorts by count, then text', () => {
    expect(countTop(['b', 'a', 'c', 'b', 'c', 'd'], 3)).toEqual([
      { reason: 'b', count: 2 },
      { reason: 'c', count: 2 },
      { reason: 'a', count: 1 },
    ]);
  });

  it('targets: ≥ / ≤ on the unrounded value, n/a when undefined', () => {
    expect(targetStatus(0.97, { kind: 'min', threshold: 0.97 })).toBe('ok');
    expect(targetStatus(0.9699, { kind: 'min', threshold: 0.97 })).toBe('BELOW TARGET');
    expect(targetStatus(0.1, { kind: 'max', threshold: 0.1 })).toBe('ok');
    expect(targetStatus(0.1001, { kind: 'max', threshold: 0.1 })).toBe('BELOW TARGET');
    expect(targetStatus(null, { kind: 'min', threshold: 0.97 })).toBe('n/a');
  });
});

describe('"the text names the drug" filter (made-up text)', () => {
  it('finds generic names, misspellings, analogues and brands', () => {
    expect(namesDrugOf('t40_4', 'Acute fentanil toxicity')).toBe(true);
    expect(namesDrugOf('t40_4', 'acetylfentanyl and carfentanil')).toBe(true);
    expect(namesDrugOf('t40_4', 'ACUTE U-47700 TOXICITY')).toBe(true);
    expect(namesDrugOf('t40_4', 'tramadol intoxication')).toBe(true);
    expect(namesDrugOf('t40_1', 'heroine overdose')).toBe(true);
    expect(namesDrugOf('t40_1', '6-MAM detected')).toBe(true);
    expect(namesDrugOf('t40_2', 'Percocet ingestion')).toBe(true);
    expect(namesDrugOf('t40_2', 'oxymorph, diazepam')).toBe(true);
    expect(namesDrugOf('t40_3', 'METHADONE TOXICITY')).toBe(true);
    expect(namesDrugOf('t40_5', 'benzoylecgonine present')).toBe(true);
    expect(namesDrugOf('t43_6', 'methamphetamine and amphetamine toxicity')).toBe(true);
    expect(namesDrugOf('t42_4', 'alprazolam (Xanax) and etizolam')).toBe(true);
    expect(namesDrugOf('t42_4', 'nordiazepam')).toBe(true);
    expect(namesDrugOf('t51_0', 'EtOH intoxication')).toBe(true);
    expect(namesDrugOf('any_opioid', 'opiate toxicity')).toBe(true);
  });

  it('reads shorthand lists but not the pronoun "her"', () => {
    expect(namesDrugOf('t40_1', 'fen, her, coc')).toBe(true);
    expect(namesDrugOf('t40_1', 'fen her')).toBe(true);
    expect(namesDrugOf('t40_1', 'found in her bedroom')).toBe(false);
  });

  it('does not name a class for text of another class or no drug at all', () => {
    expect(namesDrugOf('t40_1', 'morphine intoxication')).toBe(false); // morphine is T40.2, not heroin
    expect(namesDrugOf('t42_4', 'benzoylecgonine present')).toBe(false); // a cocaine metabolite, not a benzodiazepine
    expect(namesDrugOf('t40_3', 'methicillin-resistant staphylococcus aureus')).toBe(false);
    expect(namesDrugOf('t43_6', 'methicillin-resistant staphylococcus aureus')).toBe(false);
    expect(namesDrugOf('t40_3', 'method of injury unknown')).toBe(false);
    for (const key of CLASS_KEYS) expect(namesDrugOf(key, 'Multiple drug toxicity | ingestion'), key).toBe(false);
    expect(namesDrugOf('t40_4', null)).toBe(false);
    expect(namesDrugOf('t40_4', '')).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------

function item(
  text: string,
  labels: { hasCauseText?: Tri; t40_4: Tri; any_opioid: Tri; overdose: Tri; intent: LabelIntent | null },
  coded: { ucod: string | null; record?: string[]; drugs?: string[]; intent: string | null; reasons?: string[] },
): EvalItem {
  const classes = Object.fromEntries(CLASS_KEYS.map((k) => [k, null])) as Record<ClassKey, Tri>;
  classes.t40_4 = labels.t40_4;
  classes.any_opioid = labels.any_opioid;
  return {
    text,
    // Part I is the text before the first " | " (the rest: Part II, how the injury occurred).
    partOneText: text.split(' | ')[0]!,
    label: { certificateId: text, hasCauseText: labels.hasCauseText ?? 1, classes, overdose: labels.overdose, intent: labels.intent },
    coded: {
      underlyingCause: coded.ucod,
      recordAxis: coded.record ?? (coded.ucod ? [coded.ucod] : []),
      entityAxis: [],
      drugs: (coded.drugs ?? []).map((code) => ({ code })),
      intent: coded.intent,
      review: { required: (coded.reasons ?? []).length > 0, reasons: coded.reasons ?? [] },
    },
  };
}

const ITEMS: EvalItem[] = [
  // A: fentanyl named and found.
  item('acute fentanyl toxicity', { t40_4: 1, any_opioid: 1, overdose: 1, intent: 'accident' }, { ucod: 'X42', record: ['X42', 'T40.4'], intent: 'accident' }),
  // B: fentanyl by toxicology only; the text names no drug.
  item('multiple drug toxicity', { t40_4: 1, any_opioid: 1, overdose: 1, intent: 'accident' }, { ucod: 'X44', record: ['X44', 'T50.9'], intent: 'accident', reasons: ['unspecified drug'] }),
  // C: label says no fentanyl, the coder finds it (in the drugs axis only); intent disagrees.
  item('cocaine and fentanyl toxicity', { t40_4: 0, any_opioid: 0, overdose: 1, intent: 'suicide' }, { ucod: 'X42', drugs: ['T40.4', 'T40.5'], intent: 'accident' }),
  // D: no drug label (blank), a homicide.
  item('gunshot wound of head', { t40_4: null, any_opioid: null, overdose: 0, intent: 'homicide' }, { ucod: null, intent: 'homicide' }),
  // E: no cause text: left out of everything, although it would count as a miss and a disagreement.
  item('', { hasCauseText: 0, t40_4: 1, any_opioid: 1, overdose: 1, intent: 'accident' }, { ucod: null, intent: null, reasons: ['no cause-of-death text'] }),
  // F: a drug-related natural death: label overdose, the coder's UCOD is the disease.
  item('hypertensive heart disease', { t40_4: 0, any_opioid: 0, overdose: 1, intent: 'natural' }, { ucod: 'I11.9', intent: 'natural' }),
  // G: pending investigation.
  item('pending', { t40_4: null, any_opioid: null, overdose: null, intent: 'pending' }, { ucod: 'R99', intent: 'pending', reasons: ['pending investigation'] }),
];

describe('evaluate', () => {
  const e = evaluate(ITEMS);

  it('leaves out records without cause text', () => {
    expect(e.records).toBe(6);
  });

  it('scores a class on all labelled records, blank labels left out', () => {
    expect(e.classes.t40_4.all).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 1, support: 2, n: 4, precision: 0.5, recall: 0.5, f1: 0.5 });
    expect(e.classes.any_opioid.all).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 1 });
  });

  it('on named records, leaves out only label positives whose text does not name the drug', () => {
    const named = e.classes.t40_4.named;
    expect(named).toMatchObject({ tp: 1, fp: 1, fn: 0, tn: 1, support: 1, n: 3, precision: 0.5, recall: 1 });
    expect(named.f1).toBeCloseTo(2 / 3, 12);
    expect(e.classes.t40_4.unnamedPositives).toBe(1);
  });

  it('a class with no labels has no scores', () => {
    expect(e.classes.t40_5.all).toMatchObject({ n: 0, support: 0, precision: null, recall: null, f1: null });
  });

  it('overdose: label vs UCOD in the overdose set', () => {
    expect(e.overdose).toMatchObject({ tp: 3, fp: 0, fn: 1, tn: 1, support: 4, precision: 1, recall: 0.75 });
    expect(e.overdose.f1).toBeCloseTo(6 / 7, 12);
  });

  it('overdose where Part I names a drug: the drug-related natural death (F) and the homicide (D) are left out', () => {
    expect(e.overdosePartOne).toMatchObject({ tp: 3, fp: 0, fn: 0, tn: 0, support: 3, f1: 1 });
  });

  it('a class with label names is predicted by drug name within its codes, and also scored by code', () => {
    const amphetamines = CLASSES.find((c) => c.key === 't43_6')!;
    const drugs = (...list: [string, string][]) => ({ underlyingCause: 'X41', recordAxis: [], entityAxis: [], intent: 'accident', review: { required: false, reasons: [] }, drugs: list.map(([name, code]) => ({ name, code })) });
    expect(predictsClass(drugs(['methamphetamine', 'T43.6']), amphetamines)).toBe(true);
    expect(predictsClass(drugs(['methylphenidate', 'T43.6']), amphetamines)).toBe(false);
    expect(predictsClass(drugs(['amphetamine', 'T42.4']), amphetamines)).toBe(false);
    const labelled = (t43_6: Tri, coded: ReturnType<typeof drugs>): EvalItem => {
      const base = item('x', { t40_4: null, any_opioid: null, overdose: null, intent: null }, { ucod: null, intent: null });
      return { ...base, text: 'methylphenidate', label: { ...base.label, classes: { ...base.label.classes, t43_6 } }, coded };
    };
    const result = evaluate([labelled(0, drugs(['methylphenidate', 'T43.6'])), labelled(1, drugs(['methamphetamine', 'T43.6']))]).classes.t43_6;
    expect(result.all).toMatchObject({ tp: 1, fp: 0 });
    expect(result.byCode!.all).toMatchObject({ tp: 1, fp: 1 });
  });

  it('intent agreement on injury deaths; pending counted apart', () => {
    expect(e.intent).toEqual({ n: 4, agree: 3, share: 0.75 });
    expect(e.pending).toEqual({ label: 1, coder: 1, both: 1 });
  });

  it('review share and reasons', () => {
    expect(e.review.required).toBe(2);
    expect(e.review.n).toBe(6);
    expect(e.review.share).toBeCloseTo(1 / 3, 12);
    expect(e.review.reasons).toEqual([
      { reason: 'pending investigation', count: 1 },
      { reason: 'unspecified drug', count: 1 },
    ]);
  });

  it('findErrors lists false positives and false negatives', () => {
    const t = findErrors(ITEMS, 't40_4');
    expect(t.falsePositives.map((i) => i.text)).toEqual(['cocaine and fentanyl toxicity']);
    expect(t.falseNegatives.map((i) => i.text)).toEqual(['multiple drug toxicity']);
    const o = findErrors(ITEMS, 'overdose');
    expect(o.falsePositives).toEqual([]);
    expect(o.falseNegatives.map((i) => i.text)).toEqual(['hypertensive heart disease']);
  });

  it('resolves --errors names', () => {
    expect(resolveErrorTarget('t40_4')).toBe('t40_4');
    expect(resolveErrorTarget('T40.4')).toBe('t40_4');
    expect(resolveErrorTarget('fentanyl')).toBe('t40_4');
    expect(resolveErrorTarget('any opioid')).toBe('any_opioid');
    expect(resolveErrorTarget('Overdose')).toBe('overdose');
    expect(resolveErrorTarget('xylazine')).toBe(null);
  });
});

describe('labels', () => {
  const header = 'certificate_id,has_cause_text,t40_4,t40_1,t40_2,t40_3,t40_5,t43_6,t42_4,t51_0,any_opioid,overdose,intent,ucod_group,ucod_group_codes\n';

  it('parses 1 / 0 / blank and intents', () => {
    expect([parseTri('1'), parseTri('0'), parseTri(''), parseTri(' '), parseTri('yes')]).toEqual([1, 0, null, null, undefined]);
    expect([parseIntent('accident'), parseIntent('Pending'), parseIntent(''), parseIntent('murder')]).toEqual(['accident', 'pending', null, undefined]);
  });

  it('reads rows by certificate id', async () => {
    const labels = await readLabels(Readable.from([header, 'X-1,1,1,,0,0,0,0,0,1,1,1,accident,,\nX-2,0,,,,,,,,,,,,,\n']), 'made-up.csv');
    expect(labels.size).toBe(2);
    expect(labels.get('X-1')).toMatchObject({ hasCauseText: 1, overdose: 1, intent: 'accident' });
    expect(labels.get('X-1')!.classes).toMatchObject({ t40_4: 1, t40_1: null, t40_2: 0, t51_0: 1, any_opioid: 1 });
    expect(labels.get('X-2')).toMatchObject({ hasCauseText: 0, overdose: null, intent: null });
  });

  it('rejects a value outside 1 / 0 / blank, naming the line', async () => {
    const bad = readLabels(Readable.from([header, 'X-1,1,1,0,0,0,0,0,0,0,1,1,accident,,\nX-2,1,yes,0,0,0,0,0,0,0,1,1,accident,,\n']), 'made-up.csv');
    await expect(bad).rejects.toThrow(LabelFileError);
    await expect(
      readLabels(Readable.from([header, 'X-1,1,1,0,0,0,0,0,0,0,1,1,accident,,\nX-2,1,2,0,0,0,0,0,0,0,1,1,accident,,\n']), 'made-up.csv'),
    ).rejects.toThrow(/line 3: t40_4 is "2"/);
  });

  it('rejects a repeated id and a missing column', async () => {
    await expect(readLabels(Readable.from([header, 'X-1,1,,,,,,,,,,,,,\nX-1,1,,,,,,,,,,,,,\n']), 'f.csv')).rejects.toThrow(/appears twice/);
    await expect(readLabels(Readable.from(['certificate_id,has_cause_text\nX-1,1\n']), 'f.csv')).rejects.toThrow(/missing column/);
  });
});
