/**
 * The death coder's lexicon: normalised terms → WHO ICD-10 codes, read from the committed,
 * generated files in data/ (built by build/build-lexicon.ts; see README.md). One row per
 * (term, code): a term may carry a nature code and an external-cause code ("gunshot wound" →
 * T14.1 injury and W34 external).
 */
import { readFileSync } from 'node:fs';

export type LexiconKind = 'drug' | 'condition' | 'injury' | 'external' | 'ill_defined' | 'mechanism';

export interface LexiconEntry {
  /** Normalised with normaliseText (lower case, letters and digits, single spaces). */
  term: string;
  /** Dotted WHO ICD-10 code: `I10`, `T40.4`. */
  code: string;
  kind: LexiconKind;
  /** `cm-drugs`, `cm-index`, `cm-external` or `curated`; `overlay` for a term approved at run time (overlay.ts). */
  source: string;
}

export interface Lexicon {
  /** `lexicon/<YYYY-MM-DD>-<first 8 hex of the table's sha256>`, recorded with every coded record. */
  version: string;
  entries: readonly LexiconEntry[];
  /** Drug term → canonical substance name ("xanax" → "alprazolam"); a term not here is its own name. */
  drugNames: ReadonlyMap<string, string>;
}

const DATA_DIR = new URL('./data/', import.meta.url);
const KINDS: readonly LexiconKind[] = ['drug', 'condition', 'injury', 'external', 'ill_defined', 'mechanism'];
const SOURCES = ['cm-drugs', 'cm-index', 'cm-external', 'curated'] as const;
const HEADER = 'term\tcode\tkind\tsource';

/**
 * The kind and source columns take a handful of values: return the shared string instead of a
 * new slice per row (the loader's time is mostly allocation).
 */
function kindAt(text: string, from: number, to: number): LexiconKind {
  for (const kind of KINDS) if (kind.length === to - from && text.startsWith(kind, from)) return kind;
  throw new Error(`lexicon data/lexicon.tsv: unknown kind "${text.slice(from, to)}"`);
}
function sourceAt(text: string, from: number, to: number): string {
  for (const source of SOURCES) if (source.length === to - from && text.startsWith(source, from)) return source;
  throw new Error(`lexicon data/lexicon.tsv: unknown source "${text.slice(from, to)}"`);
}

/** The committed lexicon's version (data/version.json) without reading the table. */
export function committedLexiconVersion(): string {
  const info = JSON.parse(readFileSync(new URL('version.json', DATA_DIR), 'utf8')) as { version?: unknown };
  if (typeof info.version !== 'string') throw new Error('lexicon data/version.json: no version');
  return info.version;
}

/** Reads data/lexicon.tsv and data/version.json (once per call; about 100k rows). */
export function loadLexicon(): Lexicon {
  const version = committedLexiconVersion();
  const text = readFileSync(new URL('lexicon.tsv', DATA_DIR), 'utf8');
  const entries: LexiconEntry[] = [];
  let start = text.indexOf('\n');
  if (start < 0 || text.slice(0, start) !== HEADER) throw new Error(`lexicon data/lexicon.tsv: header must be "${HEADER}"`);
  start++;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    if (end > start) {
      const t1 = text.indexOf('\t', start);
      const t2 = text.indexOf('\t', t1 + 1);
      const t3 = text.indexOf('\t', t2 + 1);
      if (t1 < 0 || t2 < 0 || t3 < 0 || t3 > end) throw new Error(`lexicon data/lexicon.tsv: bad row "${text.slice(start, end)}"`);
      const kind = kindAt(text, t2 + 1, t3);
      const source = sourceAt(text, t3 + 1, end);
      entries.push({ term: text.slice(start, t1), code: text.slice(t1 + 1, t2), kind, source });
    }
    start = end + 1;
  }
  return { version, entries, drugNames: loadDrugNames() };
}

function loadDrugNames(): Map<string, string> {
  const lines = readFileSync(new URL('drug-names.tsv', DATA_DIR), 'utf8').split('\n');
  if (lines[0] !== 'term\tname') throw new Error('lexicon data/drug-names.tsv: header must be "term\tname"');
  const names = new Map<string, string>();
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    if (tab <= 0) throw new Error(`lexicon data/drug-names.tsv: bad row "${line}"`);
    names.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return names;
}
