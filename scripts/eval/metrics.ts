/**
 * Pure metric functions of the eval (`npm run eval`): class membership of ICD-10 codes, confusion
 * counts, precision / recall / F1 with undefined ratios kept explicit (null, never a silent 0 or
 * 1), agreement shares, and the whole per-set evaluation of already-coded records.
 *
 * Nothing here reads files or knows where labels come from; see labels.ts and ../eval.ts.
 */
import { namesAnyDrug, namesDrugOf } from './drug-name-patterns.ts';

/** A label value: 1, 0, or null when the source does not say. */
export type Tri = 0 | 1 | null;

export const CLASS_KEYS = ['t40_4', 't40_1', 't40_2', 't40_3', 't40_5', 't43_6', 't42_4', 't51_0', 'any_opioid'] as const;
export type ClassKey = (typeof CLASS_KEYS)[number];

export interface DrugClass {
  key: ClassKey;
  name: string;
  /** Dotted code prefixes (first 5 characters) that make the class positive. */
  codes: readonly string[];
  /**
   * When the label's definition is narrower than the ICD class: the canonical drug names
   * (`drugs[].name`) the label counts, among drugs coded in `codes`. The class is then scored on
   * these names, and also, for comparison, on the codes alone (`ClassResult.byCode`).
   */
  labelNames?: readonly string[];
}

export const CLASSES: readonly DrugClass[] = [
  { key: 't40_4', name: 'fentanyl', codes: ['T40.4'] },
  { key: 't40_1', name: 'heroin', codes: ['T40.1'] },
  { key: 't40_2', name: 'rx opioids', codes: ['T40.2'] },
  { key: 't40_3', name: 'methadone', codes: ['T40.3'] },
  { key: 't40_5', name: 'cocaine', codes: ['T40.5'] },
  // The labels' t43_6 is "methamphetamine/amphetamine" (CT's "Amphet" column), narrower than ICD's
  // T43.6, which also holds methylphenidate, cathinones and caffeine.
  { key: 't43_6', name: 'amphetamines', codes: ['T43.6'], labelNames: ['methamphetamine', 'amphetamine', 'mdma', 'mda'] },
  { key: 't42_4', name: 'benzos', codes: ['T42.4'] },
  { key: 't51_0', name: 'ethanol', codes: ['T51.0'] },
  { key: 'any_opioid', name: 'any opioid', codes: ['T40.0', 'T40.1', 'T40.2', 'T40.3', 'T40.4', 'T40.6'] },
];

export const CLASS_BY_KEY: ReadonlyMap<ClassKey, DrugClass> = new Map(CLASSES.map((c) => [c.key, c]));

/** Label intents as the labels file writes them. */
export const LABEL_INTENTS = ['accident', 'suicide', 'homicide', 'undetermined', 'natural', 'pending'] as const;
export type LabelIntent = (typeof LABEL_INTENTS)[number];
/** The intents of injury deaths, on which intent agreement is measured. */
export const INJURY_INTENTS: readonly LabelIntent[] = ['accident', 'suicide', 'homicide', 'undetermined'];

// ---------------------------------------------------------------------------------------------
// Codes

/**
 * A code in the dotted form the classes use: upper case, no spaces, and a dot after the category
 * when a coder wrote it without one ("T404" → "T40.4").
 */
export function normaliseCode(code: string): string {
  const c = code.trim().toUpperCase().replace(/\s+/g, '');
  return /^[A-Z]\d\d[0-9A-Z]/.test(c) ? `${c.slice(0, 3)}.${c.slice(3)}` : c;
}

/** True when the code falls in the class (compared on the first 5 characters, "T40.4"). */
export function codeInClass(code: string, drugClass: DrugClass): boolean {
  const prefix = normaliseCode(code).slice(0, 5);
  return drugClass.codes.includes(prefix);
}

/** The coded fields the eval reads: a structural subset of CodedCertificate. */
export interface CodedLike {
  underlyingCause: string | null;
  recordAxis: readonly string[];
  entityAxis: readonly { code: string }[];
  drugs: readonly { code: string; name?: string }[];
  intent: string | null;
  review: { required: boolean; reasons: readonly string[] };
}

/** Every code of a coded record: record axis, entity axis and drug codes. */
export function allCodes(coded: CodedLike): string[] {
  return [...coded.recordAxis, ...coded.entityAxis.map((e) => e.code), ...coded.drugs.map((d) => d.code)];
}

/**
 * A predicted class is positive when any code of the record falls in it; for a class with label
 * names, when a drug of the class's codes has one of those names.
 */
export function predictsClass(coded: CodedLike, drugClass: DrugClass): boolean {
  if (drugClass.labelNames) return coded.drugs.some((d) => codeInClass(d.code, drugClass) && d.name !== undefined && drugClass.labelNames!.includes(d.name));
  return predictsByCode(coded, drugClass);
}

export function predictsByCode(coded: CodedLike, drugClass: DrugClass): boolean {
  return allCodes(coded).some((code) => codeInClass(code, drugClass));
}

/** Drug overdose underlying cause (NCHS): X40-X44, X60-X64, X85, Y10-Y14. */
export function isOverdoseCause(code: string | null): boolean {
  if (code === null) return false;
  const c = normaliseCode(code);
  const letter = c[0];
  const n = Number(c.slice(1, 3));
  if (!/^[A-Z]\d\d/.test(c)) return false;
  if (letter === 'X') return (n >= 40 && n <= 44) || (n >= 60 && n <= 64) || n === 85;
  if (letter === 'Y') return n >= 10 && n <= 14;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Confusion counts and scores

export interface Confusion {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
}

export const emptyConfusion = (): Confusion => ({ tp: 0, fp: 0, fn: 0, tn: 0 });

/** Confusion counts of (label, predicted) pairs; pairs with a null label are left out. */
export function confusion(pairs: Iterable<readonly [Tri | boolean, boolean]>): Confusion {
  const c = emptyConfusion();
  for (const [label, predicted] of pairs) {
    if (label === null) continue;
    const positive = label === 1 || label === true;
    if (positive && predicted) c.tp++;
    else if (positive) c.fn++;
    else if (predicted) c.fp++;
    else c.tn++;
  }
  return c;
}

export function addConfusion(a: Confusion, b: Confusion): Confusion {
  return { tp: a.tp + b.tp, fp: a.fp + b.fp, fn: a.fn + b.fn, tn: a.tn + b.tn };
}

/** A ratio, or null when the denominator is 0 (undefined, not 0 and not 1). */
export function ratio(numerator: number, denominator: number): number | null {
  return denominator === 0 ? null : numerator / denominator;
}

export interface Scores extends Confusion {
  /** Label positives (TP + FN). */
  support: number;
  /** Records scored (label 1 or 0). */
  n: number;
  /** TP / (TP + FP); null when nothing was predicted positive. */
  precision: number | null;
  /** TP / (TP + FN); null when there are no label positives. */
  recall: number | null;
  /**
   * 2TP / (2TP + FP + FN), the harmonic mean of P and R where both exist; 0 when positives exist
   * and none is found; null only when there are neither label positives nor predicted positives.
   */
  f1: number | null;
}

export function scores(c: Confusion): Scores {
  return {
    ...c,
    support: c.tp + c.fn,
    n: c.tp + c.fp + c.fn + c.tn,
    precision: ratio(c.tp, c.tp + c.fp),
    recall: ratio(c.tp, c.tp + c.fn),
    f1: ratio(2 * c.tp, 2 * c.tp + c.fp + c.fn),
  };
}

export interface Agreement {
  n: number;
  agree: number;
  /** agree / n; null when n is 0. */
  share: number | null;
}

/** Share of pairs whose two values are equal (null/undefined count as a value: null ≠ "accident"). */
export function agreement<T>(pairs: Iterable<readonly [T, T]>): Agreement {
  let n = 0;
  let agree = 0;
  for (const [a, b] of pairs) {
    n++;
    if (a === b) agree++;
  }
  return { n, agree, share: ratio(agree, n) };
}

/** Counts of strings, most frequent first (ties by text, so output is stable). */
export function countTop(values: Iterable<string>, limit = Infinity): { reason: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts]
    .map(([reason, count]) => ({ reason, count }))
    .sort((a, b) => b.count - a.count || (a.reason < b.reason ? -1 : a.reason > b.reason ? 1 : 0))
    .slice(0, limit);
}

// ---------------------------------------------------------------------------------------------
// One set's evaluation

export interface LabelRow {
  certificateId: string;
  hasCauseText: Tri;
  classes: Record<ClassKey, Tri>;
  overdose: Tri;
  intent: LabelIntent | null;
}

/** A record that was read, labelled and coded. `text` is the cause text the drug filter reads. */
export interface EvalItem {
  label: LabelRow;
  coded: CodedLike;
  text: string;
  /** Part I lines a-d only: where a drug must be named for ICD rules to make the death an overdose. */
  partOneText: string;
}

export interface ClassResult {
  /** All records with a label for the class. */
  all: Scores;
  /** Label positives whose text does not name a drug of the class left out. */
  named: Scores;
  /** Label positives left out of `named` because the text does not name the drug. */
  unnamedPositives: number;
  /** For a class scored on label names: the same records scored on the ICD codes alone. */
  byCode: { all: Scores; named: Scores } | null;
}

export interface PendingResult {
  /** Records whose label intent is pending. */
  label: number;
  /** Records the coder gave intent pending (among records with a label intent). */
  coder: number;
  both: number;
}

export interface Evaluation {
  /** Records scored (has_cause_text not 0). */
  records: number;
  classes: Record<ClassKey, ClassResult>;
  overdose: Scores;
  /**
   * Overdose on records whose Part I names a drug other than alcohol (eval patterns, not the
   * coder's lexicon): the records ICD rules can make drug overdoses. A label "drug related" on a
   * death with alcohol only, or with the drug only in Part II, is not an overdose by NCHS rules.
   */
  overdosePartOne: Scores;
  intent: Agreement;
  pending: PendingResult;
  review: { required: number; n: number; share: number | null; reasons: { reason: string; count: number }[] };
}

/** True when the record's label says there is no cause text: such records are left out entirely. */
export function isScorable(label: LabelRow): boolean {
  return label.hasCauseText !== 0;
}

/** Evaluates coded records against their labels (records with has_cause_text 0 are left out). */
export function evaluate(items: readonly EvalItem[], topReasons = 10): Evaluation {
  const scored = items.filter((item) => isScorable(item.label));
  const classes = {} as Record<ClassKey, ClassResult>;
  for (const drugClass of CLASSES) {
    const score = (predict: (coded: CodedLike) => boolean) => {
      const all = emptyConfusion();
      const named = emptyConfusion();
      let unnamedPositives = 0;
      for (const item of scored) {
        const label = item.label.classes[drugClass.key];
        if (label === null) continue;
        const one = confusion([[label, predict(item.coded)]]);
        Object.assign(all, addConfusion(all, one));
        if (label === 1 && !namesDrugOf(drugClass.key, item.text)) {
          unnamedPositives++;
          continue;
        }
        Object.assign(named, addConfusion(named, one));
      }
      return { all: scores(all), named: scores(named), unnamedPositives };
    };
    const result = score((coded) => predictsClass(coded, drugClass));
    const byCode = drugClass.labelNames ? score((coded) => predictsByCode(coded, drugClass)) : null;
    classes[drugClass.key] = { ...result, byCode: byCode && { all: byCode.all, named: byCode.named } };
  }
  const overdosePair = (item: EvalItem) => [item.label.overdose, isOverdoseCause(item.coded.underlyingCause)] as const;
  const overdose = scores(confusion(scored.map(overdosePair)));
  const overdosePartOne = scores(confusion(scored.filter((item) => namesAnyDrug(item.partOneText)).map(overdosePair)));
  const intent = agreement(
    scored
      .filter((item) => item.label.intent !== null && INJURY_INTENTS.includes(item.label.intent))
      .map((item) => [item.label.intent as string | null, item.coded.intent] as const),
  );
  const withIntent = scored.filter((item) => item.label.intent !== null);
  const pending: PendingResult = {
    label: withIntent.filter((item) => item.label.intent === 'pending').length,
    coder: withIntent.filter((item) => item.coded.intent === 'pending').length,
    both: withIntent.filter((item) => item.label.intent === 'pending' && item.coded.intent === 'pending').length,
  };
  const reviewed = scored.filter((item) => item.coded.review.required);
  return {
    records: scored.length,
    classes,
    overdose,
    overdosePartOne,
    intent,
    pending,
    review: {
      required: reviewed.length,
      n: scored.length,
      share: ratio(reviewed.length, scored.length),
      reasons: countTop(
        reviewed.flatMap((item) => [...new Set(item.coded.review.reasons)]),
        topReasons,
      ),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Targets (the death-coder issue)

export interface Target {
  figure: string;
  /** Reads the figure from an evaluation; null when the set cannot measure it. */
  value: (e: Evaluation) => number | null;
  /** 'min': value ≥ threshold; 'max': value ≤ threshold. */
  kind: 'min' | 'max';
  threshold: number;
  /** How the figure reads best: a ratio (0.973) or a percentage (4.9%). */
  unit: 'ratio' | 'percent';
}

const NAMED_TARGET_CLASSES: readonly ClassKey[] = ['t40_4', 't40_1', 't40_5', 't43_6', 't40_3', 't42_4', 'any_opioid'];

export const TARGETS: readonly Target[] = [
  ...NAMED_TARGET_CLASSES.map(
    (key): Target => ({
      figure: `F1 named ${key} ${CLASS_BY_KEY.get(key)!.name}`,
      value: (e) => e.classes[key].named.f1,
      kind: 'min',
      threshold: 0.97,
      unit: 'ratio',
    }),
  ),
  { figure: 'F1 overdose (label: drug related)', value: (e) => e.overdose.f1, kind: 'min', threshold: 0.98, unit: 'ratio' },
  { figure: 'F1 overdose, drug named in Part I', value: (e) => e.overdosePartOne.f1, kind: 'min', threshold: 0.98, unit: 'ratio' },
  { figure: 'intent agreement (injury)', value: (e) => e.intent.share, kind: 'min', threshold: 0.99, unit: 'ratio' },
  { figure: 'review share', value: (e) => e.review.share, kind: 'max', threshold: 0.1, unit: 'percent' },
];

export type TargetStatus = 'ok' | 'BELOW TARGET' | 'n/a';

/** 'n/a' when the figure is undefined for the set (e.g. no labels for the class). */
export function targetStatus(value: number | null, target: Pick<Target, 'kind' | 'threshold'>): TargetStatus {
  if (value === null) return 'n/a';
  const met = target.kind === 'min' ? value >= target.threshold : value <= target.threshold;
  return met ? 'ok' : 'BELOW TARGET';
}

// ---------------------------------------------------------------------------------------------
// Errors (for `--errors`)

export type ErrorTarget = ClassKey | 'overdose';

/** A class key, a class name ("fentanyl", "any opioid") or "overdose"; null when unknown. */
export function resolveErrorTarget(name: string): ErrorTarget | null {
  const n = name.trim().toLowerCase().replace(/[\s-]+/g, '_');
  if (n === 'overdose') return 'overdose';
  const byKey = CLASSES.find((c) => c.key === n.replace('.', '_'));
  if (byKey) return byKey.key;
  const byName = CLASSES.find((c) => c.name.replace(/\s+/g, '_') === n);
  return byName ? byName.key : null;
}

/** Label-negative records predicted positive, and label-positive records predicted negative. */
export function findErrors<T extends EvalItem>(items: readonly T[], target: ErrorTarget): { falsePositives: T[]; falseNegatives: T[] } {
  const falsePositives: T[] = [];
  const falseNegatives: T[] = [];
  const drugClass = target === 'overdose' ? null : CLASS_BY_KEY.get(target)!;
  for (const item of items) {
    if (!isScorable(item.label)) continue;
    const label = drugClass === null ? item.label.overdose : item.label.classes[drugClass.key];
    if (label === null) continue;
    const predicted = drugClass === null ? isOverdoseCause(item.coded.underlyingCause) : predictsClass(item.coded, drugClass);
    if (label === 0 && predicted) falsePositives.push(item);
    if (label === 1 && !predicted) falseNegatives.push(item);
  }
  return { falsePositives, falseNegatives };
}
