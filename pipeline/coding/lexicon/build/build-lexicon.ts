/**
 * Builds the death coder's lexicon (pipeline/coding/lexicon/data/) from the ICD-10-CM FY2025
 * Index to Diseases, Table of Drugs and Chemicals and External Cause Index (CDC NCHS / CMS,
 * public domain, read from <repo>/../shared/data/icd10cm) and the curated tables beside it.
 *
 *   npx tsx pipeline/coding/lexicon/build/build-lexicon.ts [--quiet]
 *
 * Writes data/lexicon.tsv (deterministic: the same inputs give the same bytes) and
 * data/version.json, and prints counts per source and kind and the conflicts it resolved.
 * See pipeline/coding/lexicon/README.md.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { loadCmCodes } from './cm-to-who.ts';
import { readCurated, WHO_CODE } from './curated.ts';
import { SOURCE_PRIORITY, type CandidateRow, type SourceName } from './rows.ts';
import { cmDrugRows } from './source-drugs.ts';
import { cmExternalRows } from './source-external.ts';
import { cmIndexRows } from './source-index.ts';
import { ICD10CM_DIR, LEXICON_DIR } from './tables.ts';

export interface LexiconRow {
  term: string;
  code: string;
  kind: string;
  source: SourceName;
}

export interface Conflict {
  term: string;
  axis: 'nature' | 'external';
  kept: CandidateRow;
  dropped: CandidateRow[];
  between: 'sources' | 'within source';
}

export interface BuildResult {
  rows: LexiconRow[];
  /** Drug term → canonical substance name, for the terms whose name is not the term itself. */
  drugNames: [string, string][];
  conflicts: Conflict[];
  candidates: Record<SourceName, number>;
  excluded: number;
  overriddenByCurated: number;
  warnings: string[];
  inputs: { name: string; file: string; sha256: string }[];
}

/** Injuries, drugs, conditions and mechanisms describe what the death was (nature); external causes how it came about. A term may carry one of each. */
function axisOf(row: CandidateRow): 'nature' | 'external' {
  return row.kind === 'external' ? 'external' : 'nature';
}

function better(a: CandidateRow, b: CandidateRow): number {
  return SOURCE_PRIORITY[a.source] - SOURCE_PRIORITY[b.source] || a.rank - b.rank || a.seq - b.seq;
}

function sha256(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

export function buildLexicon(icd10cmDir = ICD10CM_DIR, lexiconDir = LEXICON_DIR): BuildResult {
  const cmCodes = loadCmCodes(icd10cmDir);
  const curated = readCurated(join(lexiconDir, 'curated'));
  const generated: CandidateRow[] = [
    ...cmDrugRows(cmCodes, icd10cmDir),
    ...cmExternalRows(cmCodes, icd10cmDir),
    ...cmIndexRows(cmCodes, icd10cmDir),
  ];
  const candidates: Record<SourceName, number> = { curated: curated.rows.length, 'cm-drugs': 0, 'cm-external': 0, 'cm-index': 0 };
  for (const row of generated) candidates[row.source]++;

  // Curated rows: kept as written; one code per term and axis.
  const curatedTerms = new Set(curated.rows.map((r) => r.term));
  const out = new Map<string, LexiconRow>();
  const curatedAxis = new Map<string, CandidateRow>();
  for (const row of curated.rows) {
    const key = `${row.term}\t${axisOf(row)}`;
    const earlier = curatedAxis.get(key);
    if (earlier && earlier.code !== row.code) {
      throw new Error(`curated: "${row.term}" has two ${axisOf(row)} codes: ${earlier.code} (${earlier.origin}) and ${row.code} (${row.origin})`);
    }
    curatedAxis.set(key, row);
    out.set(`${row.term}\t${row.code}`, { term: row.term, code: row.code, kind: row.kind, source: 'curated' });
  }

  // Generated rows: exclusions, then curated wins on the term, then one code per term and axis.
  let excluded = 0;
  let overriddenByCurated = 0;
  const groups = new Map<string, CandidateRow[]>();
  for (const row of generated) {
    const ex = curated.exclusions.get(row.term);
    if (ex && (ex.has('*') || ex.has(row.code))) {
      excluded++;
      continue;
    }
    if (curatedTerms.has(row.term)) {
      overriddenByCurated++;
      continue;
    }
    const key = `${row.term}\t${axisOf(row)}`;
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  const conflicts: Conflict[] = [];
  for (const list of groups.values()) {
    list.sort(better);
    const kept = list[0]!;
    const dropped = list.filter((r) => r.code !== kept.code);
    if (dropped.length > 0) {
      const between = dropped.some((r) => r.source !== kept.source) ? 'sources' : 'within source';
      conflicts.push({ term: kept.term, axis: axisOf(kept), kept, dropped, between });
    }
    out.set(`${kept.term}\t${kept.code}`, { term: kept.term, code: kept.code, kind: kept.kind, source: kept.source });
  }

  const rows = [...out.values()].sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
  for (const row of rows) {
    if (!WHO_CODE.test(row.code)) throw new Error(`bad code ${row.code} for ${row.term}`);
    if (/[^a-z0-9 ]/.test(row.term) || row.term !== row.term.trim()) throw new Error(`term not normalised: "${row.term}"`);
  }
  const drugTerms = new Set(rows.filter((r) => r.kind === 'drug').map((r) => r.term));
  for (const [term, name] of curated.drugNames) {
    if (!drugTerms.has(term)) throw new Error(`curated/drug-names.tsv: "${term}" is not a drug term of the lexicon`);
    if (term === name) throw new Error(`curated/drug-names.tsv: "${term}" is named as itself (leave it out)`);
  }
  const inputs = [
    { name: 'cm-index', file: 'ICD10CM_2025_Index.csv' },
    { name: 'cm-drugs', file: 'ICD10CM_2025_Drugs.csv' },
    { name: 'cm-external', file: 'ICD10CM_2025_ExternalIndex.csv' },
    { name: 'cm-codes', file: 'ICD10CM_2025_codes.csv' },
  ].map((i) => ({ ...i, sha256: sha256(readFileSync(join(icd10cmDir, i.file))) }));
  for (const file of curated.files) {
    inputs.push({ name: 'curated', file: `curated/${file}`, sha256: sha256(readFileSync(join(lexiconDir, 'curated', file))) });
  }
  return { rows, drugNames: curated.drugNames, conflicts, candidates, excluded, overriddenByCurated, warnings: curated.warnings, inputs };
}

export function lexiconTsv(rows: readonly LexiconRow[]): string {
  return 'term\tcode\tkind\tsource\n' + rows.map((r) => `${r.term}\t${r.code}\t${r.kind}\t${r.source}\n`).join('');
}

export function drugNamesTsv(names: readonly [string, string][]): string {
  return 'term\tname\n' + names.map(([term, name]) => `${term}\t${name}\n`).join('');
}

const SOURCE_TITLES: Record<string, string> = {
  'cm-index': 'ICD-10-CM FY2025 Index to Diseases and Injuries (CDC NCHS / CMS, public domain)',
  'cm-drugs': 'ICD-10-CM FY2025 Table of Drugs and Chemicals (CDC NCHS / CMS, public domain)',
  'cm-external': 'ICD-10-CM FY2025 External Cause of Injuries Index (CDC NCHS / CMS, public domain)',
  'cm-codes': 'ICD-10-CM FY2025 code list (CDC NCHS / CMS, public domain): CM → WHO truncation',
  curated: 'vigil curated tables',
};

/** Writes data/lexicon.tsv and data/version.json; keeps the version string when the table is unchanged. */
export function writeLexicon(result: BuildResult, lexiconDir = LEXICON_DIR, today = new Date()): { version: string; bytes: number; sha256: string } {
  const dataDir = join(lexiconDir, 'data');
  mkdirSync(dataDir, { recursive: true });
  const tsv = lexiconTsv(result.rows);
  const namesTsv = drugNamesTsv(result.drugNames);
  const digest = sha256(tsv);
  const namesDigest = sha256(namesTsv);
  // The version names both tables: a new drug name is a new lexicon version (recoding follows).
  const versionDigest = sha256(tsv + namesTsv);
  const versionPath = join(dataDir, 'version.json');
  let version = `lexicon/${today.toISOString().slice(0, 10)}-${versionDigest.slice(0, 8)}`;
  if (existsSync(versionPath)) {
    const previous = JSON.parse(readFileSync(versionPath, 'utf8')) as { version?: string; sha256?: string; drugNamesSha256?: string };
    if (previous.sha256 === digest && previous.drugNamesSha256 === namesDigest && previous.version) version = previous.version;
  }
  const terms = new Set(result.rows.map((r) => r.term)).size;
  const info = {
    version,
    sha256: digest,
    drugNamesSha256: namesDigest,
    drugNames: result.drugNames.length,
    terms,
    rows: result.rows.length,
    sources: result.inputs.map((i) => ({ ...i, title: SOURCE_TITLES[i.name] ?? i.name })),
  };
  const tmpTsv = join(dataDir, 'lexicon.tsv.tmp');
  writeFileSync(tmpTsv, tsv);
  renameSync(tmpTsv, join(dataDir, 'lexicon.tsv'));
  const tmpNames = join(dataDir, 'drug-names.tsv.tmp');
  writeFileSync(tmpNames, namesTsv);
  renameSync(tmpNames, join(dataDir, 'drug-names.tsv'));
  const tmpJson = join(dataDir, 'version.json.tmp');
  writeFileSync(tmpJson, JSON.stringify(info, null, 2) + '\n');
  renameSync(tmpJson, versionPath);
  return { version, bytes: Buffer.byteLength(tsv), sha256: digest };
}

function report(result: BuildResult, quiet: boolean): void {
  const log = (s: string) => console.log(s);
  log(`candidates: ${Object.entries(result.candidates).map(([s, n]) => `${s} ${n}`).join(', ')}`);
  log(`left out: ${result.excluded} by curated/exclude.tsv, ${result.overriddenByCurated} because a curated row has the term`);
  const bySourceKind = new Map<string, number>();
  for (const r of result.rows) bySourceKind.set(`${r.source}\t${r.kind}`, (bySourceKind.get(`${r.source}\t${r.kind}`) ?? 0) + 1);
  const sources = [...new Set(result.rows.map((r) => r.source))].sort();
  const kinds = [...new Set(result.rows.map((r) => r.kind))].sort();
  log(`rows: ${result.rows.length}, terms: ${new Set(result.rows.map((r) => r.term)).size}`);
  log(['source', ...kinds, 'total'].map((s) => s.padStart(12)).join(''));
  for (const s of sources) {
    const counts = kinds.map((k) => bySourceKind.get(`${s}\t${k}`) ?? 0);
    log([s, ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))].map((c) => c.padStart(12)).join(''));
  }
  const kindTotals = kinds.map((k) => result.rows.filter((r) => r.kind === k).length);
  log(['total', ...kindTotals.map(String), String(result.rows.length)].map((c) => c.padStart(12)).join(''));
  const between = result.conflicts.filter((c) => c.between === 'sources');
  const within = result.conflicts.filter((c) => c.between === 'within source');
  log(`conflicts resolved: ${between.length} between sources, ${within.length} within a source (the more direct entry kept)`);
  const show = (list: Conflict[], n: number) => {
    for (const c of list.slice(0, n)) {
      log(`  ${c.term} [${c.axis}]: kept ${c.kept.code} (${c.kept.source}: ${c.kept.origin}); dropped ${c.dropped
        .map((d) => `${d.code} (${d.source}: ${d.origin})`)
        .filter((v, i, a) => a.indexOf(v) === i)
        .slice(0, 3)
        .join('; ')}`);
    }
  };
  show(between, quiet ? 10 : 40);
  show(within, quiet ? 10 : 40);
  for (const w of result.warnings) log(`warning: ${w}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = performance.now();
  const quiet = process.argv.includes('--quiet');
  const result = buildLexicon();
  const written = writeLexicon(result);
  report(result, quiet);
  console.log(`wrote data/lexicon.tsv (${(written.bytes / 1e6).toFixed(2)} MB, sha256 ${written.sha256.slice(0, 16)}…) and data/version.json (${written.version}) in ${Math.round(performance.now() - started)} ms`);
}
