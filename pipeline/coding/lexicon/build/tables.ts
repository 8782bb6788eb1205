/**
 * Reading the ICD-10-CM source files: where they are, the CSV tables, and the indented index
 * structure shared by the Index to Diseases, the Table of Drugs and the External Cause Index
 * (each row has a `Level`; a sub-term's parent is the nearest earlier row with a lower level).
 */
import { fileURLToPath } from 'node:url';
import { readCsvFile } from '../../../formats/csv.ts';

/** The repository root (this file is pipeline/coding/lexicon/build/tables.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
/** The shared public data, beside the repository: `<repo>/../shared/data/icd10cm`. */
export const ICD10CM_DIR = fileURLToPath(new URL('../../../../../shared/data/icd10cm/', import.meta.url));
/** Where the generated lexicon and the curated tables live. */
export const LEXICON_DIR = fileURLToPath(new URL('../', import.meta.url));

/** Reads a CSV file as objects keyed by its header. */
export const readCsvTable = (path: string) => readCsvFile(path);

/** One row of an indented index, linked to its parent. */
export interface IndexNode {
  rowId: string;
  level: number;
  /** The term as printed, e.g. "Infarct, infarction", "myocardium, myocardial", "from, off, out of". */
  term: string;
  /** Cross-reference without a code ("see"), as printed. */
  see: string;
  /** "See also" cross-reference, as printed. */
  seeAlso: string;
  /** Nonessential modifiers, e.g. "(acute) (chronic)". */
  modifiers: string;
  /** The row's code column(s) as printed (may be empty or end in "-"). */
  code: string;
  parent: IndexNode | null;
  children: IndexNode[];
  /** Every column of the row, for sources with more than one code column (the drug table). */
  row: Record<string, string>;
}

/** Builds the forest of main terms (level 0) with their sub-terms. */
export function readIndexTree(path: string, codeColumn: string): IndexNode[] {
  const roots: IndexNode[] = [];
  const stack: IndexNode[] = [];
  for (const row of readCsvTable(path)) {
    const level = Number(row.Level);
    if (!Number.isInteger(level) || level < 0) throw new Error(`${path} row ${row.RowID}: bad Level ${row.Level}`);
    while (stack.length > 0 && stack[stack.length - 1]!.level >= level) stack.pop();
    const parent = stack[stack.length - 1] ?? null;
    if (level > 0 && !parent) throw new Error(`${path} row ${row.RowID}: level ${level} without a parent`);
    const node: IndexNode = {
      rowId: row.RowID ?? '',
      level,
      term: (row.Term ?? '').replace(/\s+/g, ' ').trim(),
      see: (row.See ?? '').replace(/\s+/g, ' ').trim(),
      seeAlso: (row.SeeAlso ?? '').replace(/\s+/g, ' ').trim(),
      modifiers: (row.NonEssModif ?? '').replace(/\s+/g, ' ').trim(),
      code: (row[codeColumn] ?? '').trim(),
      parent,
      children: [],
      row,
    };
    if (parent) parent.children.push(node);
    else roots.push(node);
    stack.push(node);
  }
  return roots;
}

/** The path from the main term down to `node`. */
export function pathOf(node: IndexNode): IndexNode[] {
  const path: IndexNode[] = [];
  for (let n: IndexNode | null = node; n; n = n.parent) path.unshift(n);
  return path;
}

/** Every node of the forest in file order. */
export function* walk(nodes: readonly IndexNode[]): Generator<IndexNode> {
  for (const node of nodes) {
    yield node;
    yield* walk(node.children);
  }
}
