/**
 * Derives the ED coder's committed tables in pipeline/coding/ed/data/ from the ICD-10-CM FY2025
 * files in ../shared/data/icd10cm and the ED curated terms (see pipeline/coding/ed/README.md).
 *
 *   npx tsx scripts/derive-ed-lexicon.ts           # write data/*.tsv and data/version.json
 *   npx tsx scripts/derive-ed-lexicon.ts --check   # exit 1 when the committed tables differ
 *
 * Either way it then checks that every code the coder can build from the tables is in the FY2025
 * code list (exit 1 naming the ones that are not).
 *
 * Files are written to a temporary name and renamed; version.json keeps its version string when
 * the tables did not change.
 *
 * It also writes (or checks) data/cm-billable-codes.txt, every billable FY2025 code (from the FY2025
 * code list and the FY2021 order file, ed-lexicon/billable.ts). That file is not one of the coder's
 * tables: the coder never reads it (the review's correction check does), so it is outside the
 * digest and version.json — changing it leaves the ED lexicon version stored on codings as it is.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ICD10CM_DIR } from '../pipeline/coding/lexicon/build/tables.ts';
import { BILLABLE_FILE, billableCodesFile } from './ed-lexicon/billable.ts';
import { deriveEdTables, ED_DIR, sha256, TABLE_FILES } from './ed-lexicon/derive.ts';
import { codesMissingFromCodeList } from './ed-lexicon/verify.ts';

const check = process.argv.includes('--check');
const derived = deriveEdTables();
const billable = billableCodesFile(ICD10CM_DIR);
for (const line of [...derived.report, ...billable.derived.report]) process.stderr.write(`${line}\n`);
const dataDir = join(ED_DIR, 'data');
const isStale = (file: string, text: string) => !existsSync(join(dataDir, file)) || readFileSync(join(dataDir, file), 'utf8') !== text;

if (check) {
  const stale: string[] = TABLE_FILES.filter((f) => isStale(f, derived.tables[f]));
  if (isStale(BILLABLE_FILE, billable.text)) stale.push(BILLABLE_FILE);
  if (stale.length > 0) {
    process.stderr.write(`stale: ${stale.join(', ')} (run npx tsx scripts/derive-ed-lexicon.ts)\n`);
    process.exit(1);
  }
  process.stderr.write('ED tables are up to date\n');
} else {
  const digest = sha256(TABLE_FILES.map((f) => derived.tables[f]).join(''));
  const versionPath = join(dataDir, 'version.json');
  let version = `ed-lexicon/${new Date().toISOString().slice(0, 10)}-${digest.slice(0, 8)}`;
  if (existsSync(versionPath)) {
    const previous = JSON.parse(readFileSync(versionPath, 'utf8')) as { version?: string; sha256?: string };
    if (previous.sha256 === digest && previous.version) version = previous.version;
  }
  const rows = Object.fromEntries(TABLE_FILES.map((f) => [f, derived.tables[f].split('\n').length - (f.endsWith('.tsv') ? 2 : 1)]));
  const files: [string, string][] = [
    ...TABLE_FILES.map((f): [string, string] => [f, derived.tables[f]]),
    ['version.json', JSON.stringify({ version, sha256: digest, rows, sources: derived.sources }, null, 2) + '\n'],
    [BILLABLE_FILE, billable.text],
  ];
  for (const [file, text] of files) {
    writeFileSync(join(dataDir, `${file}.tmp`), text);
    renameSync(join(dataDir, `${file}.tmp`), join(dataDir, file));
  }
  process.stderr.write(`wrote ${TABLE_FILES.join(', ')}, ${BILLABLE_FILE}; version ${version}\n`);
}

// The committed tables (as just written, or as checked) may only yield real ICD-10-CM codes.
const missing = codesMissingFromCodeList(ICD10CM_DIR);
if (missing.length > 0) {
  process.stderr.write(`codes the ED coder could emit that ICD-10-CM FY2025 does not have: ${missing.join(', ')}\n`);
  process.exit(1);
}
process.stderr.write('every code the ED coder can emit is in the ICD-10-CM FY2025 code list\n');
