/**
 * The ED coder's knowledge, read from the committed tables in data/ (derived by
 * scripts/derive-ed-lexicon.ts from the ICD-10-CM FY2025 files and curated/drugs.tsv; see
 * README.md). Nothing here reads the public source files. The terms approved at run time are laid
 * over these tables by overlay-terms.ts, never written into data/.
 */
import { readFileSync } from 'node:fs';

export interface DrugTerm {
  /** Normalised words (normaliseText). */
  term: string;
  name: string;
  /** CM poisoning category (`T40.41`), or null for a phrase that is not a drug ("coca cola"). */
  category: string | null;
  /** An ordinary word too ("ice", "bars"): counts only next to a use or overdose word. */
  ambiguous: boolean;
  /** Says a drug was involved without naming it ("drugs", "pills"). */
  generic: boolean;
  /** A verb that names the substance only when no other one follows ("drinking" vs "drinking lean"). */
  verb: boolean;
  /** Hand-written (curated/drugs.tsv) or an approved term (overlay-terms.ts): its words are spelling-correction targets. */
  curated: boolean;
}

export interface CategoryInfo {
  category: string;
  /** The accidental code as printed in the tabular list: `T40.411`, `T40.1X1`, `T42.71`. */
  accidental: string;
  /** Intent characters that exist for the category, e.g. "1234". */
  intents: string;
  title: string;
  /** WHO ICD-10 code of the death-side class: `T40.4`. */
  deathCode: string;
  nchsClass: string | null;
  anyOpioid: boolean;
}

export interface EdTables {
  /** `ed-lexicon/<date>-<sha8>` (data/version.json); with approved terms laid over, `…+terms-<n>-<sha8>` (overlay-terms.ts). */
  version: string;
  terms: DrugTerm[];
  categories: ReadonlyMap<string, CategoryInfo>;
  /** Medical and common words that are never spelling-corrected into a drug name. */
  ordinaryWords: ReadonlySet<string>;
}

const DATA_DIR = new URL('./data/', import.meta.url);

function rows(file: string, header: string): string[][] {
  const lines = readFileSync(new URL(file, DATA_DIR), 'utf8').split('\n');
  if (lines[0] !== header) throw new Error(`ED coder data/${file}: header must be "${header}"`);
  const width = header.split('\t').length;
  return lines.slice(1).filter((l) => l !== '').map((line, i) => {
    const fields = line.split('\t');
    if (fields.length !== width) throw new Error(`ED coder data/${file} line ${i + 2}: ${fields.length} fields, want ${width}`);
    return fields;
  });
}

export function loadEdTables(): EdTables {
  const info = JSON.parse(readFileSync(new URL('version.json', DATA_DIR), 'utf8')) as { version?: unknown };
  if (typeof info.version !== 'string') throw new Error('ED coder data/version.json: no version');
  const bridge = new Map(rows('cm-death-bridge.tsv', 'category\tdeath_code\tnchs_class\tany_opioid').map((f) => [f[0]!, f]));
  const categories = new Map<string, CategoryInfo>();
  for (const [category, accidental, intents, title] of rows('cm-poisoning-codes.tsv', 'category\taccidental\tintents\ttitle')) {
    const b = bridge.get(category!);
    if (!b) throw new Error(`ED coder data/cm-death-bridge.tsv: no row for ${category}`);
    categories.set(category!, {
      category: category!, accidental: accidental!, intents: intents!, title: title!,
      deathCode: b[1]!, nchsClass: b[2] === '-' ? null : b[2]!, anyOpioid: b[3] === 'yes',
    });
  }
  const terms = rows('cm-drug-codes.tsv', 'term\tname\tcategory\tflags\tsource').map(([term, name, category, flags, source]): DrugTerm => {
    if (category !== '-' && !categories.has(category!)) throw new Error(`ED coder data/cm-drug-codes.tsv: "${term}" has unknown category ${category}`);
    return { term: term!, name: name!, category: category === '-' ? null : category!, ambiguous: flags!.includes('ambiguous'), generic: flags!.includes('generic'), verb: flags === 'verb', curated: source === 'curated' };
  });
  const ordinaryWords = new Set(readFileSync(new URL('ordinary-words.txt', DATA_DIR), 'utf8').split('\n').filter((w) => w !== ''));
  return { version: info.version, terms, categories, ordinaryWords };
}
