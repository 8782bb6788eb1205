/**
 * Derives the ED coder's tables (pipeline/coding/ed/data/) as text, without writing anything:
 * the CLI (scripts/derive-ed-lexicon.ts) writes them, the test compares them with the committed
 * bytes. Deterministic: the same inputs give the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCmCodes } from '../../pipeline/coding/lexicon/build/cm-to-who.ts';
import { ICD10CM_DIR, readCsvTable } from '../../pipeline/coding/lexicon/build/tables.ts';
import { normaliseText } from '../../pipeline/coding/lexicon/normalise.ts';
import { bridgeRows } from './bridge.ts';
import { poisoningCategories } from './categories.ts';
import { drugTerms } from './terms.ts';

export const ED_DIR = fileURLToPath(new URL('../../pipeline/coding/ed/', import.meta.url));
const DEATH_EXCLUDE = fileURLToPath(new URL('../../pipeline/coding/lexicon/curated/exclude.tsv', import.meta.url));

export const TABLE_FILES = ['cm-drug-codes.tsv', 'cm-poisoning-codes.tsv', 'cm-death-bridge.tsv', 'ordinary-words.txt'] as const;
export type TableFile = (typeof TABLE_FILES)[number];

export interface Derived {
  tables: Record<TableFile, string>;
  sources: { file: string; sha256: string; title: string }[];
  report: string[];
}

export const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

const SOURCES = [
  ['ICD10CM_2025_codes.csv', 'ICD-10-CM FY2025 code list (CDC NCHS / CMS, public domain)'],
  ['ICD10CM_2025_Drugs.csv', 'ICD-10-CM FY2025 Table of Drugs and Chemicals (CDC NCHS / CMS, public domain)'],
  ['ICD10CM_2025_Index.csv', 'ICD-10-CM FY2025 Index to Diseases and Injuries (CDC NCHS / CMS, public domain)'],
] as const;

/**
 * Words of the Index to Diseases and of the code titles outside T36-T65 (5+ letters: the matcher
 * corrects nothing shorter), minus every word of a drug term: medical vocabulary the spelling
 * matcher must never turn into a drug ("saliva" is one transposition from "salvia").
 */
function ordinaryWords(icd10cmDir: string, drugTerms: readonly string[]): string[] {
  const drugWords = new Set(drugTerms.flatMap((t) => t.split(' ')));
  const words = new Set<string>();
  const add = (text: string) => {
    for (const w of normaliseText(text).split(' ')) if (w.length >= 5 && /^[a-z]+$/.test(w) && !drugWords.has(w)) words.add(w);
  };
  for (const row of readCsvTable(join(icd10cmDir, 'ICD10CM_2025_Index.csv'))) add(`${row.Term ?? ''} ${row.NonEssModif ?? ''}`);
  for (const row of readCsvTable(join(icd10cmDir, 'ICD10CM_2025_codes.csv'))) if (!/^T(3[6-9]|[45]\d|6[0-5])/.test(row.Code ?? '')) add(row.Description ?? '');
  return [...words].sort();
}

function tsv(header: string, lines: string[]): string {
  return [header, ...lines].join('\n') + '\n';
}

export function deriveEdTables(icd10cmDir = ICD10CM_DIR, edDir = ED_DIR, deathExclude = DEATH_EXCLUDE): Derived {
  const cmCodes = loadCmCodes(icd10cmDir);
  const categories = poisoningCategories(readCsvTable(join(icd10cmDir, 'ICD10CM_2025_codes.csv')));
  const categorySet = new Set(categories.map((c) => c.category));
  const curatedPath = join(edDir, 'curated', 'drugs.tsv');
  const terms = drugTerms(cmCodes, categorySet, icd10cmDir, curatedPath, deathExclude);
  const bridge = bridgeRows(categories, cmCodes);
  const tables: Record<TableFile, string> = {
    'cm-drug-codes.tsv': tsv('term\tname\tcategory\tflags\tsource', terms.rows.map((r) => `${r.term}\t${r.name}\t${r.category}\t${r.flags}\t${r.source}`)),
    'cm-poisoning-codes.tsv': tsv('category\taccidental\tintents\ttitle', categories.map((c) => `${c.category}\t${c.accidental}\t${c.intents}\t${c.title}`)),
    'cm-death-bridge.tsv': tsv('category\tdeath_code\tnchs_class\tany_opioid', bridge.map((b) => `${b.category}\t${b.deathCode}\t${b.nchsClass}\t${b.anyOpioid ? 'yes' : 'no'}`)),
    'ordinary-words.txt': ordinaryWords(icd10cmDir, terms.rows.map((r) => r.term)).join('\n') + '\n',
  };
  const sources = [
    ...SOURCES.map(([file, title]) => ({ file, sha256: sha256(readFileSync(join(icd10cmDir, file))), title })),
    { file: 'pipeline/coding/ed/curated/drugs.tsv', sha256: sha256(readFileSync(curatedPath)), title: 'ED curated drug terms (vigil)' },
    { file: 'pipeline/coding/lexicon/curated/exclude.tsv', sha256: sha256(readFileSync(deathExclude)), title: 'death lexicon exclusions (vigil)' },
  ];
  const curated = terms.rows.filter((r) => r.source === 'curated').length;
  const report = [
    `${categories.length} poisoning categories (T36-T65), ${bridge.filter((b) => b.nchsClass !== '-').length} in an NCHS class`,
    `${terms.rows.length} drug terms: ${terms.rows.length - curated} from the Table of Drugs, ${curated} curated; ${terms.excluded} table rows excluded`,
    ...terms.conflicts.map((c) => `conflict ${c}`),
  ];
  return { tables, sources, report };
}
