/**
 * Every valid, billable ICD-10-CM FY2025 code (pipeline/coding/ed/data/cm-billable-codes.txt),
 * from two public files that each miss half of it:
 *
 * - `ICD10CM_2025_codes.csv`, the FY2025 tabular list, has every code and header but not the 7th
 *   characters (it has S06.0X0, not S06.0X0A; W19, not W19.XXXA; T40.1X1, not T40.1X1A);
 * - `icd10cm-order-Jan-2021.txt`, the FY2021 order file, has every billable code with its 7th
 *   characters and a billable flag, but is four years old (no S06.0XA, T40.711, U09.9, R40.2A;
 *   Z91.19 still billable).
 *
 * The FY2025 billable set is the union of three parts (the derivation reports the count of each;
 * pipeline/coding/ed/README.md has them):
 *
 * 1. **FY2021 billable codes that are still FY2025 leaves**: the code itself is a FY2025 code with
 *    no child (R10.84, F11.120, H54.0X33), or it is a 7th-character code (seven characters, not
 *    itself in the FY2025 list) whose six-character stem — as printed, else without its trailing
 *    placeholders (W19XXX → W19) — is a FY2025 code with no child (S06.0X0A, T40.1X1A, W19.XXXA).
 *    A FY2021 code the FY2025 list deleted, or expanded into children (Z91.19 → Z91.190 …), is out.
 * 2. **FY2025 leaves that need no 7th character** and part 1 does not give (new since FY2021, or a
 *    former header whose children were deleted): U09.9, Z91.190, F43.81, R40.2A.
 * 3. **FY2025 leaves new since FY2021 that need a 7th character**: X-padded to six characters and
 *    given each 7th character their FY2021 relatives take (S06.0XA → S06.0XAA/D/S, T40.711 →
 *    T40.711A/D/S, S06.A0 → S06.A0XA/D/S).
 *
 * Parts 2 and 3 decide by the FY2021 billable codes under the nearest ancestor that has any: the
 * code itself, then each shorter prefix down to its category, then the category's block in the
 * FY2025 list (W44 is new since FY2021, block W20-W49 is not). All of them 7th-character codes →
 * part 3, with the union of their 7th characters; none → part 2. Where that ancestor has both kinds
 * (R40.2: R40.20 without, the coma scales R40.21x-R40.24x with), its FY2021 codes of the new code's
 * own length decide: billable themselves (R40.20, so R40.2A is bare) or taking a 7th character.
 * Still undecided → both the bare code and the 7th-character forms are kept (a coder refused a
 * valid code has no way round it; a wrongly accepted one is at worst what the shape check accepted
 * before), and the derivation names each such code (E10.A0, E10.A1, E10.A2 in FY2025).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readCsvTable } from '../../pipeline/coding/lexicon/build/tables.ts';
import { sha256 } from './derive.ts';

export const BILLABLE_FILE = 'cm-billable-codes.txt';
export const BILLABLE_SOURCES = [
  ['ICD10CM_2025_codes.csv', 'ICD-10-CM FY2025 code list (CDC NCHS / CMS, public domain)'],
  ['icd10cm-order-Jan-2021.txt', 'ICD-10-CM FY2021 order file (CDC NCHS / CMS, public domain)'],
] as const;

export interface BillableParts {
  /** 1: FY2021 billable codes still FY2025 leaves, as the same code (no 7th character, or a full seven-character code). */
  sameCode: number;
  /** 1: FY2021 7th-character codes whose stem is a FY2025 leaf. */
  seventhOfStem: number;
  /** 2: FY2025 leaves part 1 does not give, needing no 7th character. */
  newBare: number;
  /** 3: codes made from FY2025 leaves new since FY2021 that need a 7th character (leaves, codes). */
  newSeventhLeaves: number;
  newSeventhCodes: number;
  /** Undecided leaves (both forms kept), with the 7th characters given. */
  undecided: string[];
  /** FY2021 billable codes left out: deleted from the FY2025 list, or expanded into children. */
  droppedDeleted: number;
  droppedExpanded: number;
  /** Parts 2 and 3 leaf by leaf: what was decided and at which level. */
  decisions: { leaf: string; kind: Need['kind']; chars: string; how: string }[];
}

export interface BillableCodes {
  /** Sorted, undotted. */
  codes: string[];
  parts: BillableParts;
  report: string[];
}

const SEVEN = 7;

/** The undotted FY2025 list (codes and headers) and its leaves (codes with no child). */
function fy2025(icd10cmDir: string): { all: Set<string>; leaves: Set<string>; block: Map<string, [string, string]> } {
  const block = new Map<string, [string, string]>();
  for (const row of readCsvTable(join(icd10cmDir, 'ICD10CM_2025_codes.csv'))) {
    const code = (row.Code ?? '').replace('.', '');
    const range = /^([A-Z]\d[0-9A-Z])(?:-([A-Z]\d[0-9A-Z]))?$/.exec(row.SectionID ?? ''); // a one-category block is "B10"
    if (!/^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$/.test(code) || !range) throw new Error(`ICD10CM_2025_codes.csv: bad row ${row.Code} ${row.SectionID}`);
    block.set(code, [range[1]!, range[2] ?? range[1]!]);
  }
  const codes = [...block.keys()].sort();
  const leaves = new Set<string>();
  // Sorted, a code's descendants follow it directly.
  for (let i = 0; i < codes.length; i++) if (!(codes[i + 1] ?? '').startsWith(codes[i]!)) leaves.add(codes[i]!);
  return { all: new Set(codes), leaves, block };
}

/** The FY2021 order file: code → billable. */
function fy2021(icd10cmDir: string): Map<string, boolean> {
  const out = new Map<string, boolean>();
  const lines = readFileSync(join(icd10cmDir, 'icd10cm-order-Jan-2021.txt'), 'latin1').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '') return;
    const code = line.slice(6, 13).trim();
    const flag = line[14];
    if (!/^\d{5}$/.test(line.slice(0, 5)) || !/^[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}$/.test(code) || (flag !== '0' && flag !== '1')) {
      throw new Error(`icd10cm-order-Jan-2021.txt line ${i + 1}: not "order code flag title": ${line.slice(0, 20)}`);
    }
    out.set(code, flag === '1');
  });
  return out;
}

/** First index of `sorted` not below `key`. */
function lowerBound(sorted: readonly string[], key: string): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function* underPrefix(sorted: readonly string[], prefix: string): Generator<string> {
  for (let i = lowerBound(sorted, prefix); i < sorted.length && sorted[i]!.startsWith(prefix); i++) yield sorted[i]!;
}

/** What a FY2025 leaf without a FY2021 billable counterpart needs. */
type Need = { how: string } & ({ kind: 'none' } | { kind: 'seventh' | 'undecided'; chars: string[] });

export function deriveBillableCodes(icd10cmDir: string): BillableCodes {
  const { all, leaves, block } = fy2025(icd10cmDir);
  const order = fy2021(icd10cmDir);
  const billable21 = [...order].filter(([, b]) => b).map(([c]) => c).sort();
  /** A FY2021 7th-character code: seven characters that are not a full FY2025 code (H54.0X33 is one). */
  const isSeventh = (code: string) => code.length === SEVEN && !all.has(code);
  /** The FY2025 code a 7th-character code extends: its six-character stem as printed, else without trailing placeholders. */
  const stemOf = (code: string) => {
    const six = code.slice(0, 6);
    return all.has(six) ? six : six.replace(/X+$/, '');
  };

  const out = new Set<string>();
  const covered = new Set<string>(); // FY2025 leaves part 1 gives (the code, or 7th-character codes of it)
  const parts: BillableParts = { sameCode: 0, seventhOfStem: 0, newBare: 0, newSeventhLeaves: 0, newSeventhCodes: 0, undecided: [], droppedDeleted: 0, droppedExpanded: 0, decisions: [] };
  for (const code of billable21) {
    if (all.has(code)) {
      if (leaves.has(code)) {
        out.add(code);
        covered.add(code);
        parts.sameCode++;
      } else parts.droppedExpanded++;
    } else if (code.length === SEVEN) {
      const stem = stemOf(code);
      if (leaves.has(stem)) {
        out.add(code);
        covered.add(stem);
        parts.seventhOfStem++;
      } else if (all.has(stem)) parts.droppedExpanded++;
      else parts.droppedDeleted++;
    } else parts.droppedDeleted++;
  }

  const inBlock = (first: string, last: string) => billable21.slice(lowerBound(billable21, first), lowerBound(billable21, `${last}~`));
  const seventhChar = (codes: readonly string[]) => [...new Set(codes.map((c) => c[6]!))].sort();
  const need = (leaf: string): Need => {
    if (leaf.length >= SEVEN) return { kind: 'none', how: 'seven characters already' };
    const [first, last] = block.get(leaf)!;
    // The code itself, each shorter prefix down to its category, then its block (W44 is new since FY2021, W20-W49 is not).
    const levels: [string, string[]][] = Array.from({ length: leaf.length - 2 }, (_, i): [string, string[]] => {
      const prefix = leaf.slice(0, leaf.length - i);
      return [prefix === leaf ? 'the code itself' : `prefix ${prefix}`, [...underPrefix(billable21, prefix)]];
    });
    levels.push([`block ${first === last ? first : `${first}-${last}`}`, inBlock(first, last)]);
    for (const [level, under] of levels) {
      if (under.length === 0) continue;
      const seventh = under.filter(isSeventh);
      if (seventh.length === 0) return { kind: 'none', how: level };
      if (seventh.length === under.length) return { kind: 'seventh', chars: seventhChar(seventh), how: level };
      // Both kinds under the ancestor: its FY2021 codes of the leaf's own length decide, billable themselves or with a 7th character.
      const bare = under.some((c) => c.length === leaf.length && !isSeventh(c));
      const sameLength = seventh.filter((c) => stemOf(c).length === leaf.length);
      if (bare && sameLength.length === 0) return { kind: 'none', how: `${level}, same length` };
      if (!bare && sameLength.length > 0) return { kind: 'seventh', chars: seventhChar(sameLength), how: `${level}, same length` };
      return { kind: 'undecided', chars: seventhChar(seventh), how: `${level}, both at the same length` };
    }
    return { kind: 'none', how: 'no FY2021 relative' };
  };

  for (const leaf of leaves) {
    if (covered.has(leaf)) continue;
    const n = need(leaf);
    const chars = n.kind === 'none' ? [] : n.chars;
    parts.decisions.push({ leaf, kind: n.kind, chars: chars.join(''), how: n.how });
    if (n.kind !== 'seventh') {
      out.add(leaf);
      parts.newBare++;
    }
    if (n.kind !== 'none') {
      parts.newSeventhLeaves++;
      for (const ch of chars) {
        out.add(leaf.padEnd(6, 'X') + ch);
        parts.newSeventhCodes++;
      }
      if (n.kind === 'undecided') parts.undecided.push(`${leaf} (bare and ${chars.join('')})`);
    }
  }

  const codes = [...out].sort();
  const report = [
    `${codes.length} billable ICD-10-CM FY2025 codes:`,
    `  1. FY2021 billable, still FY2025 leaves: ${parts.sameCode + parts.seventhOfStem} (${parts.sameCode} the same code, ${parts.seventhOfStem} 7th-character codes of a FY2025 leaf)`,
    `     left out: ${parts.droppedDeleted} deleted since FY2021, ${parts.droppedExpanded} expanded into children`,
    `  2. FY2025 leaves new since FY2021, no 7th character: ${parts.newBare}`,
    `  3. FY2025 leaves new since FY2021 with a 7th character: ${parts.newSeventhLeaves} leaves → ${parts.newSeventhCodes} codes`,
    `  undecided (both forms kept): ${parts.undecided.length}${parts.undecided.length > 0 ? ` ${parts.undecided.join(', ')}` : ''}`,
  ];
  return { codes, parts, report };
}

/**
 * The committed file: one header line naming the sources (data/version.json is the ED lexicon's
 * version and leaves this file out, see derive-ed-lexicon.ts), then one undotted code per line,
 * sorted. Deterministic.
 */
export function billableCodesFile(icd10cmDir: string): { text: string; derived: BillableCodes } {
  const derived = deriveBillableCodes(icd10cmDir);
  const sources = BILLABLE_SOURCES.map(([file]) => `${file} sha256:${sha256(readFileSync(join(icd10cmDir, file)))}`);
  const header = `# ${derived.codes.length} billable ICD-10-CM FY2025 codes, undotted, sorted; derived by scripts/derive-ed-lexicon.ts from ${sources.join(' and ')}`;
  return { text: `${header}\n${derived.codes.join('\n')}\n`, derived };
}
