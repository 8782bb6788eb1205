/**
 * Formatting of eval results: fixed-width text for people, one JSON document for machines, and
 * the false-positive / false-negative listing of `--errors` (stdout only).
 */
import {
  CLASSES,
  CLASS_BY_KEY,
  TARGETS,
  allCodes,
  findErrors,
  targetStatus,
  type ErrorTarget,
  type Evaluation,
  type Scores,
} from './metrics.ts';
import { namesDrugOf } from './drug-name-patterns.ts';
import type { SetItem, SetRun } from './sets.ts';

export interface EvalRun {
  coderVersion: string;
  lexiconVersion: string;
  dir: string;
  sets: { run: SetRun; evaluation: Evaluation }[];
  /** Pooled over all sets run; null when only one set was run. */
  pooled: { evaluation: Evaluation; codingMs: number; coded: number } | null;
}

const num = (v: number | null, digits = 3) => (v === null ? '—' : v.toFixed(digits));
const int = (v: number) => v.toLocaleString('en-US');
const pct = (v: number | null) => (v === null ? '—' : `${(100 * v).toFixed(1)}%`);
const perSecond = (count: number, ms: number) => (ms > 0 ? Math.round((count * 1000) / ms) : null);

function row(cells: [string, number][]): string {
  return cells.map(([text, width], i) => (i === 0 ? text.padEnd(width) : text.padStart(width))).join(' ').trimEnd();
}

function rejectionSummary(run: SetRun): string[] {
  if (run.rejected.length === 0) return [];
  const counts = new Map<string, number>();
  for (const r of run.rejected) {
    for (const e of r.errors) counts.set(`${e.field || '(record)'}: ${e.message}`, (counts.get(`${e.field || '(record)'}: ${e.message}`) ?? 0) + 1);
  }
  const lines = [`  REJECTED by the template reader: ${int(run.rejected.length)} record(s), not coded and not scored:`];
  for (const [what, count] of [...counts].sort((a, b) => b[1] - a[1])) lines.push(`    ${int(count).padStart(6)} × ${what}`);
  const ids = run.rejected.slice(0, 8).map((r) => `${r.recordId ?? '?'} (line ${r.line})`);
  lines.push(`    e.g. ${ids.join(', ')}${run.rejected.length > 8 ? ', …' : ''}`);
  return lines;
}

const CLASS_WIDTH = 21;
/** Columns of the class table: name and width; a blank name is a gap between the two blocks. */
const ALL_COLUMNS: [string, number][] = [['P', 6], ['R', 6], ['F1', 6], ['support', 8], ['TP', 6], ['FP', 6], ['FN', 6]];
const NAMED_COLUMNS: [string, number][] = [['P', 6], ['R', 6], ['F1', 6], ['support', 8], ['left out', 9]];
const GAP = 3;

function span(columns: [string, number][]): number {
  return columns.reduce((sum, [, width]) => sum + width + 1, -1);
}

function groupTitle(title: string, width: number): string {
  const rule = Math.max(2, width - title.length - 2);
  return `${'─'.repeat(Math.floor(rule / 2))} ${title} ${'─'.repeat(Math.ceil(rule / 2))}`;
}

function classTable(e: Evaluation): string[] {
  const lines = [
    `${''.padEnd(CLASS_WIDTH)} ${groupTitle('all labelled records', span(ALL_COLUMNS))}${' '.repeat(GAP)} ${groupTitle('text names the drug', span(NAMED_COLUMNS))}`,
    row([['class', CLASS_WIDTH], ...ALL_COLUMNS, ['', GAP - 1], ...NAMED_COLUMNS]),
  ];
  const cells = (x: Scores): string[] => [num(x.precision), num(x.recall), num(x.f1), int(x.support)];
  const widths = (columns: [string, number][]) => columns.map(([, width]) => width);
  for (const c of CLASSES) {
    const r = e.classes[c.key];
    const name = `${c.key} ${c.name}`;
    if (r.all.n === 0) {
      lines.push(`${name.padEnd(CLASS_WIDTH)}   (not labelled in this set)`);
      continue;
    }
    const line = (title: string, all: Scores, named: Scores, leftOut: string) =>
      row([
        [title, CLASS_WIDTH],
        ...[...cells(all), int(all.tp), int(all.fp), int(all.fn)].map((text, i): [string, number] => [text, widths(ALL_COLUMNS)[i]!]),
        ['', GAP - 1],
        ...[...cells(named), leftOut].map((text, i): [string, number] => [text, widths(NAMED_COLUMNS)[i]!]),
      ]);
    lines.push(line(name, r.all, r.named, int(r.unnamedPositives)));
    // The ICD class beside the label's narrower definition (methylphenidate, cathinones count here).
    if (r.byCode) lines.push(line(`  any ${c.codes.join(', ')} code`, r.byCode.all, r.byCode.named, ''));
  }
  return lines;
}

function figureLines(e: Evaluation, codingMs: number | null): string[] {
  const o = e.overdose;
  const lines: string[] = [];
  lines.push(
    o.n === 0
      ? 'overdose  (not labelled in this set)'
      : `overdose  P ${num(o.precision)}  R ${num(o.recall)}  F1 ${num(o.f1)}  support ${int(o.support)}  TP ${int(o.tp)}  FP ${int(o.fp)}  FN ${int(o.fn)}  TN ${int(o.tn)}`,
  );
  const p1 = e.overdosePartOne;
  if (o.n > 0) {
    lines.push(`          drug named in Part I (ICD can select the poisoning): P ${num(p1.precision)}  R ${num(p1.recall)}  F1 ${num(p1.f1)}  support ${int(p1.support)}  FN ${int(p1.fn)}; left out ${int(o.n - p1.n)} (alcohol or other substances only, or the drug only in Part II / how-injury)`);
  }
  lines.push(
    `intent    injury deaths (label accident/suicide/homicide/undetermined): ${int(e.intent.agree)} of ${int(e.intent.n)} agree = ${num(e.intent.share)}` +
      `;  pending: label ${int(e.pending.label)}, coder ${int(e.pending.coder)}, both ${int(e.pending.both)}`,
  );
  lines.push(`review    ${int(e.review.required)} of ${int(e.review.n)} records = ${pct(e.review.share)}`);
  for (const { reason, count } of e.review.reasons) lines.push(`    ${int(count).padStart(7)}  ${reason.length > 110 ? `${reason.slice(0, 109)}…` : reason}`);
  if (codingMs !== null) {
    const rate = perSecond(e.records, codingMs);
    lines.push(`speed     ${int(e.records)} records coded in ${(codingMs / 1000).toFixed(3)} s = ${rate === null ? '—' : int(rate)} records/s`);
  }
  return lines;
}

function summary(r: EvalRun): string[] {
  const columns = r.sets.map(({ run, evaluation }) => ({ name: run.name, e: evaluation }));
  if (r.pooled) columns.push({ name: 'all', e: r.pooled.evaluation });
  const width = 22;
  const lines = ['== targets (issue: death coder) ==', row([['figure', 40], ...columns.map((c): [string, number] => [c.name, width])])];
  for (const t of TARGETS) {
    const show = (v: number | null) => (t.unit === 'percent' ? pct(v) : num(v));
    const label = `${t.figure} ${t.kind === 'min' ? '≥' : '≤'} ${show(t.threshold)}`;
    const cells = columns.map(({ e }): [string, number] => {
      const v = t.value(e);
      const status = targetStatus(v, t);
      return [status === 'n/a' ? 'n/a' : `${show(v)} ${status}`, width];
    });
    lines.push(row([[label, 40], ...cells]));
  }
  return lines;
}

export function formatText(r: EvalRun): string {
  const out: string[] = [`vigil eval — coder ${r.coderVersion}, lexicon ${r.lexiconVersion}`, `data: ${r.dir}`, ''];
  for (const { run, evaluation } of r.sets) {
    out.push(`== ${run.name} ==`);
    out.push(
      `  ${int(run.certificateRecords)} records in file (${int(run.certificateRecords - run.rejected.length)} valid), ${int(run.labelRows)} label rows; ` +
        `${int(run.noCauseText)} without cause text left out; ${int(evaluation.records)} coded and scored`,
    );
    out.push(...rejectionSummary(run));
    if (run.unlabelled.length > 0) out.push(`  ${int(run.unlabelled.length)} valid certificate(s) with no label row (not scored): ${run.unlabelled.slice(0, 5).join(', ')}`);
    const missing = run.labelsWithoutCertificate;
    if (missing.length > 0) out.push(`  ${int(missing.length)} label row(s) with no certificate in the file: ${missing.slice(0, 5).join(', ')}`);
    out.push('', ...classTable(evaluation), '', ...figureLines(evaluation, run.codingMs), '');
  }
  if (r.pooled) {
    out.push(`== all sets pooled ==`, '', ...classTable(r.pooled.evaluation), '', ...figureLines(r.pooled.evaluation, r.pooled.codingMs), '');
  }
  out.push(...summary(r), '');
  out.push('"left out": label positives whose text names no drug of the class (toxicology-only). A measurement: exit 0 even below target.');
  return out.join('\n') + '\n';
}

export function toJson(r: EvalRun): unknown {
  const sets = r.sets.map(({ run, evaluation }) => ({
    name: run.name,
    files: { certificates: run.certificateFile, labels: run.labelFile },
    counts: {
      certificateRecords: run.certificateRecords,
      valid: run.certificateRecords - run.rejected.length,
      rejected: run.rejected.length,
      labelRows: run.labelRows,
      unlabelled: run.unlabelled.length,
      labelsWithoutCertificate: run.labelsWithoutCertificate.length,
      noCauseText: run.noCauseText,
      scored: evaluation.records,
    },
    rejected: run.rejected.map(({ line, recordId, errors }) => ({ line, recordId, errors })),
    unlabelled: run.unlabelled,
    labelsWithoutCertificate: run.labelsWithoutCertificate,
    ...evaluation,
    speed: { codingMs: run.codingMs, recordsPerSecond: perSecond(evaluation.records, run.codingMs) },
  }));
  const columns = [...r.sets.map((s) => ({ set: s.run.name, e: s.evaluation })), ...(r.pooled ? [{ set: 'all', e: r.pooled.evaluation }] : [])];
  return {
    coderVersion: r.coderVersion,
    lexiconVersion: r.lexiconVersion,
    dir: r.dir,
    sets,
    all: r.pooled && {
      ...r.pooled.evaluation,
      speed: { codingMs: r.pooled.codingMs, recordsPerSecond: perSecond(r.pooled.coded, r.pooled.codingMs) },
    },
    targets: TARGETS.flatMap((t) =>
      columns.map(({ set, e }) => {
        const value = t.value(e);
        return { figure: t.figure, set, kind: t.kind, threshold: t.threshold, value, status: targetStatus(value, t) };
      }),
    ),
  };
}

// ---------------------------------------------------------------------------------------------
// --errors

function describeItem(setName: string, item: SetItem, target: ErrorTarget, kind: 'FP' | 'FN'): string[] {
  const c = item.certificate;
  const k = item.coded;
  const label = target === 'overdose' ? item.label.overdose : item.label.classes[target];
  const lines = [`[${kind}] ${c.certificateId}  (${setName})  label ${target}=${label}  manner ${c.manner ?? '—'}  label intent ${item.label.intent ?? '—'}`];
  if (kind === 'FN' && target !== 'overdose') lines.push(`  text names the drug: ${namesDrugOf(target, item.text) ? 'yes' : 'no (toxicology-only?)'}`);
  const fields: [string, string | null][] = [
    ['part1_a', c.part1[0]],
    ['part1_b', c.part1[1]],
    ['part1_c', c.part1[2]],
    ['part1_d', c.part1[3]],
    ['part2', c.part2],
    ['how_injury', c.howInjury],
  ];
  for (const [name, text] of fields) if (text !== null) lines.push(`  ${name.padEnd(10)} ${text}`);
  lines.push(`  coded      UCOD ${k.underlyingCause ?? '—'}  intent ${k.intent ?? '—'}  codes ${[...new Set(allCodes(k))].join(' ') || '—'}`);
  if (k.entityAxis.length > 0) lines.push(`  entity     ${k.entityAxis.map((e) => `${e.line}.${e.position} ${e.code} "${e.text}"`).join('; ')}`);
  if (k.drugs.length > 0) lines.push(`  drugs      ${k.drugs.map((d) => `${d.name} ${d.code}`).join(', ')}`);
  if (k.review.required) lines.push(`  review     ${k.review.reasons.join('; ')}`);
  for (const step of k.trace) lines.push(`  trace      ${step.rule}: ${step.detail}`);
  return lines;
}

export function formatErrors(r: EvalRun, target: ErrorTarget, limit: number): string {
  const what = target === 'overdose' ? 'overdose' : `${target} ${CLASS_BY_KEY.get(target)!.name}`;
  const fps: [string, SetItem][] = [];
  const fns: [string, SetItem][] = [];
  for (const { run } of r.sets) {
    const { falsePositives, falseNegatives } = findErrors(run.items, target);
    fps.push(...falsePositives.map((i): [string, SetItem] => [run.name, i]));
    fns.push(...falseNegatives.map((i): [string, SetItem] => [run.name, i]));
  }
  const out = [`vigil eval --errors ${what} — coder ${r.coderVersion}, lexicon ${r.lexiconVersion}`, ''];
  for (const [kind, list] of [['FP', fps], ['FN', fns]] as const) {
    out.push(`== ${kind === 'FP' ? 'false positives' : 'false negatives'}: ${int(list.length)}${list.length > limit ? `, showing ${limit}` : ''} ==`);
    for (const [setName, item] of list.slice(0, limit)) out.push(...describeItem(setName, item, target, kind), '');
    if (list.length === 0) out.push('');
  }
  return out.join('\n') + '\n';
}

export function errorsJson(r: EvalRun, target: ErrorTarget, limit: number): unknown {
  const pick = (setName: string, item: SetItem) => ({
    set: setName,
    certificateId: item.certificate.certificateId,
    text: item.text,
    namesDrug: target === 'overdose' ? null : namesDrugOf(target, item.text),
    coded: item.coded,
  });
  const falsePositives: unknown[] = [];
  const falseNegatives: unknown[] = [];
  for (const { run } of r.sets) {
    const e = findErrors(run.items, target);
    falsePositives.push(...e.falsePositives.map((i) => pick(run.name, i)));
    falseNegatives.push(...e.falseNegatives.map((i) => pick(run.name, i)));
  }
  return {
    target,
    counts: { falsePositives: falsePositives.length, falseNegatives: falseNegatives.length },
    falsePositives: falsePositives.slice(0, limit),
    falseNegatives: falseNegatives.slice(0, limit),
  };
}
