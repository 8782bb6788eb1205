/**
 * Drug terms for the ED coder: every name the ICD-10-CM FY2025 Table of Drugs and Chemicals gives a
 * poisoning code (read with the death lexicon's own Table-of-Drugs reader, so both coders see the
 * same phrases), mapped to its CM category, then the ED curated table on top (slang, brands,
 * overrides; a curated term replaces every table row of that term). Ordinary words the death
 * lexicon excludes (curated/exclude.tsv) are left out here too.
 */
import { readFileSync } from 'node:fs';
import { cmToWho } from '../../pipeline/coding/lexicon/build/cm-to-who.ts';
import { cmDrugRows } from '../../pipeline/coding/lexicon/build/source-drugs.ts';
import { normaliseText } from '../../pipeline/coding/lexicon/normalise.ts';
import { categoryOfAccidental } from './categories.ts';

export interface DrugTermRow {
  term: string;
  name: string;
  /** CM category (T40.41) or "-" for a phrase that is not a drug. */
  category: string;
  flags: string;
  source: 'cm-drugs' | 'curated';
}

const CURATED_HEADER = 'term\tname\tcategory\tflags';
const FLAGS = new Set(['-', 'ambiguous', 'generic', 'generic,ambiguous', 'verb']);

export function readEdCurated(path: string, categories: ReadonlySet<string>): DrugTermRow[] {
  const rows: DrugTermRow[] = [];
  let header = false;
  readFileSync(path, 'utf8').split(/\r?\n/).forEach((text, i) => {
    if (!text.trim() || text.startsWith('#')) return;
    const fields = text.split('\t').map((f) => f.trim());
    if (!header) {
      if (fields.join('\t') !== CURATED_HEADER) throw new Error(`${path}: header must be "${CURATED_HEADER}"`);
      header = true;
      return;
    }
    const [raw, name, category, flags] = fields;
    if (fields.length !== 4 || !raw || !name || !category || !flags) throw new Error(`${path} line ${i + 1}: want 4 fields`);
    if (category !== '-' && !categories.has(category)) throw new Error(`${path} line ${i + 1}: ${category} is not a CM poisoning category`);
    if (!FLAGS.has(flags)) throw new Error(`${path} line ${i + 1}: unknown flags "${flags}"`);
    rows.push({ term: normaliseText(raw), name: name.toLowerCase(), category, flags, source: 'curated' });
  });
  return rows;
}

/** Death-lexicon exclusions: term → WHO codes to drop ("*" = every code). */
function readExclusions(path: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const text of readFileSync(path, 'utf8').split(/\r?\n/)) {
    if (!text.trim() || text.startsWith('#') || text.startsWith('term\t')) continue;
    const [term, code] = text.split('\t').map((f) => f.trim());
    if (!term || !code) continue;
    const key = normaliseText(term);
    (out.get(key) ?? out.set(key, new Set()).get(key)!).add(code);
  }
  return out;
}

export interface TermsResult {
  rows: DrugTermRow[];
  conflicts: string[];
  excluded: number;
}

export function drugTerms(cmCodes: ReadonlySet<string>, categories: ReadonlySet<string>, icd10cmDir: string, curatedPath: string, deathExcludePath: string): TermsResult {
  const curated = readEdCurated(curatedPath, categories);
  const curatedTerms = new Set(curated.map((r) => r.term));
  const exclusions = readExclusions(deathExcludePath);
  const best = new Map<string, { row: DrugTermRow; rank: number; seq: number }>();
  const conflicts: string[] = [];
  let excluded = 0;
  for (const r of cmDrugRows(cmCodes, icd10cmDir)) {
    if (curatedTerms.has(r.term) || !r.cm) continue;
    const drop = exclusions.get(r.term);
    if (drop && (drop.has('*') || drop.has(cmToWho(r.cm, cmCodes) ?? ''))) {
      excluded++;
      continue;
    }
    const category = categoryOfAccidental(r.cm);
    if (!categories.has(category)) throw new Error(`Table of Drugs "${r.origin}": ${r.cm} is not an accidental poisoning code of the code list`);
    const row: DrugTermRow = { term: r.term, name: r.term, category, flags: '-', source: 'cm-drugs' };
    const previous = best.get(r.term);
    if (!previous) best.set(r.term, { row, rank: r.rank, seq: r.seq });
    else if (previous.row.category !== category) {
      const keep = r.rank < previous.rank || (r.rank === previous.rank && r.seq < previous.seq);
      conflicts.push(`"${r.term}": ${previous.row.category} vs ${category}, kept ${keep ? category : previous.row.category}`);
      if (keep) best.set(r.term, { row, rank: r.rank, seq: r.seq });
    }
  }
  const rows = [...[...best.values()].map((b) => b.row), ...curated];
  rows.sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.category < b.category ? -1 : a.category > b.category ? 1 : 0));
  return { rows, conflicts, excluded };
}
