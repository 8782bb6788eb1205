/**
 * Measures the ED coder on generated visits with ground truth (fixtures/generator
 * labeledEdVisits): overdose precision/recall (a visit is predicted an overdose when its codes
 * include a T36-T50 poisoning code) and per drug class (drugs[].deathClass against the label
 * drugs' NCHS classes), on the full visit and on the text alone (discharge diagnoses removed,
 * which is what the text coder adds when the diagnoses have not arrived). A measuring instrument:
 * nothing here goes into the coder.
 *
 *   npx tsx scripts/eval-ed.ts [--seed 20241] [--start 2024-01-01] [--end 2024-12-31] [--ed-scale 0.003]
 *                              [--errors overdose|t40_4|... [--limit 20] [--text-only]]
 */
import { parseArgs } from 'node:util';
import { labeledEdVisits } from '../fixtures/generator/index.ts';
import { CmCodes, isDrugCategory } from '../pipeline/coding/ed/cm-codes.ts';
import { createEdCoder, type EdCodeResult } from '../pipeline/coding/ed/index.ts';
import { loadEdTables } from '../pipeline/coding/ed/tables.ts';
import type { EdVisit } from '../pipeline/records/ed-visit.ts';
import { CLASS_KEYS, CLASS_NAMES, type ClassKey, Confusion, labelClasses, predictedClasses, ratio } from './ed-eval/metrics.ts';
import { edVisitFromRow } from './ed-eval/rows.ts';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '20241' },
    start: { type: 'string', default: '2024-01-01' },
    end: { type: 'string', default: '2024-12-31' },
    'ed-scale': { type: 'string', default: '0.003' },
    errors: { type: 'string' },
    limit: { type: 'string', default: '20' },
    'text-only': { type: 'boolean', default: false },
  },
});
const tables = loadEdTables();
const coder = createEdCoder(tables);
const cm = new CmCodes(tables.categories);
const isOverdose = (r: EdCodeResult) => r.codes.some((c) => {
  const p = cm.poisoningOf(c);
  return p !== null && isDrugCategory(p.category.category);
});

type Mode = 'visit' | 'text';
const blocks: Record<Mode, { overdose: Confusion; classes: Record<ClassKey, Confusion> }> = {
  visit: { overdose: new Confusion(), classes: Object.fromEntries(CLASS_KEYS.map((k) => [k, new Confusion()])) as Record<ClassKey, Confusion> },
  text: { overdose: new Confusion(), classes: Object.fromEntries(CLASS_KEYS.map((k) => [k, new Confusion()])) as Record<ClassKey, Confusion> },
};
const errors: { kind: 'FP' | 'FN'; visit: EdVisit; result: EdCodeResult; label: string }[] = [];
const limit = Number(values.limit);
let visits = 0;
let seconds = 0;
let reviewed = 0;
const reasons = new Map<string, number>();
const options = { seed: Number(values.seed), start: values.start, end: values.end, deathScale: 0, edScale: Number(values['ed-scale']), outbreaks: [] };
for (const labeled of labeledEdVisits(options)) {
  visits++;
  const visit = edVisitFromRow(labeled.row);
  const label = labelClasses(labeled.drugs);
  for (const mode of ['visit', 'text'] as const) {
    const input = mode === 'visit' ? visit : { ...visit, dischargeDiagnoses: [] };
    const started = performance.now();
    const result = coder.code(input);
    seconds += (performance.now() - started) / 1000;
    const predicted = predictedClasses(result);
    if (mode === 'visit' && result.review.required) {
      reviewed++;
      for (const r of result.review.reasons) {
        const key = r.replace(/"[^"]*"/g, '"…"').replace(/: [A-Z]\d.*$/, '');
        reasons.set(key, (reasons.get(key) ?? 0) + 1);
      }
    }
    const od = isOverdose(result);
    blocks[mode].overdose.add(labeled.overdose, od);
    for (const k of CLASS_KEYS) blocks[mode].classes[k].add(label.has(k), predicted.has(k));
    const target = values.errors;
    if (target && (mode === 'text') === values['text-only']) {
      const [l, p] = target === 'overdose' ? [labeled.overdose, od] : [label.has(target as ClassKey), predicted.has(target as ClassKey)];
      if (l !== p && errors.filter((e) => e.kind === (p ? 'FP' : 'FN')).length < limit) {
        errors.push({ kind: p ? 'FP' : 'FN', visit: input, result, label: `${labeled.category} overdose=${labeled.overdose} drugs=${labeled.drugs.join(',')}` });
      }
    }
  }
}

const row = (name: string, c: Confusion) =>
  `${name.padEnd(32)} ${ratio(c.precision).padStart(7)} ${ratio(c.recall).padStart(7)} ${ratio(c.f1).padStart(7)} ${String(c.tp + c.fn).padStart(7)} ${String(c.tp).padStart(6)} ${String(c.fp).padStart(6)} ${String(c.fn).padStart(6)}`;
console.log(`ED coder ${coder.coderVersion}, tables ${coder.lexiconVersion}`);
console.log(`generated visits: ${visits.toLocaleString('en-US')} (seed ${options.seed}, ${options.start}..${options.end}, edScale ${options.edScale}); coding ${Math.round((visits * 2) / seconds).toLocaleString('en-US')} visits/s`);
for (const mode of ['visit', 'text'] as const) {
  console.log(`\n${mode === 'visit' ? 'full visit (text + discharge diagnoses)' : 'text only (discharge diagnoses removed)'}`);
  console.log(`${'measure'.padEnd(32)} ${'P'.padStart(7)} ${'R'.padStart(7)} ${'F1'.padStart(7)} ${'support'.padStart(7)} ${'TP'.padStart(6)} ${'FP'.padStart(6)} ${'FN'.padStart(6)}`);
  console.log(row('overdose (T36-T50 code)', blocks[mode].overdose));
  for (const k of CLASS_KEYS) console.log(row(CLASS_NAMES[k], blocks[mode].classes[k]));
}
console.log(`\nreview: ${reviewed.toLocaleString('en-US')} visits (${((100 * reviewed) / visits).toFixed(2)}%); most frequent reasons:`);
for (const [r, n] of [...reasons].sort((a, b) => b[1] - a[1]).slice(0, 8)) console.log(`${String(n).padStart(7)}  ${r}`);
for (const e of errors) {
  console.log(`\n${e.kind} ${e.visit.visitId} [${e.label}]\n  cc: ${e.visit.chiefComplaint}\n  note: ${e.visit.triageNote}\n  dx: ${e.visit.dischargeDiagnoses.join(';')}`);
  console.log(`  codes: ${e.result.codes.join(' ')} drugs: ${e.result.drugs.map((d) => `${d.name} ${d.code}`).join(', ')}\n  negated: ${e.result.negated.join('; ')}\n  review: ${e.result.review.reasons.join('; ')}`);
}
