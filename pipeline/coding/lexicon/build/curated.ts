/**
 * The hand-written tables in pipeline/coding/lexicon/curated/:
 * - drugs.tsv, abbreviations.tsv, causes.tsv: `term code kind source` (source is always
 *   "curated"); terms as people write them, normalised here.
 * - neoplasm-sites.tsv: `site code metastatic`: primary sites of malignant neoplasms (the
 *   Neoplasm Table is not in the flattened Index), expanded to the usual wordings.
 * - exclude.tsv: `term code`: generated rows to leave out (code `*`: every code of the term).
 * Lines starting with "#" are comments; blank lines are ignored.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { normaliseText } from '../normalise.ts';
import { kindOf, type LexiconKind } from './cm-to-who.ts';
import { nounLike } from './phrases.ts';
import type { CandidateRow } from './rows.ts';

export const KINDS: readonly LexiconKind[] = ['drug', 'condition', 'injury', 'external', 'ill_defined', 'mechanism'];
export const WHO_CODE = /^[A-Z]\d\d(\.\d)?$/;

interface TsvLine {
  file: string;
  line: number;
  fields: string[];
}

function readTsv(path: string, file: string, columns: readonly string[]): TsvLine[] {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const out: TsvLine[] = [];
  let header: string[] | null = null;
  lines.forEach((text, i) => {
    if (!text.trim() || text.startsWith('#')) return;
    const fields = text.split('\t').map((f) => f.trim());
    if (!header) {
      header = fields;
      if (header.join('\t') !== columns.join('\t')) {
        throw new Error(`${file}: header must be ${columns.join(' | ')}, is ${header.join(' | ')}`);
      }
      return;
    }
    if (fields.length !== columns.length) throw new Error(`${file} line ${i + 1}: ${fields.length} fields, want ${columns.length}`);
    out.push({ file, line: i + 1, fields });
  });
  return out;
}

export interface CuratedTables {
  rows: CandidateRow[];
  /** term → codes to drop from generated sources ('*' = all). */
  exclusions: Map<string, Set<string>>;
  /** Normalised drug term → canonical substance name (drug-names.tsv), sorted by term. */
  drugNames: [string, string][];
  /** Files read, for version.json. */
  files: string[];
  /** Notes on curated rows whose kind is not the one the code implies (reported, not fatal). */
  warnings: string[];
}

/** Wordings for a malignant neoplasm of a primary site. "metastatic" forms only where the site is not a usual site of metastasis. */
export function neoplasmPhrases(site: string, metastatic: boolean): string[] {
  // "pancreatic", "ovarian", "uterine" precede the noun; only nouns ("pancreas") follow "of".
  const noun = nounLike(normaliseText(site)) && !/uterine$/.test(site);
  const forms = [`${site} cancer`, `${site} carcinoma`, `${site} adenocarcinoma`, `${site} malignancy`, `malignant ${site} neoplasm`, `${site} ca`];
  if (noun) {
    forms.push(`cancer of ${site}`, `cancer of the ${site}`, `carcinoma of ${site}`, `carcinoma of the ${site}`,
      `adenocarcinoma of ${site}`, `adenocarcinoma of the ${site}`, `malignant neoplasm of ${site}`,
      `malignant neoplasm of the ${site}`, `malignancy of ${site}`, `malignancy of the ${site}`);
  }
  if (metastatic) {
    forms.push(`metastatic ${site} cancer`, `metastatic ${site} carcinoma`, `metastatic ${site} adenocarcinoma`);
    if (noun) {
      forms.push(`metastatic cancer of ${site}`, `metastatic cancer of the ${site}`, `metastatic carcinoma of ${site}`,
        `metastatic carcinoma of the ${site}`);
    }
  }
  return forms;
}

export function readCurated(dir: string): CuratedTables {
  const rows: CandidateRow[] = [];
  const warnings: string[] = [];
  const files = readdirSync(dir).filter((f) => f.endsWith('.tsv')).sort();
  let seq = 0;
  const push = (raw: string, code: string, kind: LexiconKind, origin: string) => {
    const term = normaliseText(raw);
    if (!term) throw new Error(`${origin}: empty term`);
    if (!WHO_CODE.test(code)) throw new Error(`${origin}: "${code}" is not a dotted WHO ICD-10 code`);
    const implied = kindOf(code, term);
    if (kind !== implied && kind !== 'mechanism') warnings.push(`${origin}: ${term} ${code} is ${kind}, the code implies ${implied}`);
    rows.push({ term, code, kind, source: 'curated', rank: 0, seq: seq++, origin });
  };
  const exclusions = new Map<string, Set<string>>();
  const drugNames = new Map<string, string>();
  for (const file of files) {
    const path = join(dir, file);
    if (file === 'drug-names.tsv') {
      for (const { line, fields } of readTsv(path, file, ['term', 'name'])) {
        const term = normaliseText(fields[0]!);
        const name = normaliseText(fields[1]!);
        if (!term || !name) throw new Error(`${file} line ${line}: empty term or name`);
        if (drugNames.has(term) && drugNames.get(term) !== name) throw new Error(`${file} line ${line}: "${term}" already has the name "${drugNames.get(term)}"`);
        drugNames.set(term, name);
      }
      continue;
    }
    if (file === 'exclude.tsv') {
      for (const { fields } of readTsv(path, file, ['term', 'code'])) {
        const term = normaliseText(fields[0]!);
        const set = exclusions.get(term) ?? new Set<string>();
        set.add(fields[1]!);
        exclusions.set(term, set);
      }
      continue;
    }
    if (file === 'neoplasm-sites.tsv') {
      for (const { line, fields } of readTsv(path, file, ['site', 'code', 'metastatic'])) {
        const [sites, code, metastatic] = fields as [string, string, string];
        if (!/^(yes|no)$/.test(metastatic)) throw new Error(`${file} line ${line}: metastatic must be yes or no`);
        for (const site of sites.split('|')) {
          for (const phrase of neoplasmPhrases(site.trim(), metastatic === 'yes')) push(phrase, code, 'condition', `${file}:${line}`);
        }
      }
      continue;
    }
    for (const { line, fields } of readTsv(path, file, ['term', 'code', 'kind', 'source'])) {
      const [term, code, kind, source] = fields as [string, string, string, string];
      if (!(KINDS as readonly string[]).includes(kind)) throw new Error(`${file} line ${line}: unknown kind ${kind}`);
      if (source !== 'curated') throw new Error(`${file} line ${line}: source must be "curated"`);
      push(term, code, kind as LexiconKind, `${file}:${line}`);
    }
  }
  const sortedNames = [...drugNames].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return { rows, exclusions, drugNames: sortedNames, files, warnings };
}
